/**
 * The jest integration as a project uses it: a test file of its own (fixtures/conformance.fixture.ts)
 * run by a jest of its own with jest-junit beside the default reporter, on cases made to pass, to fail
 * (MUST, and MAY below the default failOn) and to be skipped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');

interface Outcome {
  readonly code: number | null;
  readonly output: string;
  readonly junit: string;
}

function runFixture(file: string): Outcome {
  const out = mkdtempSync(path.join(tmpdir(), 'tcpconform-jest-'));
  try {
    const config = {
      rootDir: ROOT,
      roots: ['<rootDir>/test/jest/fixtures'],
      testMatch: ['**/*.fixture.ts'],
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': ['@swc/jest', {}] },
    };
    const child = spawnSync(process.execPath, [JEST, file, '--config', JSON.stringify(config), '--ci', '--reporters=default', '--reporters=jest-junit'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, JEST_JUNIT_OUTPUT_DIR: out, JEST_JUNIT_OUTPUT_NAME: 'junit.xml', FORCE_COLOR: '0' },
    });
    return { code: child.status, output: `${child.stdout}${child.stderr}`, junit: readFileSync(path.join(out, 'junit.xml'), 'utf8') };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

interface JunitCase {
  readonly name: string;
  readonly failure?: { readonly message?: string; readonly inner?: string }[];
  readonly skipped?: unknown[];
}

/** The XML as a standard JUnit consumer reads it (junit2json, an ESM package: in a child Node). */
function consume(xml: string): JunitCase[] {
  const script = `import { parse } from 'junit2json';
let xml = ''; process.stdin.on('data', (c) => (xml += c)).on('end', async () => process.stdout.write(JSON.stringify(await parse(xml))));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { input: xml, encoding: 'utf8', cwd: __dirname });
  if (child.status !== 0) throw new Error(`junit2json could not parse the XML: ${child.stderr}`);
  const parsed = JSON.parse(child.stdout) as { testsuite?: { testcase?: JunitCase[] }[] };
  return (parsed.testsuite ?? []).flatMap((suite) => suite.testcase ?? []);
}

let outcome: Outcome;
beforeAll(() => {
  outcome = runFixture('test/jest/fixtures/conformance.fixture.ts');
});

test('a failing MUST case fails the jest run; the others pass or are skipped', () => {
  expect(outcome.code).toBe(1);
  expect(outcome.output).toMatch(/✕ handshake\/jest-wrong-ack \[MUST\]/);
  expect(outcome.output).toMatch(/✓ rst\/jest-closed-port \[MUST\]/);
  expect(outcome.output).toMatch(/Tests: +1 failed, 1 skipped, 2 passed, 4 total/);
});

test('the failure names the step at file:line, the requirement, expected against observed, and shows the exchange', () => {
  const failure = outcome.output.slice(outcome.output.indexOf('● tcpconform on reference › handshake › handshake/jest-wrong-ack'));
  expect(failure).toContain('handshake/jest-wrong-ack [MUST] failed on the reference target');
  expect(failure).toContain('at test/jest/fixtures/cases/wrong-ack.yaml:8, step 3: expect SA ack 5 within 1s');
  expect(failure).toContain('requirement: EVT-3.10.7.2-SYN-1 (RFC 9293 §3.5)');
  expect(failure).toContain('expected: SA ack 5');
  expect(failure).toMatch(/observed: SA seq 0 ack 1 win \d+ len 0/);
  // The ladder: the peer's SYN and the reference machine's SYN-ACK, with its state.
  expect(failure).toMatch(/peer ──▶ +S +0 +- +65535 +0 +SYN-RECEIVED/);
  expect(failure).toMatch(/◀── +SA +0 +1 /);
  // The stack points at the case file, so jest prints the YAML around the failing step.
  expect(failure).toMatch(/> 8 \|   - expect: \{ flags: SA, ack: 5 \}/);
});

test('a failing MAY case passes under the default failOn, with the failure printed as a warning', () => {
  expect(outcome.output).toMatch(/✓ handshake\/jest-wrong-may \[MAY\]/);
  expect(outcome.output).toContain('handshake/jest-wrong-may [MAY] failed on the reference target');
  expect(outcome.output).toContain('(a MAY case: reported, not failed; failOn is MUST, SHOULD)');
});

test('jest-junit writes one testcase per case: the failure with its message, the skip as skipped, with its reason', () => {
  const testcases = consume(outcome.junit);
  expect(testcases.map((c) => c.name).sort()).toEqual([
    'tcpconform on reference handshake handshake/jest-wrong-ack [MUST] A deliberately wrong MUST case, expecting the SYN-ACK to acknowledge ISN+5',
    'tcpconform on reference handshake handshake/jest-wrong-may [MAY] A deliberately wrong MAY case, below the default failOn',
    'tcpconform on reference rst rst/jest-closed-port [MUST] A SYN to a port with no listener is answered with RST/ACK',
    'tcpconform on reference rst rst/jest-written-for-rfc793 [MUST] skipped: written for rfc5961Syn: false; the rfc9293 profile sets rfc5961Syn: true',
  ]);
  const failed = testcases.filter((c) => c.failure);
  expect(failed.map((c) => c.name)).toEqual([expect.stringContaining('handshake/jest-wrong-ack')]);
  const text = JSON.stringify(failed[0]?.failure);
  expect(text).toContain('expected: SA ack 5');
  expect(text).toContain('wrong-ack.yaml:8');
  expect(testcases.filter((c) => c.skipped).map((c) => c.name)).toEqual([expect.stringContaining('rst/jest-written-for-rfc793')]);
});
