/**
 * What the application sets and sends beyond §3.10's calls: keep-alives (§3.8.4: off by default, a
 * probe after the idle time with nothing outstanding, unanswered ones counted, an answer keeps the
 * connection), the user timeout it sets (§3.8.3, MUST-21) and R2 for a SYN (MUST-23), Nagle off
 * (MUST-17), urgent data it sends (§3.8.5, MUST-62) and the urgent mark of what it receives.
 */
import type { ReferenceEndpoint } from '../../src/reference';
import { arrive, established, events, IRS, ISS, sent, synSent } from './fixtures';

const RCV = IRS + 1;
const SND = ISS + 1;

/** Jumps from deadline to deadline up to `until`; [time, trace line or event] for everything that happened. */
function runTimers(ep: ReferenceEndpoint, until: number): [number, string][] {
  const trace: [number, string][] = [];
  for (let deadline = ep.nextDeadline(); deadline !== undefined && deadline <= until; deadline = ep.nextDeadline()) {
    const outputs = ep.tick(deadline);
    for (const line of [...sent(outputs), ...events(outputs)]) trace.push([deadline, line]);
  }
  return trace;
}

describe('keep-alives (§3.8.4)', () => {
  test('off by default: an idle connection sends nothing for days', () => {
    const ep = established();
    expect(ep.nextDeadline()).toBeUndefined();
    expect(runTimers(ep, 3 * 86_400_000)).toEqual([]);
  });

  test("turned on without times of its own: the first probe after the profile's two hours, <SEQ=SND.NXT-1> without data", () => {
    const ep = established();
    ep.configure({ keepAlive: { enabled: true } }, 0);
    expect(runTimers(ep, 7_200_000 + 75_000)).toEqual([
      [7_200_000, `A seq ${SND - 1} ack ${RCV} len 0`],
      [7_275_000, `A seq ${SND - 1} ack ${RCV} len 0`],
    ]);
    expect(ep.firedRules).toContain('3.8.4/keep-alive-probe');
  });

  test('unanswered probes come every interval; after the count of them the connection is given up and the user told', () => {
    const ep = established({ keepAliveCount: 2 });
    ep.configure({ keepAlive: { enabled: true, idleMs: 1_000, intervalMs: 500 } }, 0);
    expect(runTimers(ep, 10_000)).toEqual([
      [1_000, `A seq ${SND - 1} ack ${RCV} len 0`],
      [1_500, `A seq ${SND - 1} ack ${RCV} len 0`],
      [2_000, 'timeout'],
    ]);
    expect(ep.state).toBe('CLOSED');
    expect(ep.firedRules).toContain('3.8.4/keep-alive-give-up');
  });

  test('one probe left unanswered does not end the connection: the answer to the next starts the idle time over (MUST-29)', () => {
    const ep = established({ keepAliveCount: 2 });
    ep.configure({ keepAlive: { enabled: true, idleMs: 1_000, intervalMs: 500 } }, 0);
    runTimers(ep, 1_500);
    arrive(ep, {}, 1_600);
    expect(ep.firedRules).toContain('3.8.4/keep-alive-answered');
    expect(runTimers(ep, 2_599)).toEqual([]);
    expect(runTimers(ep, 2_600)).toEqual([[2_600, `A seq ${SND - 1} ack ${RCV} len 0`]]);
    expect(ep.state).toBe('ESTABLISHED');
  });

  test('no probe while data is outstanding (MUST-26): the data is retransmitted instead', () => {
    const ep = established({ userTimeoutMs: 60_000 });
    ep.configure({ keepAlive: { enabled: true, idleMs: 500, intervalMs: 500 } }, 0);
    ep.send(10, 0);
    const trace = runTimers(ep, 4_000);
    expect(trace.every(([, line]) => line === `PA seq ${SND} ack ${RCV} len 10`)).toBe(true);
    expect(ep.firedRules).toContain('3.8.4/keep-alive-deferred');
  });
});

describe('the user timeout, R2 (§3.8.3)', () => {
  test('an active open gives up after the profile R2 for a SYN, and the user is told', () => {
    const ep = synSent({ synUserTimeoutMs: 200_000, userTimeoutMs: 5_000 });
    const trace = runTimers(ep, 300_000);
    expect(trace.at(-1)).toEqual([200_000, 'timeout']);
    expect(ep.state).toBe('CLOSED');
  });

  test('the R2 the application sets replaces the profile, for data and for a SYN (MUST-21)', () => {
    const ep = established();
    ep.configure({ userTimeoutMs: 5_000 }, 0);
    ep.send(10, 0);
    expect(runTimers(ep, 10_000).at(-1)).toEqual([5_000, 'timeout']);
    expect(ep.firedRules).toContain('3.10.8/user-timeout');
  });
});

test('Nagle turned off sends what it held at once (MUST-17)', () => {
  const ep = established();
  ep.send(10, 0);
  expect(sent(ep.send(10, 0))).toEqual([]);
  expect(sent(ep.configure({ nagle: false }, 0))).toEqual([`PA seq ${SND + 10} ack ${RCV} len 10`]);
});

describe('urgent data (§3.8.5)', () => {
  test('SEND with URGENT: every segment before the end of the urgent data carries URG and the pointer to the octet after it (MUST-62)', () => {
    const ep = established();
    ep.configure({ nagle: false }, 0);
    const segments = ep.send(1000, 0, true).flatMap((o) => (o.kind === 'segment' ? [o.segment] : []));
    expect(segments.map((s) => [s.seq - SND, s.payload.length, s.urgentPointer])).toEqual([
      [0, 536, 1000],
      [536, 464, 464],
    ]);
    expect(ep.firedRules).toContain('3.10.2/urgent');
    arrive(ep, { ack: SND + 1000 });
    const later = ep.send(10, 0).flatMap((o) => (o.kind === 'segment' ? [o.segment] : []));
    expect(later.map((s) => [s.flags & 0x20, s.urgentPointer])).toEqual([[0, 0]]);
  });

  test('the urgent mark: the next octet RECEIVE returns is the last urgent one', () => {
    const ep = established();
    arrive(ep, { flags: 'UPA', data: 10, urgentPointer: 10 });
    expect(ep.atUrgentMark()).toBe(false);
    ep.receive(9, 0);
    expect(ep.atUrgentMark()).toBe(true);
    ep.receive(1, 0);
    expect(ep.atUrgentMark()).toBe(false);
  });
});
