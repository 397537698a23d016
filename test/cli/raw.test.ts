/**
 * `tcpconform run --target raw` and `tcpconform targets raw` as a user types them: the raw target's
 * settings come from options or from their environment variables, and a missing or wrong one is named.
 * The remote host is a kernel in a namespace of its own (test/targets/raw-host.ts).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startTargetHost } from '../targets/raw-host';
import type { TargetHost } from '../targets/raw-host';
import { CLI, FIRST, FIRST_CASES, ROOT, namespacesOf } from './run-cli';

let host: TargetHost;

beforeAll(async () => {
  host = await startTargetHost();
});

afterAll(() => host.stop());

function tcpconform(args: readonly string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string; pid: number | undefined } {
  // The variables of the test's own environment must not leak into a run meant to use options.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TCPCONFORM_RAW_')));
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...clean, ...env } });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr, pid: child.pid };
}

describe('tcpconform with the raw target', () => {
  test('run takes the settings as options: the first cases pass against the remote kernel, through the agent', () => {
    const out = mkdtempSync(join(tmpdir(), 'tcpconform-raw-'));
    const outcome = tcpconform(['run', '--target', 'raw', '--raw-target', '198.18.1.2', '--raw-link', `veth:${host.namespace}:br0`, '--raw-agent', '198.18.1.2:7000', '--raw-profile', 'linux', ...FIRST, '--out', out]);
    expect(outcome.stderr).toBe('');
    expect(outcome.code).toBe(0);
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; target: string; verdict: string });
    expect(results.map((r) => [r.id, r.target, r.verdict]).sort()).toEqual(FIRST_CASES.map((id) => [id, 'raw', 'pass']).sort());
    expect(namespacesOf(outcome.pid!)).toEqual([]);
  });

  test('the same settings from the environment: service mode runs what needs no call and skips the rest with the reason', () => {
    const out = mkdtempSync(join(tmpdir(), 'tcpconform-raw-'));
    const outcome = tcpconform(['run', '--target', 'raw', ...FIRST, '--out', out, '--json'], {
      TCPCONFORM_RAW_TARGET: '198.18.1.2',
      TCPCONFORM_RAW_LINK: `veth:${host.namespace}:br0`,
      TCPCONFORM_RAW_SERVICE: '7',
      TCPCONFORM_RAW_PROFILE: 'linux',
    });
    expect(outcome.code).toBe(0);
    const results = outcome.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; verdict: string; reason?: string });
    expect(results.find((r) => r.id === 'rst/closed-port-syn')?.verdict).toBe('pass');
    const passive = results.find((r) => r.id === 'handshake/passive-open');
    expect(passive?.verdict).toBe('skip');
    expect(passive?.reason).toMatch(/^needs application call\(s\) listen.*which the raw target cannot make$/);
  });

  test('a missing setting is named by its option and its variable, before any case runs', () => {
    const outcome = tcpconform(['run', '--target', 'raw', '--raw-link', `veth:${host.namespace}:br0`, ...FIRST]);
    expect(outcome.code).toBe(3);
    expect(outcome.stderr).toContain("tcpconform: The raw target needs --raw-target (or TCPCONFORM_RAW_TARGET), the target's address");
    expect(outcome.stderr).toContain('exactly one of --raw-agent (or TCPCONFORM_RAW_AGENT)');
  });

  test('an unknown profile is a usage error that lists the known ones', () => {
    const outcome = tcpconform(['run', '--target', 'raw', '--raw-profile', 'linxu', ...FIRST]);
    expect(outcome.code).toBe(2);
    expect(outcome.stderr).toMatch(/there is no profile 'linxu' in .*profiles; known profiles: .*linux/);
  });

  test('targets raw probes the remote host, or says why it cannot', () => {
    const ready = tcpconform(['targets', 'raw', '--raw-target', '198.18.1.2', '--raw-link', `veth:${host.namespace}:br0`, '--raw-agent', '198.18.1.2:7000', '--json']);
    expect(ready.code).toBe(0);
    expect(JSON.parse(ready.stdout)).toMatchObject({ name: 'raw', ok: true, clock: 'real', appCalls: expect.arrayContaining(['listen', 'connect', 'abort']) });
    const missing = tcpconform(['targets', 'raw']);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toMatch(/^raw {2}cannot run here: The raw target needs --raw-target/);
  });

  test('--help names every raw option with its variable', () => {
    const help = tcpconform(['run', '--help']).stdout;
    for (const option of ['--raw-target', '--raw-link', '--raw-agent', '--raw-service', '--raw-peer ', '--raw-peer-ports', '--raw-profile']) expect(help).toContain(option);
    expect(help).toMatch(/env:\s+TCPCONFORM_RAW_TARGET\)/);
  });
});
