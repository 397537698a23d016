/**
 * The sending side: SEND (RFC 9293 §3.10.2), the sender's SWS avoidance (§3.8.6.2.1), the Nagle
 * algorithm (§3.7.4), and the ACK field of arriving segments (§3.10.7.4 fifth, RFC 5961 §5).
 */
import { ReferenceEndpoint } from '../../src/reference';
import { seqAdd } from '../../src/wire';
import { arrive, established, IRS, ISS, LOCAL, profile, segments, sent, synReceived } from './fixtures';

const RCV = IRS + 1;
const SND = ISS + 1;

/**
 * ESTABLISHED with the Nagle algorithm off (MUST-17), so that only the window and the SWS rules hold data
 * back; the peer offers `window` from the handshake on.
 */
function establishedWithoutNagle(window = 65535): ReferenceEndpoint {
  const ep = new ReferenceEndpoint(profile(), LOCAL, { iss: ISS, nagle: false });
  ep.openPassive(0);
  arrive(ep, { flags: 'S', seq: IRS, ack: 0 });
  arrive(ep, { window });
  return ep;
}

describe('SEND', () => {
  test('data is cut into segments of Eff.snd.MSS, the smaller of the two MSS, the last one pushed (MUST-16, MUST-61)', () => {
    const ep = establishedWithoutNagle();
    expect(sent(ep.send(1200, 0))).toEqual([`A seq ${SND} ack ${RCV} len 536`, `A seq ${SND + 536} ack ${RCV} len 536`, `PA seq ${SND + 1072} ack ${RCV} len 128`]);
  });

  test('the octets are the pattern "abc…z" over the connection\'s output, or the application\'s own', () => {
    const ep = established();
    const [first] = segments(ep.send(3, 0));
    expect(Buffer.from(first!.payload).toString()).toBe('abc');
    arrive(ep, { ack: SND + 3 });
    const [second] = segments(ep.send(new Uint8Array([1, 2]), 0));
    expect([...second!.payload]).toEqual([1, 2]);
    arrive(ep, { ack: SND + 5 });
    const [third] = segments(ep.send(2, 0));
    expect(Buffer.from(third!.payload).toString()).toBe('fg');
  });

  test('never beyond the send window, SND.UNA + SND.WND; half the largest window offered is worth sending (SWS rule 3)', () => {
    const ep = establishedWithoutNagle(400);
    expect(sent(ep.send(1000, 0))).toEqual([`A seq ${SND} ack ${RCV} len 400`]);
    expect(ep.tcb.sndQueueEnd).toBe(SND + 1000);
    expect(ep.firedRules.slice(-2)).toEqual(['3.8.6.2.1/half-max-window', '3.8.6.1/window-closed']);
  });

  test('the ACK that opens the window lets the rest go', () => {
    const ep = establishedWithoutNagle(400);
    ep.send(1000, 0);
    const out = arrive(ep, { ack: SND + 400, window: 1000 });
    expect(sent(out)).toEqual([`A seq ${SND + 400} ack ${RCV} len 536`, `PA seq ${SND + 936} ack ${RCV} len 64`]);
  });

  test('a small window that is neither a full segment nor half the largest offered waits (SWS avoidance, MUST-38)', () => {
    const ep = established();
    arrive(ep, { window: 100 });
    expect(sent(ep.send(200, 0))).toEqual([]);
    expect(ep.firedRules.at(-1)).toBe('3.8.6.2.1/sws-avoidance');
    expect(ep.nextDeadline()).toBe(1000);
  });

  test('a window the peer shrank leaves no usable window: nothing new goes (MUST-34, SHLD-15)', () => {
    const ep = established();
    arrive(ep, { window: 600 });
    ep.send(600, 0);
    arrive(ep, { ack: SND, window: 100 });
    expect(sent(ep.send(10, 0))).toEqual([]);
    expect(ep.firedRules.at(-1)).toBe('3.8.6.1/window-closed');
  });

  test('Nagle: less than a full segment waits while data is in flight, and goes when the ACK comes (SHLD-7)', () => {
    const ep = established();
    expect(sent(ep.send(600, 0))).toEqual([`A seq ${SND} ack ${RCV} len 536`]);
    expect(ep.firedRules.at(-1)).toBe('3.7.4/nagle');
    expect(sent(arrive(ep, { ack: SND + 536 }))).toEqual([`PA seq ${SND + 536} ack ${RCV} len 64`]);
  });

  test('with Nagle off, small data goes at once (MUST-17)', () => {
    const ep = establishedWithoutNagle();
    ep.send(10, 0);
    expect(sent(ep.send(10, 0))).toEqual([`PA seq ${SND + 10} ack ${RCV} len 10`]);
  });

  test('SEND before ESTABLISHED is queued, and goes once the handshake completes', () => {
    const ep = synReceived();
    expect(sent(ep.send(20, 0))).toEqual([]);
    expect(sent(arrive(ep))).toEqual([`PA seq ${SND} ack ${RCV} len 20`]);
  });
});

describe('ACK field', () => {
  test('an ACK of new data removes it from the retransmission queue', () => {
    const ep = establishedWithoutNagle();
    ep.send(1000, 0);
    arrive(ep, { ack: SND + 600 });
    expect(ep.tcb).toMatchObject({ sndUna: SND + 600, sndBufferSeq: SND + 600 });
    expect(ep.tcb.sndBuffer.length).toBe(400);
  });

  test('an old segment does not update the send window (SND.WL1, SND.WL2)', () => {
    const ep = established();
    arrive(ep, { flags: 'PA', data: 10, window: 5000 });
    arrive(ep, { seq: RCV, window: 100 });
    expect(ep.tcb.sndWnd).toBe(5000);
  });

  test('RFC 5961 §5: an ACK below SND.UNA - MAX.SND.WND is discarded with an ACK; RFC 793 ignores it and takes the text', () => {
    for (const challengeAcks of [true, false]) {
      const ep = established({ rfc5961Ack: challengeAcks });
      const out = arrive(ep, { flags: 'PA', ack: seqAdd(SND, -65536), data: 5 });
      expect(sent(out)).toEqual([`A seq ${SND} ack ${challengeAcks ? RCV : RCV + 5} len 0`]);
      expect(ep.firedRules).toContain(challengeAcks ? '3.10.7.4/ack/outside-range-challenge' : '3.10.7.4/ack/duplicate');
    }
  });

  test('an ACK of something not yet sent draws an ACK and the segment is dropped', () => {
    const ep = established({ rfc5961Ack: false });
    const out = arrive(ep, { flags: 'PA', ack: SND + 1, data: 5 });
    expect(sent(out)).toEqual([`A seq ${SND} ack ${RCV} len 0`]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/ack/not-yet-sent');
  });
});
