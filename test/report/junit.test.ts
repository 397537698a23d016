/**
 * The JUnit XML is read back by a real JUnit consumer (junit2json, an ESM package, so it runs in a
 * child Node process) rather than compared as a string.
 */
import { spawnSync } from 'node:child_process';
import { renderJunit } from '../../src/report/junit';
import type { CaseResult } from '../../src/runner/result';

function result(overrides: Partial<CaseResult>): CaseResult {
  return {
    id: 'handshake/example', title: 'An example', area: 'handshake', level: 'MUST',
    spec: { rfc9293: ['3.5'], requirements: [] }, tags: [], file: 'suites/handshake/example.yaml',
    target: 'linux', verdict: 'pass', startedAt: 0, durationMs: 1500, steps: [], trace: [], ...overrides,
  };
}

interface Parsed {
  tests: number; failures: number; errors: number; skipped: number;
  testsuite: { name: string; tests: number; failures: number; testcase: { name: string; classname: string; failure?: { message: string; inner: string }[]; error?: unknown[]; skipped?: { message: string }[] }[] }[];
}

function consume(xml: string): Parsed {
  const script = `import { parse } from 'junit2json';
let xml = ''; process.stdin.on('data', (c) => (xml += c)).on('end', async () => process.stdout.write(JSON.stringify(await parse(xml))));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: xml, encoding: 'utf8', cwd: __dirname });
  if (child.status !== 0) throw new Error(`junit2json could not parse the XML: ${child.stderr}`);
  return JSON.parse(child.stdout) as Parsed;
}

test('a standard JUnit consumer reads one testsuite per target and area, with expected vs observed in failures', () => {
  const xml = renderJunit([
    result({ id: 'handshake/a' }),
    result({
      id: 'handshake/b', verdict: 'fail', reason: 'x.yaml:8: ack: expected 5, observed 1',
      divergence: { step: 2, file: 'x.yaml', line: 8, expected: 'SA ack 5', observed: 'SA seq 0 ack 1 win 64240 len 0', mismatches: [{ field: 'ack', expected: '5', observed: '1' }] },
    }),
    result({ id: 'rst/c', area: 'rst', verdict: 'error', reason: 'the adapter exited <with> "quotes" & such\u0001' }),
    result({ id: 'rst/d', area: 'rst', verdict: 'skip', reason: 'needs application call(s) connect' }),
    result({ id: 'rst/e', area: 'rst', verdict: 'waived', reason: 'profile: Linux sends no challenge ACK here' }),
  ]);
  const parsed = consume(xml);
  expect(parsed).toMatchObject({ tests: 5, failures: 1, errors: 1, skipped: 2 });
  expect(parsed.testsuite.map((s) => s.name)).toEqual(['linux/handshake', 'linux/rst']);
  const [handshake, rst] = parsed.testsuite;
  expect(handshake!.testcase.map((c) => c.name)).toEqual(['handshake/a', 'handshake/b']);
  const failure = handshake!.testcase[1]!.failure![0]!;
  expect(failure.message).toBe('x.yaml:8: ack: expected 5, observed 1');
  expect(failure.inner).toContain('expected: SA ack 5');
  expect(failure.inner).toContain('observed: SA seq 0 ack 1 win 64240 len 0');
  expect(rst!.testcase[0]!.error).toHaveLength(1);
  expect(rst!.testcase[2]!.skipped![0]!.message).toBe('waived: profile: Linux sends no challenge ACK here');
});
