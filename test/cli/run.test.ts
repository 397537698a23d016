/**
 * The command line end to end, against the real local kernel: what a user runs, what CI gates on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePacket } from '../../src/wire';
import { loadSuites } from '../../src/cli/load-suites';
import { FIRST, namespacesOf, runCli, startCli } from './run-cli';
import { inTestRange } from '../../src/targets/family';
import { runOf } from '../../src/runner/result';

/** The whole suite on the local kernel: its longest case (TIME-WAIT, 2×MSL = 60 s) and then some. */
const WHOLE_SUITE_MS = 15 * 60_000;

const made: string[] = [];
const outDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpconform-cli-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
interface ResultLine { id: string; target: string; family?: 'ipv4' | 'ipv6'; verdict: string; trace: { kind: string; hex?: string }[] }
const resultsIn = (dir: string): ResultLine[] =>
  readFileSync(join(dir, 'results.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as ResultLine);
/** The host's own interfaces, addresses and routes, which a run must never touch. */
const hostNetwork = (): string =>
  ['link', 'addr', 'route'].map((what) => spawnSync('ip', ['-o', what, 'show'], { encoding: 'utf8' }).stdout).join('\n');

describe('tcpconform run', () => {
  test('the README main command passes every case of the suite in both families and writes the report', () => {
    // The whole suite against the local kernel, over IPv4 and IPv6: TIME-WAIT cases alone take 2×MSL of real time.
    const out = outDir();
    const hostBefore = hostNetwork();
    const run = runCli(['run', 'suites', '--target', 'linux', '--out', out], WHOLE_SUITE_MS);
    expect(run.stderr).toBe('');
    // The lines of the cases that did not pass, and the reason under each, so that a failure names them.
    const notPassed = run.stdout.split('\n').filter((line, i, lines) => /^(FAIL|ERROR)/.test(line) || /^(FAIL|ERROR)/.test(lines[i - 1] ?? ''));
    expect({ code: run.code, notPassed }).toEqual({ code: 0, notPassed: [] });
    expect(hostNetwork()).toBe(hostBefore);
    const results = resultsIn(out);
    // Network rule: every packet of the run stayed within 198.18.0.0/15 and 2001:2::/48.
    const packets = results.flatMap((r) => r.trace.filter((e) => e.kind === 'packet').map((e) => decodePacket(Buffer.from(e.hex ?? '', 'hex')).ip));
    expect(packets.length).toBeGreaterThan(20);
    expect(packets.filter((ip) => ip.version === 6).length).toBeGreaterThan(20);
    expect(packets.filter((ip) => !inTestRange(ip.src) || !inTestRange(ip.dst))).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(6);
    expect(results.filter((r) => r.family === 'ipv6').length).toBeGreaterThan(results.length / 3);
    // Cases written for other profile values (when:) are skipped with the reason, Linux's declared
    // deviations (profiles/linux.yaml) are waived with theirs; none fails or errors.
    expect(results.filter((r) => !['pass', 'skip', 'waived'].includes(r.verdict)).map((r) => `${r.id} on ${runOf(r)}: ${r.verdict}`)).toEqual([]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('handshake/passive-open');
    // Each family's pages and captures in the run's own folder: linux for IPv4, linux-ipv6 beside it.
    for (const r of results) {
      expect(existsSync(join(out, 'cases', runOf(r), `${r.id.replace(/\//g, '.')}.html`))).toBe(true);
      expect(existsSync(join(out, 'pcap', runOf(r), `${r.id.replace(/\//g, '.')}.pcap`))).toBe(true);
    }
  }, WHOLE_SUITE_MS);

  test('a case expecting the wrong ACK fails with expected and observed values, exit 1', () => {
    const run = runCli(['run', 'test/fixtures/wrong-ack.yaml', '--out', outDir()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL +handshake\/fixture-wrong-ack/);
    expect(run.stdout).toContain('test/fixtures/wrong-ack.yaml:8: ack: expected 5, observed 1');
    expect(run.stdout).toMatch(/observed: SA seq 0 ack 1 win \d+ len 0/);
  });

  test('bad suite files are named with file and line, and the rest still runs (exit 2)', () => {
    const out = outDir();
    const run = runCli(['run', 'test/fixtures/mixed-suite', '--family', 'ipv4', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/mixed-suite\/schema-error\.yaml:7:\d+: steps\[1\]\.send\.win: 70000 must be at most 65535/);
    expect(run.stderr).toMatch(/mixed-suite\/unknown-step\.yaml:7:5: steps\[1\]: unknown step 'sned'/);
    expect(run.stderr).toMatch(/mixed-suite\/yaml-syntax\.yaml:\d+:\d+: YAML syntax: /);
    expect(resultsIn(out)).toEqual([expect.objectContaining({ id: 'rst/fixture-closed-port', verdict: 'pass' })]);
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s half-way keeps the finished results, writes the report and removes the namespaces', async (signal, code) => {
    const out = outDir();
    const { child, done } = startCli(['run', 'test/fixtures/interrupt', '--family', 'ipv4', '--out', out]);
    // Interrupt once the quick case is written and the slow one has its namespace.
    for (let i = 0; i < 600 && !(existsSync(join(out, 'results.jsonl')) && readFileSync(join(out, 'results.jsonl'), 'utf8').includes('fixture-quick') && namespacesOf(child.pid!).length > 0); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(namespacesOf(child.pid!)).toHaveLength(1);
    child.kill(signal);
    const outcome = await done;
    expect(outcome.code).toBe(code);
    expect(outcome.stderr).toContain(`interrupted by ${signal}; 1 finished case(s) kept`);
    expect(resultsIn(out)).toEqual([expect.objectContaining({ id: 'rst/fixture-quick', verdict: 'pass' })]);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('rst/fixture-quick');
    expect(namespacesOf(child.pid!)).toEqual([]);
  });

  test('two runs at the same time both finish with correct verdicts', async () => {
    const [a, b] = [startCli(['run', 'suites', ...FIRST, '--out', outDir()]), startCli(['run', 'suites', ...FIRST, '--out', outDir()])];
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(ra.stdout).toMatch(/\d+ passed, 0 failed, \d+ skipped, 0 errored/);
    expect(rb.stdout).toMatch(/\d+ passed, 0 failed, \d+ skipped, 0 errored/);
    expect(namespacesOf(a.child.pid!)).toEqual([]);
    expect(namespacesOf(b.child.pid!)).toEqual([]);
  });

  test('selection by id glob and by tag', () => {
    const out = outDir();
    expect(runCli(['run', 'suites', '--id', 'handshake/passive-open', '--id', 'handshake/active-open', '--out', out]).code).toBe(0);
    // Both families by default: each case once per family, a run of its own.
    expect(resultsIn(out).map((r) => `${r.id} ${runOf(r)}`).sort()).toEqual(['handshake/active-open linux', 'handshake/active-open linux-ipv6', 'handshake/passive-open linux', 'handshake/passive-open linux-ipv6']);
    expect(runCli(['run', 'suites', '--id', 'close/passive-close', '--id', 'close/active-close', '--tag', 'passive-close', '--family', 'ipv6', '--out', out]).code).toBe(0);
    expect(resultsIn(out).map((r) => `${r.id} ${runOf(r)}`)).toEqual(['close/passive-close linux-ipv6']);
    const none = runCli(['run', 'suites', '--id', 'nothing/*', '--out', out]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no case selected');
  });

  test('usage errors exit 2 and --help answers with examples and exit codes', () => {
    expect(runCli(['run', '--target', 'nonesuch']).code).toBe(2);
    const help = runCli(['run', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');
    expect(help.stdout).toContain('Exit codes: 0 all passed, 1 conformance failures');
  });
});

describe('gating and machine-readable output', () => {
  test('with --baseline only the case that newly fails fails the run, and it is named', () => {
    const baseline = outDir();
    expect(runCli(['run', 'suites', ...FIRST, '--out', baseline]).code).toBe(0);
    const run = runCli(['run', 'suites', 'test/fixtures/wrong-ack.yaml', ...FIRST, '--id', 'handshake/fixture-wrong-ack', '--baseline', baseline, '--out', outDir()]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('newly failing: handshake/fixture-wrong-ack on linux (MUST)');
  });

  test('--json prints one JSON result per line on stdout and keeps progress off it', () => {
    const run = runCli(['run', 'suites', '--id', 'rst/closed-port-syn', '--json', '--family', 'ipv4', '--out', outDir()]);
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; verdict: string });
    expect(lines.map((l) => [l.id, l.verdict])).toEqual([['rst/closed-port-syn', 'pass']]);
    expect(run.stderr).toContain('1 passed, 0 failed');
  });
});

describe('tcpconform list', () => {
  test('lists every case with its level, sections and needs, and counts by area and level', () => {
    const run = runCli(['list']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('handshake/active-open  MUST  §3.5 §3.10.1 §3.10.7.3');
    expect(run.stdout).toContain('needs: app calls connect');
    const cases = loadSuites(['suites']).cases;
    const count = (area: string) => cases.filter((c) => c.area === area).length;
    const areas = [...new Set(cases.map((c) => c.area))].map((area) => `${area} ${count(area)}`).join(', ');
    const inFamily = (family: 'ipv4' | 'ipv6') => cases.filter((c) => c.family === undefined || c.family === family).length;
    expect(run.stdout).toContain(`\n${cases.length} case(s) (${inFamily('ipv4')} in ipv4, ${inFamily('ipv6')} in ipv6). By area: ${areas}.`);
  });
});

describe('tcpconform validate', () => {
  test('the suite is valid', () => {
    const run = runCli(['validate', 'suites']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+ case\(s\) valid, 0 problem\(s\)/m);
  });

  test('a case whose explicit expectation contradicts the reference machine is refused, naming the step', () => {
    const run = runCli(['validate', 'test/fixtures/wrong-ack.yaml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^test\/fixtures\/wrong-ack\.yaml:8:5: step 2 \(expect SA ack 5 within 1s\) contradicts the reference machine \(RFC 9293\): ack: expected 5, observed 1/,
    );
  });

  test('every bad file is reported with file and line; exit 2', () => {
    const run = runCli(['validate', 'test/fixtures/mixed-suite']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('1 case(s) valid, 4 problem(s)');
    expect(run.stderr.trim().split('\n')).toHaveLength(4);
  });
});
