/**
 * `tcpconform mutate` as a user runs it: the score and the survivors on the terminal, the report
 * files, `--json`, `--min-score`'s exit code, and one clear sentence with exit code 2 for input it
 * cannot measure.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

const out = mkdtempSync(join(tmpdir(), 'tcpconform-mutate-'));

test('a selection is scored, survivors first, and the report folder gets the page and the JSON', () => {
  const { code, stdout } = runCli(['mutate', '--id', 'calls/*', '--out', out]);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^\d+ case\(s\) against \d+ mutants of the reference machine \(profile rfc9293\)/);
  expect(stdout).toMatch(/score \d+\.\d%: \d+ killed, \d+ survived, \d+ equivalent \(not counted\)/);
  expect(stdout).toMatch(/survivors \(\d+\): defects no selected case tells apart\n {2}skip /);
  const page = readFileSync(join(out, 'mutate.html'), 'utf8');
  expect(page).toContain('<h2 id="survivors">Survivors:');
  expect(existsSync(join(out, 'mutate.json'))).toBe(true);
});

test('--json prints the report for machines; --min-score above the score exits 1', () => {
  const { code, stdout, stderr } = runCli(['mutate', '--id', 'calls/*', '--out', out, '--json', '--min-score', '99']);
  expect(code).toBe(1);
  const report = JSON.parse(stdout) as { overall: { score: number }; mutants: { id: string; status: string }[] };
  expect(report.overall.score).toBeLessThan(99);
  expect(report.mutants.find((m) => m.id === 'skip 3.10.2/closed/does-not-exist')?.status).toBe('killed');
  expect(stderr).toMatch(/is below --min-score 99%/);
});

test.each([
  [['--profile', 'nope'], /^tcpconform: there is no profile 'nope' in .*; known profiles: .*rfc9293/],
  [['--id', 'nothing/*'], /^tcpconform: no case selected; check the paths and the filters/],
  [['test/fixtures/wrong-ack.yaml'], /^tcpconform: case handshake\/fixture-wrong-ack \(test\/fixtures\/wrong-ack.yaml\) cannot run on the reference machine with the rfc9293 profile: .*tcpconform validate says why\)$/],
])('bad input %j: one sentence and exit code 2', (args, message) => {
  const { code, stderr } = runCli(['mutate', '--out', out, ...args]);
  expect(code).toBe(2);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr.trim()).toMatch(message);
});
