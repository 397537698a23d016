/**
 * The receiving side: segment text (RFC 9293 §3.10.7.4 seventh and eighth), out-of-order data (SHLD-31),
 * the zero window (§3.8.6.1), the receiver's SWS avoidance (§3.8.6.2.2) and RECEIVE (§3.10.3).
 */
import { arrive, closeWait, established, events, IRS, ISS, listen, segments, sent, transitions } from './fixtures';

const RCV = IRS + 1;
const SND = ISS + 1;

describe('segment text', () => {
  test('text at RCV.NXT is taken and acknowledged; the right edge stays, so the window shrinks by as much', () => {
    const ep = established();
    const out = arrive(ep, { flags: 'PA', data: 10 });
    expect(segments(out).map((s) => [s.ack, s.window])).toEqual([[RCV + 10, 65525]]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/text/taken');
  });

  test('the right edge advances once it can move by Eff.snd.MSS (SWS avoidance, MUST-39)', () => {
    const ep = established();
    arrive(ep, { flags: 'PA', data: 535 });
    expect(ep.tcb.rcvWnd).toBe(65535 - 535);
    arrive(ep, { flags: 'PA', data: 1 });
    expect(ep.tcb.rcvWnd).toBe(65535);
  });

  test('only the new part of a partly old segment is taken', () => {
    const ep = established();
    arrive(ep, { flags: 'PA', data: 10 });
    const out = arrive(ep, { flags: 'PA', seq: RCV + 5, data: 10 });
    expect(sent(out)).toEqual([`A seq ${SND} ack ${RCV + 15} len 0`]);
    expect(ep.firedRules).toContain('3.10.7.4/seq/trimmed');
    expect(ep.receive(undefined, 0).octets).toBe(15);
  });

  test('octets beyond the right edge are trimmed off, and so is a FIN beyond it', () => {
    const ep = established({ receiveBuffer: 100 });
    const out = arrive(ep, { flags: 'FPA', data: 150 });
    expect(sent(out)).toEqual([`A seq ${SND} ack ${RCV + 100} len 0`]);
    expect(ep.state).toBe('ESTABLISHED');
  });

  test('text beyond RCV.NXT is held and RCV.NXT acknowledged; the gap filled, all is acknowledged (SHLD-31, MAY-13)', () => {
    const ep = established();
    expect(sent(arrive(ep, { flags: 'PA', seq: RCV + 20, data: 10 }))).toEqual([`A seq ${SND} ack ${RCV} len 0`]);
    expect(sent(arrive(ep, { flags: 'PA', seq: RCV + 25, data: 10 }))).toEqual([`A seq ${SND} ack ${RCV} len 0`]);
    expect(sent(arrive(ep, { flags: 'PA', seq: RCV + 10, data: 5 }))).toEqual([`A seq ${SND} ack ${RCV} len 0`]);
    expect(ep.tcb.held).toMatchObject([{ start: RCV + 10, end: RCV + 15 }, { start: RCV + 20, end: RCV + 35 }]);
    expect(sent(arrive(ep, { flags: 'PA', seq: RCV, data: 20 }))).toEqual([`A seq ${SND} ack ${RCV + 35} len 0`]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/text/gap-filled');
    expect(ep.tcb.held).toEqual([]);
    expect(ep.receive(undefined, 0).octets).toBe(35);
  });

  test('a held range the new text covers entirely is dropped without counting twice', () => {
    const ep = established();
    arrive(ep, { flags: 'PA', seq: RCV + 2, data: 3 });
    arrive(ep, { flags: 'PA', seq: RCV, data: 10 });
    expect(ep.tcb.rcvNxt).toBe(RCV + 10);
    expect(ep.receive(undefined, 0).octets).toBe(10);
  });

  test('a FIN beyond RCV.NXT waits for the data before it', () => {
    const ep = established();
    const early = arrive(ep, { flags: 'FA', seq: RCV + 10, data: 5 });
    expect(sent(early)).toEqual([`A seq ${SND} ack ${RCV} len 0`]);
    expect(ep.state).toBe('ESTABLISHED');
    const out = arrive(ep, { flags: 'PA', data: 10 });
    expect(sent(out)).toEqual([`A seq ${SND} ack ${RCV + 16} len 0`]);
    expect(transitions(out)).toEqual(['ESTABLISHED => CLOSE-WAIT']);
    expect(events(out)).toEqual(['closing']);
  });

  test('a duplicate ACK is ignored, and the text it carries is not', () => {
    const ep = established();
    const out = arrive(ep, { flags: 'PA', ack: ISS, data: 3 });
    expect(sent(out)).toEqual([`A seq ${SND} ack ${RCV + 3} len 0`]);
  });
});

describe('urgent data', () => {
  test('the user is told when the urgent pointer advances, once per advance (MUST-32)', () => {
    const ep = established();
    expect(events(arrive(ep, { flags: 'UA', urgentPointer: 20 }))).toEqual(['urgent']);
    expect(ep.tcb.rcvUp).toBe(RCV + 20);
    expect(events(arrive(ep, { flags: 'UPA', data: 10, urgentPointer: 20 }))).toEqual([]);
    expect(events(arrive(ep, { flags: 'UA', urgentPointer: 15 }))).toEqual(['urgent']);
    expect(ep.tcb.rcvUp).toBe(RCV + 25);
  });

  test('after the peer\'s FIN, URG and text are ignored', () => {
    const ep = closeWait();
    const out = arrive(ep, { flags: 'UPA', data: 4, urgentPointer: 2 });
    expect(events(out)).toEqual([]);
    expect(ep.firedRules.slice(-2)).toEqual(['3.10.7.4/urg/ignored-after-fin', '3.10.7.4/text/ignored-after-fin']);
  });
});

describe('zero window', () => {
  /** ESTABLISHED with a 1000-octet buffer the application has stopped reading. */
  function stopped() {
    const ep = established({ receiveBuffer: 1000 });
    ep.stopReading();
    return ep;
  }

  test('an application that stops reading closes the window as data arrives, never moving the right edge back (SHLD-14)', () => {
    const ep = stopped();
    expect(segments(arrive(ep, { flags: 'PA', data: 600 })).map((s) => s.window)).toEqual([400]);
    expect(segments(arrive(ep, { flags: 'PA', data: 400 })).map((s) => s.window)).toEqual([0]);
    expect(ep.tcb.rcvNxt + ep.tcb.rcvWnd).toBe(RCV + 1000);
  });

  test('data at RCV.NXT into a zero window is not taken, but its ACK is, and the ACK shows the zero window', () => {
    const ep = stopped();
    arrive(ep, { flags: 'PA', data: 1000 });
    ep.send(50, 0);
    const out = arrive(ep, { flags: 'PA', seq: RCV + 1000, ack: SND + 50, data: 1 });
    expect(segments(out).map((s) => [s.seq, s.ack, s.window])).toEqual([[SND + 50, RCV + 1000, 0]]);
    expect(ep.tcb.sndUna).toBe(SND + 50);
    expect(ep.firedRules).toContain('3.10.7.4/seq/zero-window-allowance');
  });

  test('an empty ACK at RCV.NXT is acceptable with a zero window, and needs no answer', () => {
    const ep = stopped();
    arrive(ep, { flags: 'PA', data: 1000 });
    expect(arrive(ep, { seq: RCV + 1000 })).toEqual([]);
  });

  test('data beyond RCV.NXT into a zero window is unacceptable: ACK', () => {
    const ep = stopped();
    arrive(ep, { flags: 'PA', data: 1000 });
    expect(sent(arrive(ep, { flags: 'PA', seq: RCV + 1001, data: 1 }))).toEqual([`A seq ${SND} ack ${RCV + 1000} len 0`]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/seq/unacceptable-ack');
  });

  test('reading opens the window: a window update once the right edge may move by Eff.snd.MSS', () => {
    const ep = stopped();
    arrive(ep, { flags: 'PA', data: 1000 });
    const small = ep.receive(100, 0);
    expect(small.octets).toBe(100);
    expect(segments(small.outputs)).toEqual([]);
    const large = ep.receive(500, 0);
    expect(segments(large.outputs).map((s) => [s.ack, s.window])).toEqual([[RCV + 1000, 600]]);
    expect(ep.firedRules.at(-1)).toBe('3.8.6.2.2/window-update');
  });
});

describe('RECEIVE', () => {
  test('returns what arrived, oldest first, up to the amount asked', () => {
    const ep = established();
    arrive(ep, { flags: 'PA', data: 30 });
    ep.stopReading();
    arrive(ep, { flags: 'PA', data: 20 });
    expect(ep.receive(40, 0).octets).toBe(40);
    expect(ep.tcb).toMatchObject({ appHeld: 0, rcvUser: 10 });
    expect(ep.receive(undefined, 0).octets).toBe(10);
    expect(ep.receive(undefined, 0).octets).toBe(0);
    expect(ep.firedRules.at(-1)).toBe('3.10.3/nothing-on-hand');
  });

  test('after the peer\'s FIN, data on hand first, then end of data ("connection closing")', () => {
    const ep = established();
    arrive(ep, { flags: 'FPA', data: 5 });
    expect(ep.receive(undefined, 0).octets).toBe(5);
    const eof = ep.receive(undefined, 0);
    expect(eof.octets).toBe(0);
    expect(events(eof.outputs)).toEqual(['eof']);
  });

  test('before ESTABLISHED there is nothing to receive', () => {
    const ep = established();
    ep.abort(0);
    ep.openPassive(0);
    expect(ep.receive(undefined, 0).octets).toBe(0);
    expect(ep.firedRules.at(-1)).toBe('3.10.3/queue-until-established');
  });

  test('reading data the peer sent before its FIN sends no window update', () => {
    const ep = established({ receiveBuffer: 1000 });
    ep.stopReading();
    arrive(ep, { flags: 'FPA', data: 900 });
    expect(ep.state).toBe('CLOSE-WAIT');
    expect(segments(ep.receive(undefined, 0).outputs)).toEqual([]);
  });
});

describe('sequence numbers modulo 2^32', () => {
  test('text is taken, held and acknowledged across the wrap', () => {
    const ep = listen();
    arrive(ep, { flags: 'S', seq: 0xffff_fff0, ack: 0 });
    arrive(ep);
    expect(sent(arrive(ep, { flags: 'PA', seq: 5, data: 10 }))).toEqual([`A seq ${SND} ack ${0xffff_fff1} len 0`]);
    expect(sent(arrive(ep, { flags: 'PA', data: 20 }))).toEqual([`A seq ${SND} ack 15 len 0`]);
    expect(ep.receive(undefined, 0).octets).toBe(30);
  });
});
