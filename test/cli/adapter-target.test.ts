/**
 * A stack of the user's own, on the command line: `--target adapter` with `--adapter` and `--profile`
 * (and the short form `adapter:COMMAND`), in run, targets, list, explain and merge; an adapter that
 * breaks mid-case errs that case only.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './run-cli';

const C_STARTER = join(ROOT, 'adapters/starter/c');
const ADAPTER = join(C_STARTER, 'adapter');
const PROFILE = 'adapters/starter/c/profile.yaml';
/** A handful of cases the starter's tiny TCP passes. */
const HANDFUL = ['handshake/passive-open', 'handshake/active-open', 'rst/closed-port-syn', 'close/passive-close', 'close/active-close', 'window/data-both-directions'];
const ids = (list: readonly string[]): string[] => list.flatMap((id) => ['--id', id]);

const made: string[] = [];
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tcpconform-adapter-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface ResultLine {
  id: string;
  target: string;
  family?: string;
  verdict: string;
  reason?: string;
  targetInfo?: { stack?: { name: string; version: string }; clock: string; families: string[]; appCalls: string[] };
}
const resultsIn = (out: string): ResultLine[] => readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ResultLine);

beforeAll(() => {
  const make = spawnSync('make', ['-s', '-C', C_STARTER], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make in ${C_STARTER} failed: ${make.stderr}`);
});

test('run --target adapter --adapter --profile: the C starter passes a handful of cases, named after its profile', () => {
  const out = dir();
  const run = runCli(['run', '--target', 'adapter', '--adapter', ADAPTER, '--profile', PROFILE, ...ids(HANDFUL), '--out', out]);
  expect(run.stderr).toBe('');
  // Both families by default: the starter's hello says IPv4 alone, so its IPv6 runs are skipped, saying so.
  expect(run.stdout).toContain(`tcpconform: ${HANDFUL.length * 2} case(s) on tiny-tcp`);
  expect(run.stdout).toContain('the tiny-tcp target does not speak IPv6 (it speaks ipv4)');
  expect(run.code).toBe(0);
  const results = resultsIn(out).filter((r) => r.family !== 'ipv6');
  expect(results.map((r) => `${r.target} ${r.id} ${r.verdict}`).sort()).toEqual(HANDFUL.map((id) => `tiny-tcp ${id} pass`).sort());
  // What the hello said is in every result, and in the report.
  expect(results[0]?.targetInfo).toEqual({
    stack: { name: 'tiny-tcp', version: '0.1' },
    clock: 'virtual',
    families: ['ipv4'],
    appCalls: ['listen', 'connect', 'write', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state'],
    notes: [expect.stringContaining('no timers')],
  });
  const index = readFileSync(join(out, 'index.html'), 'utf8');
  expect(index).toContain('Targets, as each described itself');
  expect(index).toMatch(/<td><b>tiny-tcp<\/b><\/td><td>tiny-tcp 0\.1<\/td><td>virtual<\/td><td>ipv4<\/td>/);
  expect(readFileSync(join(out, 'cases', 'tiny-tcp', 'handshake.passive-open.html'), 'utf8')).toContain('tiny-tcp 0.1 · virtual clock · ipv4');
});

test('the short form adapter:COMMAND, without a profile: RFC 9293\'s values and the name adapter', () => {
  const out = dir();
  const run = runCli(['run', '--target', `adapter:${ADAPTER}`, '--id', 'handshake/passive-open', '--family', 'ipv4', '--out', out]);
  expect(run.code).toBe(0);
  expect(resultsIn(out).map((r) => `${r.target} ${r.verdict}`)).toEqual(['adapter pass']);
});

test('a deviation declared in the profile waives the failure, naming the profile file', () => {
  const out = dir();
  const run = runCli(['run', '--target', 'adapter', '--adapter', ADAPTER, '--profile', PROFILE, '--id', 'handshake/syn-retransmitted', '--family', 'ipv4', '--out', out]);
  expect(run.code).toBe(0);
  const [result] = resultsIn(out);
  expect(result?.verdict).toBe('waived');
  expect(result?.reason).toContain(`waived by ${PROFILE}: tiny_tcp has no timers`);
});

test('an adapter that crashes mid-case gives that case an error verdict, and the run goes on', () => {
  const out = dir();
  const crash = `node ${join(ROOT, 'adapters/testing/crash-on-write.js')}`;
  const run = runCli(['run', '--target', 'adapter', '--adapter', crash, '--id', 'handshake/passive-open', '--id', 'window/data-both-directions', '--id', 'rst/closed-port-syn', '--family', 'ipv4', '--out', out]);
  expect(run.code).toBe(3);
  const verdicts = Object.fromEntries(resultsIn(out).map((r) => [r.id, r]));
  expect(verdicts['handshake/passive-open']?.verdict).toBe('pass');
  expect(verdicts['rst/closed-port-syn']?.verdict).toBe('pass');
  expect(verdicts['window/data-both-directions']?.verdict).toBe('error');
  expect(verdicts['window/data-both-directions']?.reason).toContain('the adapter exited with code 139 (SIGSEGV) during "write"; its stderr: toy: tcp_write: pcb->snd_queuelen overflow');
});

describe('mistakes on the command line, each in one sentence', () => {
  test('a profile file that breaks the schema: file, line and column, exit 2', () => {
    const profile = join(dir(), 'my-stack.yaml');
    writeFileSync(profile, 'name: my-stack\ntitle: Mine\nparameters:\n  msl: { value: 30, source: here }\n');
    const run = runCli(['run', '--target', 'adapter', '--adapter', ADAPTER, '--profile', profile, '--out', dir()]);
    expect(run.stderr).toContain(`${profile}:4:17: parameters.msl.value: must be a duration with its unit`);
    expect(run.code).toBe(2);
  });

  test('an adapter target without its command, and an --adapter without an adapter target', () => {
    const missing = runCli(['run', '--target', 'adapter', '--out', dir()]);
    expect(missing.stderr).toContain("--target adapter needs the command that starts the adapter: --adapter 'COMMAND ARGS'");
    expect(missing.code).toBe(2);
    const stray = runCli(['run', '--target', 'reference', '--adapter', ADAPTER, '--out', dir()]);
    expect(stray.stderr).toContain('--adapter names the command of an adapter target: add --target adapter');
    expect(stray.code).toBe(2);
  });

  test('an adapter that does not start fails the run before any case, exit 3', () => {
    const run = runCli(['run', '--target', 'adapter', '--adapter', './no-such-adapter', '--out', dir()]);
    expect(run.stderr).toMatch(/the adapter exited with code 127 before its hello; its stderr: .*no-such-adapter: not found/);
    expect(run.code).toBe(3);
  });
});

test('targets: the adapter as its hello describes it', () => {
  const probe = runCli(['targets', 'adapter', '--adapter', ADAPTER, '--profile', PROFILE, '--json']);
  expect(probe.code).toBe(0);
  expect(JSON.parse(probe.stdout)).toMatchObject({ name: 'tiny-tcp', ok: true, clock: 'virtual', families: ['ipv4'], stack: { name: 'tiny-tcp', version: '0.1' } });
});

test('list and explain take a profile file', () => {
  const list = runCli(['list', '--profile', PROFILE, '--id', 'time-wait/expires-after-2msl']);
  expect(list.code).toBe(0);
  expect(list.stdout).toContain(`(${PROFILE})`);
  const explain = runCli(['explain', 'handshake/passive-open', '--profile', PROFILE]);
  expect(explain.code).toBe(0);
  expect(explain.stdout).toContain(`The exchange the reference machine predicts (${PROFILE}, virtual clock)`);
});

test('merge: the adapter run beside a reference run, one report comparing both', () => {
  const mine = dir();
  const reference = dir();
  expect(runCli(['run', '--target', 'adapter', '--adapter', ADAPTER, '--profile', PROFILE, ...ids(HANDFUL), '--family', 'ipv4', '--out', mine]).code).toBe(0);
  expect(runCli(['run', '--target', 'reference', ...ids(HANDFUL), '--family', 'ipv4', '--out', reference]).code).toBe(0);
  const merged = dir();
  const merge = runCli(['merge', mine, reference, '--out', merged, '--fail-on', 'MUST']);
  expect(merge.stdout).toContain(`merged ${HANDFUL.length * 2} result(s) from 2 input(s)`);
  expect(merge.code).toBe(0);
  expect(readFileSync(join(merged, 'index.html'), 'utf8')).toMatch(/<td><b>tiny-tcp<\/b><\/td><td>tiny-tcp 0\.1<\/td>/);
});
