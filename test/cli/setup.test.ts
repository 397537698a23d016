/**
 * `tcpconform setup`: on a machine scripts/setup has prepared, every target is ready and nothing is
 * done again; a name that is no target is a usage error.
 */
import { runCli } from './run-cli';

test('a second setup does nothing: each target is ready', () => {
  const outcome = runCli(['setup', 'linux', 'lwip', 'reference']);
  expect(outcome.stdout).toBe('setup: ready: linux, lwip, reference\n');
  expect(outcome.code).toBe(0);
});

test('a name that is not a target', () => {
  const outcome = runCli(['setup', 'linux', 'bsd']);
  expect(outcome.stderr).toContain("tcpconform setup: 'bsd' is not a target; known targets: linux");
  expect(outcome.code).toBe(2);
});
