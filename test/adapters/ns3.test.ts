/**
 * The ns-3 adapter (adapters/ns3) as the harness uses it: one adapter process per case through the
 * process target, the real runner, the suite's own cases. Needs the adapter built by
 * adapters/ns3/build (from Debian's libns3-dev).
 *
 * Every failing verdict asserted here is explained by ns-3's own source (ns-3.37,
 * src/internet/model/tcp-socket-base.cc); the comments name the function.
 */
import { adapter, casesIn, expectIdenticalRuns, expectIdleCostsNoRealTime, expectVerdict, idleTwoMinutesCase, loadSuite } from './adapter-cases';
import type { ExpectedVerdict } from './adapter-cases';

const NS3 = adapter('ns3');
const suite = loadSuite();

/** What each suite case must give on ns-3, and for a failure the divergence that explains it. */
const EXPECTED: Readonly<Record<string, ExpectedVerdict>> = {
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
const IDLE_CASE = idleTwoMinutesCase('ns3');

beforeAll(() => NS3.requireBuilt());

test('the suite loads', () => {
  expect(suite.problems).toEqual([]);
  expect(suite.cases.length).toBeGreaterThan(0);
});

test('the hello offers what ns-3 can do: no abort, a virtual clock', async () => {
  const target = await NS3.start();
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
describe.each(casesIn(suite.cases, EXPECTED))('%s', (id, testCase) => {
  test('gives the verdict ns-3 earns', async () => {
    expectVerdict(await NS3.run(testCase), EXPECTED[id]);
  });
});

test('a wait of 120 s costs well under a second of real time', async () => {
  await expectIdleCostsNoRealTime((testCase) => NS3.run(testCase), IDLE_CASE, 1000);
});

test('five runs in a row give identical verdicts and packet traces', async () => {
  await expectIdenticalRuns([...casesIn(suite.cases, EXPECTED).map(([, testCase]) => testCase), IDLE_CASE], (testCase) => NS3.run(testCase));
});
