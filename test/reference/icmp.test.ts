/**
 * RFC 9293 §3.9.2.2 with RFC 5927 and RFC 1191: which connection an ICMP error reaches, what each kind
 * does there, and what the user hears.
 */
import type { IcmpError, ReferenceEndpoint } from '../../src/reference';
import { arrive, established, events, IRS, ISS, LOCAL_PORT, REMOTE_PORT, sent, synReceived, synSent, transitions } from './fixtures';

const SND = ISS + 1;
const RCV = IRS + 1;

/** An error quoting this endpoint's segment at `seq` (default SND.UNA), from its port to the peer's. */
function icmp(kind: IcmpError['kind'], code: number, changes: Partial<IcmpError['quoted']> & { nextHopMtu?: number } = {}, ep?: ReferenceEndpoint): IcmpError {
  const { nextHopMtu, ...quoted } = changes;
  return {
    kind,
    code,
    ...(nextHopMtu !== undefined && { nextHopMtu }),
    quoted: { srcPort: LOCAL_PORT, dstPort: REMOTE_PORT, seq: ep?.tcb.sndUna ?? SND, ...quoted },
  };
}

/** ESTABLISHED with `octets` in flight, unacknowledged. */
function inFlight(octets = 100): ReferenceEndpoint {
  const ep = established();
  ep.send(octets, 0);
  return ep;
}

describe('which connection an ICMP error reaches', () => {
  test('the quote names the connection by its ports (MUST-54): other ports, or no connection, change nothing', () => {
    const ep = inFlight();
    expect(ep.icmpErrorArrives(icmp('unreachable', 3, { dstPort: REMOTE_PORT + 1 }), 0)).toEqual([]);
    expect(ep.icmpErrorArrives(icmp('unreachable', 3, { srcPort: LOCAL_PORT + 1 }), 0)).toEqual([]);
    expect(ep.state).toBe('ESTABLISHED');
    const listening = synReceived();
    listening.abort(0);
    listening.openPassive(0);
    expect(listening.icmpErrorArrives(icmp('unreachable', 3), 0)).toEqual([]);
    expect(listening.firedRules.filter((r) => r === '3.9.2.2/no-connection')).toHaveLength(1);
  });

  test('a quoted sequence number outside SND.UNA..SND.NXT is ignored (RFC 5927 §4.1)', () => {
    const ep = inFlight();
    for (const seq of [ISS, SND + 100, SND + 5000]) {
      expect(ep.icmpErrorArrives(icmp('unreachable', 3, { seq }), 0)).toEqual([]);
      expect(ep.icmpErrorArrives(icmp('frag-needed', 4, { seq, nextHopMtu: 552 }), 0)).toEqual([]);
    }
    expect(ep.state).toBe('ESTABLISHED');
    expect(ep.tcb.pathMtu).toBeUndefined();
    expect(ep.firedRules).toContain('rfc5927/4.1/outside-send-window-ignored');
  });

  test('with nothing in flight every error is outside the window', () => {
    const ep = established();
    expect(ep.icmpErrorArrives(icmp('unreachable', 2, { seq: SND }), 0)).toEqual([]);
    expect(ep.state).toBe('ESTABLISHED');
  });
});

describe('what each error does', () => {
  test('Source Quench is silently discarded (MUST-55)', () => {
    const ep = inFlight();
    expect(ep.icmpErrorArrives(icmp('source-quench', 0), 0)).toEqual([]);
    expect(ep.firedRules).toContain('3.9.2.2/source-quench-ignored');
  });

  test.each([
    ['net unreachable', 'unreachable', 0],
    ['host unreachable', 'unreachable', 1],
    ['source route failed', 'unreachable', 5],
    ['administratively prohibited', 'unreachable', 13],
    ['TTL exceeded', 'time-exceeded', 0],
    ['reassembly time exceeded', 'time-exceeded', 1],
    ['parameter problem', 'parameter-problem', 0],
  ] as const)('a soft error (%s) keeps the connection and tells the user (MUST-56, SHLD-25)', (_, kind, code) => {
    const ep = inFlight();
    const out = ep.icmpErrorArrives(icmp(kind, code), 0);
    expect(events(out)).toEqual(['soft-error']);
    expect(transitions(out)).toEqual([]);
    expect(ep.state).toBe('ESTABLISHED');
    expect(ep.firedRules).toContain('3.9.2.2/soft-error');
  });

  test('a soft error in SYN-SENT does not abort the open: the SYN is retransmitted (MUST-56)', () => {
    const ep = synSent();
    expect(events(ep.icmpErrorArrives(icmp('unreachable', 1, { seq: ISS }), 0))).toEqual(['soft-error']);
    expect(sent(ep.tick(1_000))).toEqual([`S seq ${ISS} ack 0 len 0`]);
  });

  test.each([2, 3])('unreachable code %i aborts an established connection where the profile follows SHLD-26', (code) => {
    const ep = inFlight();
    const out = ep.icmpErrorArrives(icmp('unreachable', code), 0);
    expect(transitions(out)).toEqual(['ESTABLISHED => CLOSED']);
    expect(events(out)).toEqual(['unreachable']);
    expect(sent(out)).toEqual([]);
    expect(sent(arrive(ep, { data: 10, seq: RCV, ack: SND + 100 }))).toEqual([`R seq ${SND + 100} ack 0 len 0`]);
  });

  test('once synchronized, a profile taking RFC 5927 §5.2 treats port unreachable as soft', () => {
    const ep = established({ icmpHardErrorsAbort: false });
    ep.send(100, 0);
    const out = ep.icmpErrorArrives(icmp('unreachable', 3), 0);
    expect(events(out)).toEqual(['soft-error']);
    expect(ep.state).toBe('ESTABLISHED');
    expect(ep.firedRules).toContain('rfc5927/5.2/hard-error-as-soft');
  });

  test('before the connection is synchronized a hard error aborts whatever the profile says', () => {
    const active = synSent({ icmpHardErrorsAbort: false });
    expect(transitions(active.icmpErrorArrives(icmp('unreachable', 3, { seq: ISS }), 0))).toEqual(['SYN-SENT => CLOSED']);
    const passive = synReceived({ icmpHardErrorsAbort: false });
    const out = passive.icmpErrorArrives(icmp('unreachable', 2, { seq: ISS }), 0);
    expect(transitions(out)).toEqual(['SYN-RECEIVED => LISTEN']);
    expect(events(out)).toEqual(['unreachable']);
  });

  test('fragmentation needed lowers the path MTU and Eff.snd.MSS with it (RFC 1191, MUST-16)', () => {
    const ep = inFlight(2000);
    expect(ep.icmpErrorArrives(icmp('frag-needed', 4, { nextHopMtu: 552 }), 0)).toEqual([]);
    expect(ep.tcb.pathMtu).toBe(552);
    // The retransmission, and every segment after it, fits 552 less 40 octets of headers.
    expect(sent(ep.tick(1_000))).toEqual([`A seq ${SND} ack ${RCV} len 512`]);
    ep.icmpErrorArrives(icmp('frag-needed', 4, { nextHopMtu: 1000 }), 1_000);
    expect(ep.tcb.pathMtu).toBe(552);
    expect(ep.firedRules).toContain('rfc1191/6.4/path-mtu-kept');
  });

  test('an MTU below 68 octets, or none (an old router), is taken as 68 (RFC 1191 §3)', () => {
    const ep = inFlight();
    ep.icmpErrorArrives(icmp('frag-needed', 4, { nextHopMtu: 0 }), 0);
    expect(ep.tcb.pathMtu).toBe(68);
  });
});
