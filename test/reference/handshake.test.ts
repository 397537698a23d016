/**
 * Opening a connection: RFC 9293 §3.10.1 OPEN, §3.10.7.2 LISTEN, §3.10.7.3 SYN-SENT, and SYN-RECEIVED's
 * way to ESTABLISHED (§3.10.7.4 fifth), passive, active and simultaneous (Figures 6 and 7).
 */
import { seqAdd } from '../../src/wire';
import { arrive, endpoint, events, IRS, ISS, LOCAL_PORT, listen, REMOTE, REMOTE_PORT, segments, sent, synReceived, synReceivedActive, synSent, transitions } from './fixtures';

describe('passive open', () => {
  test('a SYN in LISTEN draws <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> with our MSS and window, SYN-RECEIVED', () => {
    const ep = listen();
    const out = arrive(ep, { flags: 'S', seq: IRS, ack: 0, options: [{ kind: 'mss', mss: 1460 }] });
    const [synAck] = segments(out);
    expect(sent(out)).toEqual([`SA seq ${ISS} ack ${IRS + 1} len 0`]);
    expect(synAck).toMatchObject({ srcPort: LOCAL_PORT, dstPort: REMOTE_PORT, window: 65535, options: [{ kind: 'mss', mss: 536 }] });
    expect(transitions(out)).toEqual(['LISTEN => SYN-RECEIVED']);
    expect(ep.tcb).toMatchObject({ irs: IRS, rcvNxt: IRS + 1, sndUna: ISS, sndNxt: ISS + 1, sndMss: 1460, passiveOpen: true });
    expect(ep.remotePort).toBe(REMOTE_PORT);
  });

  test('the ACK of the SYN-ACK establishes the connection and tells the user it was accepted', () => {
    const ep = synReceived();
    const out = arrive(ep, { window: 4000 });
    expect(sent(out)).toEqual([]);
    expect(transitions(out)).toEqual(['SYN-RECEIVED => ESTABLISHED']);
    expect(events(out)).toEqual(['accepted']);
    expect(ep.tcb).toMatchObject({ sndUna: ISS + 1, sndWnd: 4000, sndWl1: IRS + 1, sndWl2: ISS + 1, maxSndWnd: 4000 });
  });

  test('a SYN without an MSS option leaves the send MSS at 536 (MUST-15)', () => {
    const ep = listen({ mss: 1460 });
    arrive(ep, { flags: 'S', seq: IRS, ack: 0 });
    expect(ep.tcb.sndMss).toBe(536);
    expect(ep.firedRules).toContain('3.7.1/mss-default');
  });

  test('an MSS option of 0 still lets one octet per segment through', () => {
    const ep = listen();
    arrive(ep, { flags: 'S', seq: IRS, ack: 0, options: [{ kind: 'mss', mss: 0 }] });
    expect(ep.tcb.sndMss).toBe(1);
  });

  test('text and FIN on the SYN wait for ESTABLISHED, then are taken and acknowledged at once', () => {
    const ep = listen();
    const synOut = arrive(ep, { flags: 'SF', seq: IRS, ack: 0, data: 20 });
    expect(sent(synOut)).toEqual([`SA seq ${ISS} ack ${IRS + 1} len 0`]);
    expect(ep.firedRules).toContain('3.10.7.2/text-queued');
    const out = arrive(ep);
    expect(sent(out)).toEqual([`A seq ${ISS + 1} ack ${IRS + 22} len 0`]);
    expect(transitions(out)).toEqual(['SYN-RECEIVED => ESTABLISHED', 'ESTABLISHED => CLOSE-WAIT']);
    expect(ep.receive(undefined, 0).octets).toBe(20);
  });

  test('a RST returns a passive connection to LISTEN without telling the user, and the next SYN is served (MUST-11)', () => {
    const ep = synReceived();
    const out = arrive(ep, { flags: 'R', ack: 0 });
    expect(transitions(out)).toEqual(['SYN-RECEIVED => LISTEN']);
    expect(events(out)).toEqual([]);
    expect(ep.remotePort).toBeUndefined();
    const again = arrive(ep, { flags: 'S', srcPort: REMOTE_PORT + 1, seq: 7000, ack: 0 });
    expect(sent(again)).toEqual([`SA seq ${ISS} ack 7001 len 0`]);
    expect(ep.remotePort).toBe(REMOTE_PORT + 1);
  });

  test('in LISTEN a segment with neither SYN, ACK nor RST is dropped', () => {
    const ep = listen();
    expect(arrive(ep, { flags: 'F', ack: 0 })).toEqual([]);
    expect(ep.firedRules.at(-1)).toBe('3.10.7.2/other-dropped');
  });

  test('in SYN-RECEIVED a segment without ACK is dropped', () => {
    const ep = synReceived();
    expect(arrive(ep, { flags: 'P', data: 5 })).toEqual([]);
    expect(ep.state).toBe('SYN-RECEIVED');
    expect(ep.firedRules.at(-1)).toBe('3.10.7.4/ack/off-dropped');
  });
});

describe('active open', () => {
  test('OPEN sends <SEQ=ISS><CTL=SYN> with the MSS option and enters SYN-SENT', () => {
    const ep = endpoint();
    const out = ep.openActive(REMOTE, ISS, 0);
    expect(sent(out)).toEqual([`S seq ${ISS} ack 0 len 0`]);
    // RFC 9293's profile offers the options of RFC 7323 and RFC 2018 besides MSS; TSecr is 0 without ACK.
    expect(segments(out)[0]).toMatchObject({
      srcPort: LOCAL_PORT,
      dstPort: REMOTE_PORT,
      options: [{ kind: 'mss', mss: 536 }, { kind: 'wscale', shift: 0 }, { kind: 'sack-permitted' }, { kind: 'timestamps', tsecr: 0 }],
    });
    expect(transitions(out)).toEqual(['CLOSED => SYN-SENT']);
  });

  test('a SYN-ACK acknowledging the SYN establishes the connection with one ACK, and the user is told', () => {
    const ep = synSent();
    const out = arrive(ep, { flags: 'SA', seq: IRS, window: 3000, options: [{ kind: 'mss', mss: 1000 }] }, 40);
    expect(sent(out)).toEqual([`A seq ${ISS + 1} ack ${IRS + 1} len 0`]);
    expect(events(out)).toEqual(['connected']);
    expect(ep.tcb).toMatchObject({ sndUna: ISS + 1, sndWnd: 3000, sndMss: 1000 });
    // The SYN's round trip is the first RTT sample (RFC 6298 §2.2): 40 ms, under the 1 s floor.
    expect(ep.tcb.rtt).toMatchObject({ srtt: 40, rttvar: 20, rto: 1000 });
  });

  test('data SENT in SYN-SENT goes out with the ACK of the SYN-ACK', () => {
    const ep = synSent();
    expect(sent(ep.send(100, 0))).toEqual([]);
    const out = arrive(ep, { flags: 'SA', seq: IRS });
    expect(sent(out)).toEqual([`PA seq ${ISS + 1} ack ${IRS + 1} len 100`]);
  });

  test('text and FIN on the SYN-ACK are processed from the sixth step on, with a single ACK', () => {
    const ep = synSent();
    const out = arrive(ep, { flags: 'SFA', seq: IRS, data: 10 });
    expect(sent(out)).toEqual([`A seq ${ISS + 1} ack ${IRS + 12} len 0`]);
    expect(transitions(out)).toEqual(['SYN-SENT => ESTABLISHED', 'ESTABLISHED => CLOSE-WAIT']);
  });

  test('a RST acknowledging the SYN refuses the connection', () => {
    const ep = synSent();
    const out = arrive(ep, { flags: 'RA', seq: 0 });
    expect(transitions(out)).toEqual(['SYN-SENT => CLOSED']);
    expect(events(out)).toEqual(['refused']);
  });

  test('a RST whose ACK acknowledges nothing we sent is dropped', () => {
    const ep = synSent();
    expect(arrive(ep, { flags: 'RA', seq: 0, ack: ISS })).toEqual([]);
    expect(ep.state).toBe('SYN-SENT');
    expect(ep.firedRules.at(-1)).toBe('3.10.7.3/unacceptable-ack-rst-dropped');
  });

  test('OPEN active on a listening endpoint turns it active', () => {
    const ep = listen();
    const out = ep.openActive(REMOTE, 5000, 0);
    expect(sent(out)).toEqual(['S seq 5000 ack 0 len 0']);
    expect(transitions(out)).toEqual(['LISTEN => SYN-SENT']);
  });
});

describe('simultaneous open (Figure 7)', () => {
  test('a SYN in SYN-SENT draws a SYN-ACK, and the peer\'s SYN-ACK then establishes the connection', () => {
    const ep = synSent();
    const out = arrive(ep, { flags: 'S', seq: IRS, ack: 0, window: 2000 });
    expect(sent(out)).toEqual([`SA seq ${ISS} ack ${IRS + 1} len 0`]);
    expect(ep.tcb).toMatchObject({ sndWnd: 2000, sndWl1: IRS });
    // The peer's SYN-ACK repeats its SYN, one before RCV.NXT: trimmed off, the ACK establishes (line 6).
    const done = arrive(ep, { flags: 'SA', seq: IRS });
    expect(sent(done)).toEqual([]);
    expect(transitions(done)).toEqual(['SYN-RECEIVED => ESTABLISHED']);
    expect(events(done)).toEqual(['connected']);
  });

  test('text on the crossing SYN waits for ESTABLISHED', () => {
    const ep = synSent();
    arrive(ep, { flags: 'S', seq: IRS, ack: 0, data: 4 });
    expect(ep.firedRules).toContain('3.10.7.3/text-queued');
    const out = arrive(ep);
    expect(sent(out)).toEqual([`A seq ${ISS + 1} ack ${IRS + 5} len 0`]);
  });

  test('a RST in SYN-RECEIVED after an active OPEN refuses the connection', () => {
    const ep = synReceivedActive();
    const out = arrive(ep, { flags: 'R', ack: 0 });
    expect(transitions(out)).toEqual(['SYN-RECEIVED => CLOSED']);
    expect(events(out)).toEqual(['refused']);
  });

  test('a SYN in SYN-RECEIVED after an active OPEN is handled as in the synchronized states', () => {
    const withChallenge = synReceivedActive();
    expect(sent(arrive(withChallenge, { flags: 'S', ack: 0 }))).toEqual([`A seq ${ISS + 1} ack ${IRS + 1} len 0`]);
    expect(withChallenge.state).toBe('SYN-RECEIVED');
    const without = synReceivedActive({ rfc5961Syn: false });
    expect(sent(arrive(without, { flags: 'S', ack: 0 }))).toEqual([`RA seq 0 ack ${IRS + 2} len 0`]);
    expect(without.state).toBe('CLOSED');
  });
});

describe('segments that are not for the connection', () => {
  test('a segment to another port is answered as in CLOSED', () => {
    const ep = listen();
    const out = arrive(ep, { flags: 'S', dstPort: LOCAL_PORT + 1, seq: IRS, ack: 0 });
    expect(sent(out)).toEqual([`RA seq 0 ack ${IRS + 1} len 0`]);
    expect(segments(out)[0]).toMatchObject({ srcPort: LOCAL_PORT + 1, dstPort: REMOTE_PORT, window: 0 });
    expect(ep.state).toBe('LISTEN');
  });

  test('once connected, a segment from another remote port is answered as in CLOSED', () => {
    const ep = synReceived();
    const out = arrive(ep, { srcPort: REMOTE_PORT + 1, ack: seqAdd(ISS, 1) });
    expect(sent(out)).toEqual([`R seq ${ISS + 1} ack 0 len 0`]);
    expect(ep.state).toBe('SYN-RECEIVED');
  });
});
