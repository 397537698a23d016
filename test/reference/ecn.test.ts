/**
 * Explicit Congestion Notification (RFC 3168 §6.1; RFC 9293 §3.8.2, SHLD-8): the negotiation on the SYNs,
 * ECT on new data only, the receiver's echo until CWR, the sender's CWR after an ECN-Echo.
 */
import { ReferenceEndpoint, type Output } from '../../src/reference';
import { PLAIN_ARRIVAL } from '../../src/reference/ip';
import { formatFlags, TcpFlag } from '../../src/wire';
import { arrive, ISS, IRS, LOCAL, listen, peerSegment, profile, REMOTE, type ProfileChanges } from './fixtures';

/** Each segment as `flags ecn`, e.g. `PA ect0`. */
function marked(outputs: readonly Output[]): string[] {
  return outputs.flatMap((o) => (o.kind === 'segment' ? [`${formatFlags(o.segment.flags)} ${o.ecn ?? 'not-ect'}`] : []));
}

/** A passive connection whose peer's SYN was ECN-setup (ECE and CWR), established. */
function ecnEstablished(changes: ProfileChanges = {}): { ep: ReferenceEndpoint; synAck: string[] } {
  const ep = listen(changes);
  const synAck = marked(arrive(ep, { flags: 'SEC', seq: IRS, ack: 0 }));
  arrive(ep);
  return { ep, synAck };
}

describe('ECN', () => {
  test('an ECN-setup SYN is answered with ECE alone, Not-ECT; new data then goes ECT(0), pure ACKs Not-ECT', () => {
    const { ep, synAck } = ecnEstablished();
    expect(synAck).toEqual(['SAE not-ect']);
    expect(ep.tcb.ecn.capable).toBe(true);
    expect(marked(ep.send(100, 0))).toEqual(['PA ect0']);
    expect(marked(arrive(ep, { flags: 'PA', data: 10 }))).toEqual(['A not-ect']);
  });

  test('a profile that does not take ECN answers with a plain SYN-ACK, and sends no ECT', () => {
    const { ep, synAck } = ecnEstablished({ ecnAccept: false });
    expect(synAck).toEqual(['SA not-ect']);
    expect(marked(ep.send(100, 0))).toEqual(['PA not-ect']);
    expect(ep.firedRules).toContain('rfc3168/6.1.1/setup-declined');
  });

  test('a SYN with only one of the two flags is not an ECN-setup SYN', () => {
    const ep = listen();
    expect(marked(arrive(ep, { flags: 'SE', seq: IRS, ack: 0 }))).toEqual(['SA not-ect']);
  });

  test('a retransmission goes Not-ECT (RFC 3168 §6.1.5)', () => {
    const { ep } = ecnEstablished();
    ep.send(100, 0);
    expect(marked(ep.tick(1_000))).toEqual(['PA not-ect']);
  });

  test('CE on arriving data: ECE on every ACK until a segment with CWR', () => {
    const { ep } = ecnEstablished();
    const ce = ep.segmentArrives(peerSegment(ep, { flags: 'PA', data: 10 }), 0, { ...PLAIN_ARRIVAL, ecn: 'ce' });
    expect(marked(ce)).toEqual(['AE not-ect']);
    expect(marked(arrive(ep, { flags: 'PA', data: 10 }))).toEqual(['AE not-ect']);
    expect(marked(arrive(ep, { flags: 'PAC', data: 10 }))).toEqual(['A not-ect']);
  });

  test('an ECN-Echo: CWR on the next new data, once per window', () => {
    const { ep } = ecnEstablished();
    ep.send(100, 0);
    arrive(ep, { flags: 'AE' });
    expect(marked(ep.send(100, 0))).toEqual(['PAC ect0']);
    // A further echo for the data sent before the reduction asks for no second one.
    arrive(ep, { flags: 'AE', ack: ep.tcb.sndUna });
    arrive(ep);
    expect(marked(ep.send(100, 0))).toEqual(['PA ect0']);
  });

  test('an active open asks for ECN where the profile says so, and an ECN-setup SYN-ACK makes the connection ECN-capable', () => {
    const ep = new ReferenceEndpoint(profile({ ecnRequest: true }), LOCAL, { iss: ISS });
    expect(marked(ep.openActive(REMOTE, ISS, 0))).toEqual(['SEC not-ect']);
    ep.segmentArrives({ ...peerSegment(ep, { flags: 'SAE', seq: IRS, ack: ISS + 1 }) }, 0);
    expect(ep.tcb.ecn.capable).toBe(true);
    expect(marked(ep.send(10, 0))).toEqual(['PA ect0']);
    const declined = new ReferenceEndpoint(profile({ ecnRequest: true }), LOCAL, { iss: ISS });
    declined.openActive(REMOTE, ISS, 0);
    declined.segmentArrives(peerSegment(declined, { flags: 'SA', seq: IRS, ack: ISS + 1 }), 0);
    expect(declined.tcb.ecn.capable).toBe(false);
    expect(TcpFlag.ECE).toBe(0x40);
  });
});
