/**
 * Every timer: retransmission with RFC 6298's backoff and maximum, SYN and SYN-ACK retransmission
 * (MUST-22), zero-window probes with backoff kept up as long as they are acknowledged (§3.8.6.1,
 * MUST-36, MUST-37), the SWS override, TIME-WAIT's 2×MSL and its restart, and the user timeout (§3.10.8).
 */
import type { ReferenceEndpoint } from '../../src/reference';
import { arrive, established, events, finWait1, IRS, ISS, segments, sent, synReceived, synSent, timeWait, transitions } from './fixtures';

const RCV = IRS + 1;
const SND = ISS + 1;

/** Jumps from deadline to deadline up to `until`; returns [time, trace line] for each segment sent. */
function runTimers(ep: ReferenceEndpoint, until: number): [number, string][] {
  const trace: [number, string][] = [];
  for (let deadline = ep.nextDeadline(); deadline !== undefined && deadline <= until; deadline = ep.nextDeadline()) {
    for (const line of sent(ep.tick(deadline))) trace.push([deadline, line]);
  }
  return trace;
}

describe('retransmission timeout (RFC 6298)', () => {
  test('data is retransmitted after the RTO, which doubles each time up to the maximum', () => {
    const ep = established({ maxRtoMs: 8_000 });
    ep.send(100, 0);
    expect(runTimers(ep, 40_000).map(([time]) => time)).toEqual([1_000, 3_000, 7_000, 15_000, 23_000, 31_000, 39_000]);
    expect(ep.firedRules).toContain('3.10.8/retransmission/data');
  });

  test('the retransmission is the first unacknowledged segment, from SND.UNA, at most Eff.snd.MSS', () => {
    const ep = established();
    ep.send(2000, 0);
    arrive(ep, { ack: SND + 100 });
    expect(runTimers(ep, 1_000)).toEqual([[1_000, `A seq ${SND + 100} ack ${RCV} len 536`]]);
  });

  test('a FIN is retransmitted like data', () => {
    const ep = finWait1();
    expect(runTimers(ep, 1_000)).toEqual([[1_000, `FA seq ${SND} ack ${RCV} len 0`]]);
  });

  test('an ACK of everything stops the timer; a new measurement ends the backoff', () => {
    const ep = established();
    ep.send(100, 0);
    runTimers(ep, 3_000);
    expect(ep.tcb.rtt.rto).toBe(4_000);
    arrive(ep, { ack: SND + 100 }, 3_500);
    expect(ep.nextDeadline()).toBeUndefined();
    ep.send(100, 4_000);
    arrive(ep, { ack: SND + 200 }, 4_100);
    expect(ep.tcb.rtt.rto).toBe(1_000);
    expect(ep.firedRules.slice(-4)).toContain('rfc6298/2/rtt-sample');
  });

  test('RTT samples set SRTT and RTTVAR (RFC 6298 §2.3), and the RTO above the floor', () => {
    const ep = synReceived({ minRtoMs: 100 });
    arrive(ep, {}, 200);
    ep.send(10, 200);
    arrive(ep, { ack: SND + 10 }, 600);
    // The handshake measured 200 ms (SRTT 200, RTTVAR 100, RFC 6298 §2.2), the data 400 ms.
    expect(ep.tcb.rtt).toMatchObject({ srtt: 225, rttvar: 125, rto: 725 });
  });

  test('a SYN is retransmitted the same way (MUST-22), until the user timeout, at least 3 minutes (MUST-23)', () => {
    const ep = synSent();
    const trace = runTimers(ep, 300_000);
    expect(trace.slice(0, 3)).toEqual([[1_000, `S seq ${ISS} ack 0 len 0`], [3_000, `S seq ${ISS} ack 0 len 0`], [7_000, `S seq ${ISS} ack 0 len 0`]]);
    expect(trace.every(([, line]) => line === `S seq ${ISS} ack 0 len 0`)).toBe(true);
    expect(ep.state).toBe('CLOSED');
    expect(ep.firedRules.at(-1)).toBe('3.10.8/user-timeout');
  });

  test('a SYN-ACK is retransmitted the same way', () => {
    const ep = synReceived();
    expect(runTimers(ep, 3_000)).toEqual([[1_000, `SA seq ${ISS} ack ${RCV} len 0`], [3_000, `SA seq ${ISS} ack ${RCV} len 0`]]);
  });

  test('after a retransmitted SYN, the RTO is 3 s once data transmission begins (RFC 6298 §5.7)', () => {
    const ep = synSent();
    runTimers(ep, 1_000);
    arrive(ep, { flags: 'SA', seq: IRS }, 1_200);
    expect(ep.tcb.rtt.rto).toBe(3_000);
    expect(ep.firedRules).toContain('rfc6298/5.7/syn-timeout-rto');
  });

  test('timers due when tick comes late fire each at its own deadline, in order', () => {
    const ep = established();
    ep.send(100, 0);
    expect(sent(ep.tick(7_500))).toHaveLength(3);
    expect(ep.nextDeadline()).toBe(15_000);
  });
});

describe('zero-window probing (§3.8.6.1)', () => {
  /** ESTABLISHED with a peer that closed its window and 10 octets queued. */
  function blocked(): ReferenceEndpoint {
    const ep = established();
    arrive(ep, { window: 0 });
    ep.send(10, 0);
    return ep;
  }

  test('the first probe, one new octet, comes after one RTO (SHLD-29), the next ones at doubling intervals (SHLD-30)', () => {
    const ep = blocked();
    const probes = runTimers(ep, 16_000);
    expect(probes).toEqual([1_000, 3_000, 7_000, 15_000].map((time) => [time, `A seq ${SND} ack ${RCV} len 1`]));
    // The probe octet is new data: SND.NXT moved over it, and the rest still waits.
    expect(ep.tcb.sndNxt).toBe(SND + 1);
    expect(ep.firedRules).toContain('3.8.6.1/probe');
    expect(ep.firedRules).toContain('3.8.6.1/probe-again');
  });

  test('probes go on for as long as the peer acknowledges them, past the user timeout (MUST-37)', () => {
    const ep = blocked();
    let probes = 0;
    for (let deadline = ep.nextDeadline(); deadline !== undefined && deadline < 3_600_000; deadline = ep.nextDeadline()) {
      const out = ep.tick(deadline);
      if (segments(out).length > 0) {
        probes++;
        arrive(ep, { ack: SND, window: 0 }, deadline);
      }
    }
    expect(ep.state).toBe('ESTABLISHED');
    expect(probes).toBeGreaterThan(60);
    expect(ep.firedRules).toContain('3.8.6.1/zero-window-acknowledged');
  });

  test('probes nobody acknowledges end with the user timeout', () => {
    const ep = blocked();
    runTimers(ep, 400_000);
    expect(ep.state).toBe('CLOSED');
  });

  test('when the window opens, the rest goes', () => {
    const ep = blocked();
    runTimers(ep, 1_000);
    expect(sent(arrive(ep, { ack: SND + 1, window: 1000 }, 1_100))).toEqual([`PA seq ${SND + 1} ack ${RCV} len 9`]);
  });

  test('with only the FIN left, the FIN is the probe', () => {
    const ep = established();
    arrive(ep, { window: 0 });
    ep.shutdown(0);
    expect(runTimers(ep, 1_000)).toEqual([[1_000, `FA seq ${SND} ack ${RCV} len 0`]]);
  });

  test('a window too small for the SWS rules is used after the override timeout (§3.8.6.2.1 rule 4)', () => {
    const ep = established();
    arrive(ep, { window: 100 });
    ep.send(200, 0);
    expect(runTimers(ep, 1_000)).toEqual([[1_000, `A seq ${SND} ack ${RCV} len 100`]]);
    expect(ep.firedRules).toContain('3.8.6.2.1/override');
  });
});

describe('TIME-WAIT timeout', () => {
  test('the connection closes 2×MSL after TIME-WAIT is entered (MUST-13)', () => {
    const ep = timeWait();
    expect(ep.nextDeadline()).toBe(240_000);
    expect(transitions(ep.tick(239_999))).toEqual([]);
    expect(transitions(ep.tick(240_000))).toEqual(['TIME-WAIT => CLOSED']);
  });

  test('a retransmitted FIN is acknowledged and restarts the 2×MSL', () => {
    const ep = timeWait({ mslMs: 30_000 });
    const out = arrive(ep, { flags: 'FA', seq: RCV }, 50_000);
    expect(sent(out)).toEqual([`A seq ${SND + 1} ack ${RCV + 1} len 0`]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/fin/time-wait-restart');
    expect(ep.nextDeadline()).toBe(110_000);
  });

  test('entering TIME-WAIT turns the other timers off', () => {
    const ep = finWait1();
    arrive(ep, { flags: 'FA', ack: SND + 1 });
    expect(ep.state).toBe('TIME-WAIT');
    expect(ep.tcb.timers).toEqual({ retransmission: undefined, probe: undefined, user: undefined, timeWait: 240_000 });
  });

  test('after expiry, segments get the CLOSED state\'s reset', () => {
    const ep = timeWait();
    ep.tick(240_000);
    expect(sent(arrive(ep, { flags: 'FA', seq: RCV, ack: SND + 1 }, 240_001))).toEqual([`R seq ${SND + 1} ack 0 len 0`]);
  });
});

describe('user timeout', () => {
  test('data unacknowledged for the user timeout aborts the connection and tells the user', () => {
    const ep = established({ userTimeoutMs: 100_000 });
    ep.send(10, 0);
    let last: ReturnType<ReferenceEndpoint['tick']> = [];
    for (let deadline = ep.nextDeadline(); deadline !== undefined; deadline = ep.nextDeadline()) last = ep.tick(deadline);
    expect(transitions(last)).toEqual(['ESTABLISHED => CLOSED']);
    expect(events(last)).toEqual(['timeout']);
  });

  test('when it falls due with a retransmission, the connection ends without the retransmission', () => {
    const ep = established({ userTimeoutMs: 3_000 });
    ep.send(10, 0);
    expect(runTimers(ep, 5_000)).toEqual([[1_000, `PA seq ${SND} ack ${RCV} len 10`]]);
    expect(ep.state).toBe('CLOSED');
  });

  test('each ACK of new data starts it over', () => {
    const ep = established({ userTimeoutMs: 10_000 });
    ep.send(1000, 0);
    arrive(ep, { ack: SND + 536 }, 8_000);
    expect(ep.tcb.timers.user).toBe(18_000);
  });
});
