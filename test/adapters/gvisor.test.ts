/**
 * The gVisor netstack adapter (adapters/gvisor) through the process target and the real runner:
 * the suite's verdicts on gVisor, virtual time that costs no real time, and runs that repeat exactly.
 * Needs the adapter built (adapters/gvisor/build).
 */
import { adapter, casesIn, expectIdenticalRuns, expectIdleCostsNoRealTime, expectVerdict, idleTwoMinutesCase, loadSuite, parseOwnProfile, sentTimesMs, timeWaitCase } from './adapter-cases';
import type { ExpectedVerdict } from './adapter-cases';

const GVISOR = adapter('gvisor');
const suite = loadSuite();

/** What gVisor does on each case, checked against its source (see adapters/gvisor/README.md). */
const EXPECTED: Readonly<Record<string, ExpectedVerdict>> = {
  'close/active-close': { verdict: 'pass' },
  'close/passive-close': { verdict: 'pass' },
  'handshake/active-open': { verdict: 'pass' },
  'handshake/passive-open': { verdict: 'pass' },
  'rst/closed-port-syn': { verdict: 'pass' },
  'window/data-both-directions': { verdict: 'pass' },
};

beforeAll(() => GVISOR.requireBuilt());

describe('gvisor adapter', () => {
  test('says hello with its stack, a virtual clock and every call', async () => {
    const target = await GVISOR.start();
    try {
      expect(target.stack.name).toBe('gvisor');
      expect(target.stack.version).toMatch(/20221219/);
      expect(target.address).toBe('198.18.0.1');
      expect(target.peerAddress).toBe('198.18.0.2');
      expect(target.capabilities.clock).toBe('virtual');
      expect([...target.capabilities.appCalls].sort()).toEqual(
        ['abort', 'close', 'connect', 'listen', 'read', 'set-option', 'shutdown', 'state', 'stop-reading', 'write'],
      );
    } finally {
      await target.close();
    }
  });

  test('the suite loads', () => {
    expect(suite.problems).toEqual([]);
    expect(suite.cases.length).toBeGreaterThan(0);
  });

  // The first cases; the whole suite is held to adapters/gvisor/findings.yaml by test/adapters/findings.test.ts.
  test.each(casesIn(suite.cases, EXPECTED))('%s', async (id, testCase) => {
    expectVerdict(await GVISOR.run(testCase), EXPECTED[id]);
  });

  test('a 2-minute wait costs well under a second, and the retransmission timers keep their times', async () => {
    // After the idle minutes, data the peer never acknowledges: its retransmissions show gVisor's RTO.
    const waitCase = idleTwoMinutesCase(
      'gvisor',
      `  - app: { write: 100 }
  - expect: { flags: PA, seq: 1, len: 100 }
  - expect: { flags: PA, seq: 1, len: 100, within: 2s }
  - expect: { flags: PA, seq: 1, len: 100, within: 3s }
`,
    );
    const result = await expectIdleCostsNoRealTime((testCase) => GVISOR.run(testCase), waitCase, 500);
    // RFC 6298: 1 s initial RTO, then doubled (gVisor's snd.go); times are virtual milliseconds.
    const sent = sentTimesMs(result);
    expect(sent.slice(-3).map((t) => t - sent[sent.length - 3]!)).toEqual([0, 1000, 3000]);
  });

  test('profiles/gvisor.yaml parses, and its MSL is what the stack does: TIME-WAIT lasts 2×MSL from the last FIN', async () => {
    const own = parseOwnProfile('gvisor');
    expect(own.problems).toEqual([]);
    expect(own.profile?.profile).toMatchObject({ mslMs: 30_000, initialRtoMs: 1000, mss: 1460 });
    // The peer's FIN comes again after 30 s: TIME-WAIT restarts then and ends 60 s later.
    const timeWait = timeWaitCase({ stack: 'gvisor', twoMslSeconds: 60, refinAfterSeconds: 30, quiet: '500ms', synAckOptions: '{ mss: 1460 }' });
    expect(await GVISOR.run(timeWait)).toMatchObject({ verdict: 'pass' });
  });

  test('five runs of the suite give the same verdicts and the same packets at the same times', async () => {
    await expectIdenticalRuns(suite.cases, (testCase) => GVISOR.run(testCase));
  });
});
