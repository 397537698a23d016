/**
 * Closing and aborting: CLOSE (RFC 9293 §3.10.4) and ABORT (§3.10.5) in every state, the close
 * sequences of Figures 12 and 13, and the half-duplex close of §3.6.1.
 */
import { UserCallError } from '../../src/reference';
import { arrive, closeWait, closing, established, events, FIXTURES, IRS, ISS, lastAck, listen, segments, sent, synReceived, synSent, transitions } from './fixtures';

const RCV = IRS + 1;
const SND = ISS + 1;

describe('CLOSE', () => {
  test('in ESTABLISHED: FIN, FIN-WAIT-1; its ACK: FIN-WAIT-2; the peer\'s FIN: TIME-WAIT (Figure 12)', () => {
    const ep = established();
    const close = ep.shutdown(0);
    expect(sent(close)).toEqual([`FA seq ${SND} ack ${RCV} len 0`]);
    expect(transitions(close)).toEqual(['ESTABLISHED => FIN-WAIT-1']);
    expect(transitions(arrive(ep, { ack: SND + 1 }))).toEqual(['FIN-WAIT-1 => FIN-WAIT-2']);
    const fin = arrive(ep, { flags: 'FA' });
    expect(sent(fin)).toEqual([`A seq ${SND + 1} ack ${RCV + 1} len 0`]);
    expect(transitions(fin)).toEqual(['FIN-WAIT-2 => TIME-WAIT']);
  });

  test('the FIN follows queued data: it rides on the last segment once the window lets it go', () => {
    const ep = established();
    arrive(ep, { window: 0 });
    ep.send(10, 0);
    expect(sent(ep.shutdown(0))).toEqual([]);
    expect(sent(arrive(ep, { window: 1000 }))).toEqual([`FPA seq ${SND} ack ${RCV} len 10`]);
  });

  test('a FIN alone waits for one octet of window, since it takes a sequence number', () => {
    const ep = established();
    arrive(ep, { window: 0 });
    expect(sent(ep.shutdown(0))).toEqual([]);
    expect(ep.firedRules.at(-1)).toBe('3.8.6.1/window-closed');
    expect(sent(arrive(ep, { window: 1 }))).toEqual([`FA seq ${SND} ack ${RCV} len 0`]);
  });

  test('simultaneous close: FIN-WAIT-1, the peer\'s FIN: CLOSING; the ACK of ours: TIME-WAIT (Figure 13)', () => {
    const ep = closing();
    expect(ep.state).toBe('CLOSING');
    const unrelated = arrive(ep, { ack: SND });
    expect(sent(unrelated)).toEqual([]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/ack/closing-fin-not-acked');
    expect(transitions(arrive(ep, { ack: SND + 1 }))).toEqual(['CLOSING => TIME-WAIT']);
  });

  test('in CLOSE-WAIT: FIN, LAST-ACK; the ACK of the FIN: CLOSED', () => {
    const ep = closeWait();
    expect(sent(ep.shutdown(0))).toEqual([`FA seq ${SND} ack ${RCV + 1} len 0`]);
    expect(arrive(ep, { ack: SND })).toEqual([]);
    expect(ep.state).toBe('LAST-ACK');
    expect(transitions(arrive(ep, { ack: SND + 1 }))).toEqual(['LAST-ACK => CLOSED']);
  });

  test('in LISTEN and SYN-SENT: CLOSED at once', () => {
    for (const ep of [listen(), synSent()]) {
      expect(sent(ep.shutdown(0))).toEqual([]);
      expect(ep.state).toBe('CLOSED');
    }
  });

  test('in SYN-RECEIVED with nothing queued: FIN at once, FIN-WAIT-1; the ACK of SYN and FIN then gives FIN-WAIT-2', () => {
    const ep = synReceived();
    expect(sent(ep.shutdown(0))).toEqual([`FA seq ${SND} ack ${RCV} len 0`]);
    expect(ep.state).toBe('FIN-WAIT-1');
    expect(transitions(arrive(ep, { ack: SND + 1 }))).toEqual(['FIN-WAIT-1 => FIN-WAIT-2']);
  });

  test('in SYN-RECEIVED with data queued: the CLOSE waits for ESTABLISHED, then FIN after the data', () => {
    const ep = synReceived();
    ep.send(10, 0);
    expect(sent(ep.shutdown(0))).toEqual([]);
    expect(ep.state).toBe('SYN-RECEIVED');
    expect(() => ep.send(1, 0)).toThrow('connection closing');
    const out = arrive(ep);
    expect(transitions(out)).toEqual(['SYN-RECEIVED => ESTABLISHED', 'ESTABLISHED => FIN-WAIT-1']);
    expect(sent(out)).toEqual([`FPA seq ${SND} ack ${RCV} len 10`]);
  });

  test('in FIN-WAIT-1 and FIN-WAIT-2: ok, and no second FIN', () => {
    for (const state of ['FIN-WAIT-1', 'FIN-WAIT-2'] as const) {
      const ep = FIXTURES[state]();
      expect(ep.shutdown(0)).toEqual([]);
      expect(ep.state).toBe(state);
    }
  });

  test.each(['CLOSING', 'LAST-ACK', 'TIME-WAIT', 'CLOSED'] as const)('in %s: an error', (state) => {
    const ep = FIXTURES[state]();
    expect(() => ep.shutdown(0)).toThrow(UserCallError);
    expect(() => ep.shutdown(0)).toThrow(state === 'CLOSED' ? 'connection does not exist' : 'connection closing');
  });
});

describe('close of both directions (half-duplex close, §3.6.1)', () => {
  test('with nothing unread it is a CLOSE', () => {
    const ep = established();
    expect(sent(ep.close(0))).toEqual([`FA seq ${SND} ack ${RCV} len 0`]);
  });

  test('with received data unread: a RST shows the data was lost, CLOSED (SHLD-3)', () => {
    const ep = established();
    ep.stopReading();
    arrive(ep, { flags: 'PA', data: 5 });
    const out = ep.close(0);
    expect(sent(out)).toEqual([`R seq ${SND} ack 0 len 0`]);
    expect(transitions(out)).toEqual(['ESTABLISHED => CLOSED']);
  });

  test('new data after it draws a RST (SHLD-3)', () => {
    const ep = established();
    ep.close(0);
    const out = arrive(ep, { flags: 'PA', data: 5, ack: SND + 1 });
    expect(sent(out)).toEqual([`R seq ${SND + 1} ack 0 len 0`]);
    expect(transitions(out)).toEqual(['FIN-WAIT-1 => FIN-WAIT-2', 'FIN-WAIT-2 => CLOSED']);
  });

  test('the peer\'s FIN after it is still acknowledged', () => {
    const ep = established();
    ep.close(0);
    expect(sent(arrive(ep, { flags: 'FA', ack: SND + 1 }))).toEqual([`A seq ${SND + 1} ack ${RCV + 1} len 0`]);
    expect(ep.state).toBe('TIME-WAIT');
  });
});

describe('ABORT', () => {
  test.each(['SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT'] as const)('in %s: <SEQ=SND.NXT><CTL=RST>, CLOSED', (state) => {
    const ep = FIXTURES[state]();
    const sndNxt = ep.tcb.sndNxt;
    const out = ep.abort(0);
    expect(sent(out)).toEqual([`R seq ${sndNxt} ack 0 len 0`]);
    expect(segments(out)[0]!.window).toBe(0);
    expect(ep.state).toBe('CLOSED');
    expect(ep.nextDeadline()).toBeUndefined();
  });

  test.each(['LISTEN', 'SYN-SENT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'] as const)('in %s: CLOSED, no RST', (state) => {
    const ep = FIXTURES[state]();
    expect(sent(ep.abort(0))).toEqual([]);
    expect(ep.state).toBe('CLOSED');
  });

  test('in CLOSED: "connection does not exist"', () => {
    const ep = FIXTURES.CLOSED();
    expect(() => ep.abort(0)).toThrow('connection does not exist');
  });
});

describe('a RST from the peer', () => {
  test('tells the user "connection reset" in the synchronized states up to CLOSE-WAIT (MUST-12)', () => {
    expect(events(arrive(established(), { flags: 'R', ack: 0 }))).toEqual(['reset']);
  });

  test('closes CLOSING, LAST-ACK and TIME-WAIT without telling the user', () => {
    expect(events(arrive(lastAck(), { flags: 'R', ack: 0 }))).toEqual([]);
  });
});
