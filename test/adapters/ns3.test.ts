/**
 * The ns-3 adapter (adapters/ns3) as the harness uses it: one adapter process per case through the
 * process target, the real runner, the suite's own cases. Needs the adapter built by
 * adapters/ns3/build (from Debian's libns3-dev).
 *
 * Every failing verdict asserted here is explained by ns-3's own source (ns-3.37,
 * src/internet/model/tcp-socket-base.cc); the comments name the function.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';

import { loadSuites } from '../../src/cli/load-suites';
import { loadProfile } from '../../src/cli/load-profiles';
import { runCase } from '../../src/runner/run-case';
import type { CaseResult, Verdict } from '../../src/runner/result';
import type { Case } from '../../src/suite/case';
import { parseCase } from '../../src/suite/parse';
import { createProcessTarget } from '../../src/targets/process';

/** The reference machine runs with what this stack declares (profiles/ns3.yaml). */
const PROFILE = loadProfile('ns3').profile;
const ROOT = path.resolve(__dirname, '../..');
const ADAPTER = path.join(ROOT, 'adapters/ns3/out/adapter');

/** What each suite case must give on ns-3, and for a failure the divergence that explains it. */
const EXPECTED: Record<string, { verdict: Verdict; reason?: RegExp }> = {
  'close/active-close': { verdict: 'pass' },
  'close/passive-close': { verdict: 'pass' },
  'rst/closed-port-syn': { verdict: 'pass' },
  // ns-3 sends no MSS option (SendEmptyPacket, AddOptions), which RFC 9293 §3.7.1 allows for its MSS of
  // 536 (SHLD-5): the handshake cases do not assert the option.
  'handshake/active-open': { verdict: 'pass' },
  'handshake/passive-open': { verdict: 'pass' },
  // RFC 9293 §3.9.1, MUST-61: without a push call, PSH goes on the last buffered segment. ns-3 never
  // sets PSH: SendDataPacket builds the flags from ACK, FIN and CWR only ("this function did not
  // implement the PSH flag", above SendPendingData).
  'window/data-both-directions': { verdict: 'fail', reason: /flags: expected PA, observed A/ },
};

/** Two minutes of virtual idleness between the handshake and data: it must cost no real time. */
const IDLE_CASE = parsed(`id: ns3/idle-two-minutes
title: An established connection idles 120 s, then acknowledges data at once
spec: { rfc9293: ["3.10.7.4"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - wait: 120s
  - send: { flags: PA, data: 10 }
  - expect: { flags: A, seq: 1, ack: 11 }
`);

function parsed(text: string): Case {
  const result = parseCase('test/adapters/ns3.test.ts', text);
  if (!result.case) throw new Error(JSON.stringify(result.problems));
  return result.case;
}

async function run(testCase: Case): Promise<CaseResult> {
  const target = await createProcessTarget({ name: 'ns3', command: [ADAPTER] });
  try {
    return await runCase(testCase, target, PROFILE);
  } finally {
    await target.close();
  }
}

/** What must not change from run to run: the verdict, and every packet and event with its time. */
const fingerprint = (result: CaseResult): string =>
  JSON.stringify({ verdict: result.verdict, reason: result.reason, trace: result.trace });

const suite = loadSuites([path.join(ROOT, 'suites')]);

beforeAll(() => {
  if (!existsSync(ADAPTER)) throw new Error(`the ns-3 adapter is not built: run adapters/ns3/build (looked for ${ADAPTER})`);
});

test('the suite loads', () => {
  expect(suite.problems).toEqual([]);
  expect(suite.cases.length).toBeGreaterThan(0);
});

test('the hello offers what ns-3 can do: no abort, a virtual clock', async () => {
  const target = await createProcessTarget({ name: 'ns3', command: [ADAPTER] });
  try {
    expect(target.stack).toEqual({ name: 'ns3', version: '3.37' });
    expect(target.address).toBe('198.18.0.1');
    expect(target.peerAddress).toBe('198.18.0.2');
    expect(target.capabilities.clock).toBe('virtual');
    expect([...target.capabilities.appCalls].sort()).toEqual(
      ['close', 'connect', 'listen', 'read', 'set-option', 'shutdown', 'state', 'stop-reading', 'write'],
    );
  } finally {
    await target.close();
  }
});

// The first cases, with the reasons behind their verdicts; the whole suite is held to
// adapters/ns3/findings.yaml by test/adapters/findings.test.ts.
describe.each(suite.cases.filter((c) => EXPECTED[c.id] !== undefined).map((c) => [c.id, c] as const))('%s', (id, testCase) => {
  test('gives the verdict ns-3 earns', async () => {
    const result = await run(testCase);
    const expected = EXPECTED[id] as (typeof EXPECTED)[string];
    expect({ id, verdict: result.verdict }).toEqual({ id, verdict: expected.verdict });
    if (expected.reason) expect(result.reason).toMatch(expected.reason);
  });
});

test('a wait of 120 s costs well under a second of real time', async () => {
  const started = process.hrtime.bigint();
  const result = await run(IDLE_CASE);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  expect(result.verdict).toBe('pass');
  // The trace's times are virtual: the last segment came 120 s after the handshake.
  const last = result.trace.filter((e) => e.kind === 'packet').pop();
  expect(last?.timeMs).toBeGreaterThanOrEqual(120_000);
  expect(wallMs).toBeLessThan(1000);
});

test('five runs in a row give identical verdicts and packet traces', async () => {
  const cases = [...suite.cases.filter((c) => EXPECTED[c.id] !== undefined), IDLE_CASE];
  const runs: string[][] = [];
  for (let i = 0; i < 5; i++) {
    const fingerprints: string[] = [];
    for (const testCase of cases) fingerprints.push(fingerprint(await run(testCase)));
    runs.push(fingerprints);
  }
  for (const later of runs.slice(1)) expect(later).toEqual(runs[0]);
});
