/**
 * What a profile lets TIME-WAIT do beyond RFC 9293's main rules: ignore RSTs (RFC 1337) and reopen on a
 * new SYN (MAY-2).
 */
import { seqAdd } from '../../src/wire/seq';
import { IRS, arrive, sent, timeWait, transitions } from './fixtures';

describe('RFC 1337: a RST in TIME-WAIT', () => {
  test('closes the connection by RFC 9293', () => {
    const ep = timeWait();
    arrive(ep, { flags: 'R' });
    expect(ep.state).toBe('CLOSED');
  });

  test('is ignored, at RCV.NXT or elsewhere in the window, when the profile takes the remedy', () => {
    const ep = timeWait({ rfc1337: true });
    expect(sent(arrive(ep, { flags: 'R' }))).toEqual([]);
    expect(sent(arrive(ep, { flags: 'R', seq: seqAdd(ep.tcb.rcvNxt, 1000) }))).toEqual([]);
    expect(ep.state).toBe('TIME-WAIT');
    expect(ep.firedRules.filter((r) => r === 'rfc1337/3/time-wait-rst-ignored')).toHaveLength(2);
  });
});

describe('MAY-2: a new SYN in TIME-WAIT', () => {
  const newSyn = (ep: ReturnType<typeof timeWait>) => ({ flags: 'S', seq: seqAdd(ep.tcb.rcvNxt, 200_000), ack: 0 });

  test('is answered by TIME-WAIT\'s rules by default: beyond the window, an ACK, and TIME-WAIT stays', () => {
    const ep = timeWait();
    const before = { snd: ep.tcb.sndNxt, rcv: ep.tcb.rcvNxt };
    expect(sent(arrive(ep, newSyn(ep)))).toEqual([`A seq ${before.snd} ack ${before.rcv} len 0`]);
    expect(ep.state).toBe('TIME-WAIT');
  });

  test('reopens the connection when the profile says so, with an ISS above the old sequence space', () => {
    const ep = timeWait({ reopenFromTimeWait: true });
    const oldSndNxt = ep.tcb.sndNxt;
    const syn = newSyn(ep);
    const out = arrive(ep, syn);
    expect(transitions(out)).toEqual(['TIME-WAIT => LISTEN', 'LISTEN => SYN-RECEIVED']);
    expect(sent(out)).toEqual([`SA seq ${oldSndNxt} ack ${seqAdd(syn.seq, 1)} len 0`]);
    expect(ep.tcb.issFloor).toBe(oldSndNxt);
    expect(() => ep.adoptIss(seqAdd(oldSndNxt, -1))).toThrow(/at least/);
    ep.adoptIss(seqAdd(oldSndNxt, 65537));
    expect(ep.tcb.issFloor).toBeUndefined();
  });

  test('an old duplicate SYN, at or below RCV.NXT, does not reopen it', () => {
    const ep = timeWait({ reopenFromTimeWait: true });
    arrive(ep, { flags: 'S', seq: IRS, ack: 0 });
    expect(ep.state).toBe('TIME-WAIT');
  });
});
