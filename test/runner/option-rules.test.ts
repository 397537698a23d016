/**
 * The oracle's rules on what RFC 7323, RFC 2018 and RFC 5681 negotiate or bound: TSopt and TSecr,
 * SACK blocks of data that arrived, and what a target may have in flight.
 */
import { RFC9293_PROFILE, ReferenceEndpoint, type Tcb } from '../../src/reference';
import { CongestionWatch } from '../../src/runner/oracle/congestion-rules';
import { sackViolation } from '../../src/runner/oracle/sack-rules';
import { TimestampWatch } from '../../src/runner/oracle/timestamp-rules';
import { parseFlags, type TcpOption, type TcpSegment } from '../../src/wire';

function segment(flags: string, seq: number, options: TcpOption[] = [], data = 0, ack = 1): TcpSegment {
  return { srcPort: 1, dstPort: 2, seq, ack, flags: parseFlags(flags), window: 100, urgentPointer: 0, options, payload: new Uint8Array(data) };
}
const ts = (tsval: number, tsecr = 0): TcpOption[] => [{ kind: 'timestamps', tsval, tsecr }];

describe('timestamps (RFC 7323)', () => {
  function negotiated(): TimestampWatch {
    const watch = new TimestampWatch();
    watch.peerSent([segment('S', 100, ts(1000))], undefined);
    watch.targetSent(segment('SA', 0, ts(5, 1000)));
    return watch;
  }

  test('once both SYNs carried TSopt, every segment but a RST carries one, its TSval never going back', () => {
    const watch = negotiated();
    expect(watch.negotiated).toBe(true);
    expect(watch.targetSent(segment('A', 1))?.rule).toBe('RFC 7323 §3.2');
    expect(watch.targetSent(segment('R', 1))).toBeUndefined();
    expect(watch.targetSent(segment('A', 1, ts(4, 1000)))?.rule).toBe('RFC 7323 §5.4');
  });

  test("TSecr echoes an in-order, fresh TSval of the peer's, never an out-of-order one, never going back", () => {
    const watch = negotiated();
    watch.peerSent([segment('PA', 101, ts(2000), 100)], 101);
    watch.peerSent([segment('PA', 301, ts(3000), 100)], 201);
    expect(watch.targetSent(segment('A', 1, ts(6, 3000)))?.rule).toBe('RFC 7323 §4.3');
    expect(watch.targetSent(segment('A', 1, ts(6, 2000)))).toBeUndefined();
    watch.peerSent([segment('PA', 201, ts(1500), 100)], 201);
    expect(watch.targetSent(segment('A', 1, ts(7, 1500)))?.rule).toBe('RFC 7323 §4.3');
    expect(watch.targetSent(segment('A', 1, ts(7, 1000)))?.rule).toBe('RFC 7323 §4.3');
  });

  test('without TSopt on both SYNs, nothing is held', () => {
    const watch = new TimestampWatch();
    watch.peerSent([segment('S', 100)], undefined);
    watch.targetSent(segment('SA', 0, ts(5)));
    expect(watch.targetSent(segment('A', 1))).toBeUndefined();
  });
});

describe('SACK blocks (RFC 2018 §3)', () => {
  test('a block may report data held out of order or received in order, nothing else', () => {
    const ep = new ReferenceEndpoint(RFC9293_PROFILE, { address: '198.18.0.1', port: 2 }, { iss: 0 });
    ep.openPassive(0);
    ep.segmentArrives(segment('S', 100, [{ kind: 'sack-permitted' }]), 0);
    ep.segmentArrives(segment('A', 101), 0);
    ep.segmentArrives(segment('PA', 201, [], 100), 0);
    const tcb: Readonly<Tcb> = ep.tcb;
    const sack = (left: number, right: number): TcpSegment => segment('A', 1, [{ kind: 'sack', blocks: [{ left, right }] }]);
    expect(sackViolation(sack(201, 301), tcb, (s) => s)).toBeUndefined();
    expect(sackViolation(sack(221, 261), tcb, (s) => s)).toBeUndefined();
    expect(sackViolation(sack(201, 401), tcb, (s) => s)?.rule).toBe('RFC 2018 §3');
    expect(sackViolation(sack(101, 151), tcb, (s) => s)?.rule).toBe('RFC 2018 §3');
    expect(sackViolation(sack(301, 201), tcb, (s) => s)?.rule).toBe('RFC 2018 §3');
    // The SYN's sequence number, as a D-SACK reports a SYN that came twice (RFC 2883); nothing before it.
    expect(sackViolation(sack(100, 101), tcb, (s) => s)).toBeUndefined();
    expect(sackViolation(sack(99, 101), tcb, (s) => s)?.rule).toBe('RFC 2018 §3');
  });
});

describe('congestion bounds (RFC 5681)', () => {
  const smss = 100;
  const minRtoMs = 1000;
  /** The time every segment goes at: a test moves it on where a timer must have had time to expire. */
  let now = 0;
  function started(initialWindow: number, tailLossProbe = false, multiplicativeDecrease = 0.5): CongestionWatch {
    const watch = new CongestionWatch({ initialWindow, tailLossProbe, multiplicativeDecrease, minRtoMs });
    watch.targetSyn(segment('SA', 0));
    return watch;
  }
  const data = (seq: number) => segment('A', seq, [], smss);
  const ack = (n: number, options: TcpOption[] = []) => segment('A', 1, options, 0, n);
  const same = (seq: number) => seq;

  test('no more than the initial window before the first ACK; one more segment per segment acknowledged', () => {
    const watch = started(2);
    expect(watch.targetSent(data(1), smss, false, same, now)).toBeUndefined();
    expect(watch.targetSent(data(101), smss, false, same, now)).toBeUndefined();
    expect(watch.targetSent(data(201), smss, false, same, now)?.rule).toBe('RFC 5681 §3.1');
    const ten = started(10);
    for (let i = 0; i < 10; i++) expect(ten.targetSent(data(1 + i * smss), smss, false, same, now)).toBeUndefined();
    expect(ten.targetSent(data(1001), smss, false, same, now)?.rule).toBe('RFC 6928 §2');
    const grown = started(2);
    grown.targetSent(data(1), smss, false, same, now);
    grown.targetSent(data(101), smss, false, same, now);
    grown.peerSent(ack(201), smss, false, now);
    for (let i = 2; i < 6; i++) expect(grown.targetSent(data(1 + i * smss), smss, false, same, now)).toBeUndefined();
    expect(grown.targetSent(data(601), smss, false, same, now)?.rule).toBe('RFC 5681 §3.1');
  });

  test('after a timeout, one segment until the next ACK; a tail loss probe may add one segment on a SACK connection', () => {
    const watch = started(4);
    for (let i = 0; i < 4; i++) watch.targetSent(data(1 + i * smss), smss, false, same, now);
    expect(watch.targetSent(data(1), smss, false, same, now)).toBeUndefined();
    expect(watch.targetSent(data(101), smss, false, same, now)?.rule).toBe('RFC 5681 §3.1');
    const probing = started(2, true);
    probing.targetSent(data(1), smss, true, same, now);
    probing.targetSent(data(101), smss, true, same, now);
    expect(probing.targetSent(data(201), smss, true, same, now)).toBeUndefined();
    expect(probing.targetSent(data(301), smss, true, same, now)?.rule).toBe('RFC 5681 §3.1');
  });

  test('the segment at SND.UNA again within the shortest RTO of an ACK answers it, even after new data (RFC 5682 F-RTO); later, it is a timeout', () => {
    const watch = started(4);
    for (let i = 0; i < 4; i++) watch.targetSent(data(1 + i * smss), smss, false, same, now);
    watch.peerSent(ack(101), smss, false, now);
    now += 1;
    expect(watch.targetSent(data(401), smss, false, same, now)).toBeUndefined();
    expect(watch.targetSent(data(101), smss, false, same, now)).toBeUndefined();
    expect(watch.targetSent(data(501), smss, false, same, now)).toBeUndefined();
    now += minRtoMs;
    expect(watch.targetSent(data(101), smss, false, same, now)).toBeUndefined();
    expect(watch.targetSent(data(201), smss, false, same, now)?.message).toContain('after a retransmission timeout');
  });

  test('on a SACK connection nothing SACKed is sent again before a timeout; after one, anything may be (RFC 6675 §4, RFC 2018 §8)', () => {
    const sacked = (blocks: Array<[number, number]>) => [{ kind: 'sack' as const, blocks: blocks.map(([left, right]) => ({ left, right })) }];
    const watch = started(10);
    for (let i = 0; i < 6; i++) watch.targetSent(data(1 + i * smss), smss, true, same, now);
    watch.peerSent(ack(101, sacked([[201, 401]])), smss, true, now);
    watch.peerSent(ack(101, sacked([[201, 401], [501, 601]])), smss, true, now);
    watch.peerSent(ack(101, sacked([[201, 401], [501, 601]])), smss, true, now);
    expect(watch.targetSent(data(101), smss, true, same, now)).toBeUndefined();
    const resent = watch.targetSent(data(301), smss, true, same, now);
    expect(resent?.rule).toBe('RFC 6675 §4');
    expect(resent?.message).toContain("octets 301:401 sent again, all of them inside the peer's SACK block 201:401");
    expect(watch.targetSent(data(401), smss, true, same, now)).toBeUndefined();
    // The ACK of the hole leaves 501:601 SACKed beyond the new SND.UNA.
    watch.peerSent(ack(401, sacked([[501, 601]])), smss, true, now);
    expect(watch.targetSent(data(501), smss, true, same, now)?.rule).toBe('RFC 6675 §4');

    // The same blocks without SACK negotiated say nothing.
    const plain = started(10);
    for (let i = 0; i < 4; i++) plain.targetSent(data(1 + i * smss), smss, false, same, now);
    plain.peerSent(ack(101, sacked([[201, 401]])), smss, false, now);
    expect(plain.targetSent(data(201), smss, false, same, now)).toBeUndefined();

    // The segment at SND.UNA with no ACK since the target last sent: a timeout, after which SACKed data may go again.
    const timedOut = started(10);
    for (let i = 0; i < 4; i++) timedOut.targetSent(data(1 + i * smss), smss, true, same, now);
    timedOut.peerSent(ack(101, sacked([[201, 401]])), smss, true, now);
    timedOut.targetSent(data(101), smss, true, same, now);
    now += minRtoMs;
    timedOut.targetSent(data(101), smss, true, same, now);
    timedOut.peerSent(ack(201), smss, true, now);
    expect(timedOut.targetSent(data(201), smss, true, same, now)).toBeUndefined();
  });

  /**
   * Ten segments of 100, the first acknowledged (the bound 1100, two more sent: 1200 beyond the ISN),
   * then three duplicate ACKs of 101 (the bound 1400) and the segment at 101 again: fast recovery,
   * recover = 1201.
   */
  function inRecovery(multiplicativeDecrease: number): CongestionWatch {
    const watch = started(10, false, multiplicativeDecrease);
    for (let i = 0; i < 10; i++) watch.targetSent(data(1 + i * smss), smss, false, same, now);
    watch.peerSent(ack(101), smss, false, now);
    watch.targetSent(data(1001), smss, false, same, now);
    watch.targetSent(data(1101), smss, false, same, now);
    for (let i = 0; i < 3; i++) watch.peerSent(ack(101), smss, false, now);
    expect(watch.targetSent(data(101), smss, false, same, now)).toBeUndefined();
    return watch;
  }

  test.each([
    [0.5, 12],
    [0.7, 15],
  ])('the ACK that ends fast recovery leaves β = %s of the bound at the loss, and half what it acknowledges: %i segments', (beta, segments) => {
    const watch = inRecovery(beta);
    // It acknowledges 1100 octets: β × 1400 + 550.
    watch.peerSent(ack(1201), smss, false, now);
    for (let i = 0; i < segments; i++) expect(watch.targetSent(data(1201 + i * smss), smss, false, same, now)).toBeUndefined();
    const over = watch.targetSent(data(1201 + segments * smss), smss, false, same, now);
    expect(over?.rule).toBe('RFC 5681 §3.2');
    expect(over?.message).toContain(`at most ${beta} of the window at the loss`);
  });

  test('a partial ACK does not end fast recovery; the ACK of recover does, and later ACKs grow the window again', () => {
    const partial = inRecovery(0.5);
    partial.peerSent(ack(601), smss, false, now);
    for (let i = 0; i < 13; i++) expect(partial.targetSent(data(1201 + i * smss), smss, false, same, now)).toBeUndefined();
    const ended = inRecovery(0.5);
    ended.peerSent(ack(1201), smss, false, now);
    for (let i = 0; i < 12; i++) ended.targetSent(data(1201 + i * smss), smss, false, same, now);
    ended.peerSent(ack(2401), smss, false, now);
    for (let i = 12; i < 36; i++) expect(ended.targetSent(data(1201 + i * smss), smss, false, same, now)).toBeUndefined();
  });

  test('without a retransmission the duplicate ACKs cut nothing; after a timeout the loss window holds instead of the cut', () => {
    const ignored = started(10);
    for (let i = 0; i < 10; i++) ignored.targetSent(data(1 + i * smss), smss, false, same, now);
    ignored.peerSent(ack(101), smss, false, now);
    for (let i = 0; i < 3; i++) ignored.peerSent(ack(101), smss, false, now);
    ignored.peerSent(ack(1001), smss, false, now);
    for (let i = 10; i < 20; i++) expect(ignored.targetSent(data(1 + i * smss), smss, false, same, now)).toBeUndefined();
    const timedOut = inRecovery(0.5);
    timedOut.targetSent(data(101), smss, false, same, now);
    timedOut.peerSent(ack(1201), smss, false, now);
    // The window before the timeout and the 1100 octets the ACK acknowledges: 1400 + 1100.
    for (let i = 0; i < 25; i++) expect(timedOut.targetSent(data(1201 + i * smss), smss, false, same, now)).toBeUndefined();
  });
});
