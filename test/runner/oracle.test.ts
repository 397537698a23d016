/**
 * The oracle judging segments a target might send, one rule at a time: each test feeds the stimuli,
 * then a segment a conforming target may send (no violation) and one it may not (the rule named).
 */
import { Oracle } from '../../src/runner/oracle/oracle';
import { RFC9293_PROFILE } from '../../src/reference';
import { TcpFlag, type TcpOption, type TcpSegment } from '../../src/wire';

const PEER_ISN = 1000;
const TARGET_ISN = 5000;
const { SYN, ACK, FIN, RST, PSH } = TcpFlag;

/** Relative numbers as the runner gives them, so messages read like the cases. */
const relative = { target: (seq: number) => (seq - TARGET_ISN) >>> 0, peer: (seq: number) => (seq - PEER_ISN) >>> 0 };

function fromPeer(over: Partial<TcpSegment>): TcpSegment {
  return { srcPort: 40000, dstPort: 8080, seq: PEER_ISN + 1, ack: TARGET_ISN + 1, flags: ACK, window: 65535, urgentPointer: 0, options: [], payload: new Uint8Array(), ...over };
}
function fromTarget(over: Partial<TcpSegment>): TcpSegment {
  return { srcPort: 8080, dstPort: 40000, seq: TARGET_ISN + 1, ack: PEER_ISN + 1, flags: ACK, window: 64240, urgentPointer: 0, options: [], payload: new Uint8Array(), ...over };
}
const pattern = (from: number, length: number) => Uint8Array.from({ length }, (_, i) => 0x61 + ((from + i) % 26));

/** Listen, the peer's SYN, the target's SYN-ACK and the peer's ACK, all judged fine. */
async function established(options: TcpOption[] = [{ kind: 'mss', mss: 1460 }]): Promise<Oracle> {
  const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
  oracle.appCall({ call: 'listen', port: 8080 }, 0);
  oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN, options }), 1, true);
  expect(oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1460 }] }), 1)).toBeUndefined();
  oracle.peerSent(fromPeer({}), 2, true);
  expect(oracle.state).toBe('ESTABLISHED');
  return oracle;
}

describe('handshake', () => {
  test("the target's ISN is adopted and nothing is pending once it has answered", async () => {
    const oracle = await established();
    expect(oracle.latestDeadline()).toBeUndefined();
    expect(oracle.overdue(10_000)).toBeUndefined();
  });

  test('a SYN-ACK that never comes is overdue after the answer bound', async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN }), 0, true);
    expect(oracle.overdue(500)).toBeUndefined();
    expect(oracle.overdue(1001)?.message).toMatch(/reference machine sends a SYN-ACK acknowledging 1 here \(state SYN-RECEIVED\)/);
  });

  test('a SYN-ACK acknowledging more than the SYN is refused', async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN }), 0, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN, ack: PEER_ISN + 5, flags: SYN | ACK }), 1)?.message).toBe(
      'the target sent an ACK of 5, but only 1 has arrived (RCV.NXT)',
    );
  });

  test('a window scale option in a SYN-ACK to a SYN that offered none is refused', async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN }), 0, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK, options: [{ kind: 'wscale', shift: 7 }] }), 1)?.rule).toBe('RFC 7323 §2.2');
  });

  test('SACK-permitted in a SYN-ACK to a SYN that offered none is allowed: RFC 2018 forbids it only without SYN', async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN }), 0, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK, options: [{ kind: 'sack-permitted' }] }), 1)).toBeUndefined();
  });

  test('each option rule cites the sentence that makes it one', async () => {
    const oracle = await established();
    const cited = (options: Parameters<typeof fromTarget>[0]['options']) => oracle.observe(fromTarget({ options }), 5);
    expect(cited([{ kind: 'sack-permitted' }])).toMatchObject({ rule: 'RFC 2018 §2', message: expect.stringContaining('MUST NOT be sent on non-SYN segments') });
    expect(cited([{ kind: 'wscale', shift: 2 }])).toMatchObject({ rule: 'RFC 7323 §2.2' });
    expect(cited([{ kind: 'sack', blocks: [{ left: 1, right: 2 }] }])).toMatchObject({ rule: 'RFC 2018 §4', message: expect.stringContaining('MUST NOT send SACK options') });
  });
});

describe('acknowledgments', () => {
  test('an ACK may come late, up to the profile bound, and cover several segments', async () => {
    const oracle = await established();
    oracle.peerSent(fromPeer({ flags: PSH | ACK, payload: pattern(0, 10) }), 10, true);
    oracle.peerSent(fromPeer({ seq: PEER_ISN + 11, flags: PSH | ACK, payload: pattern(10, 10) }), 20, true);
    expect(oracle.overdue(400)).toBeUndefined();
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 21 }), 400)).toBeUndefined();
    expect(oracle.latestDeadline()).toBeUndefined();
  });

  test('an ACK later than the bound is overdue, naming the profile', async () => {
    const oracle = await established();
    oracle.peerSent(fromPeer({ flags: PSH | ACK, payload: pattern(0, 10) }), 10, true);
    expect(oracle.overdue(512)?.message).toBe(
      "the reference machine sends an ACK of 11 within 500 ms (the profile's ACK delay) here (state ESTABLISHED), but by 511 ms the target had not",
    );
  });

  test('a window whose right edge retreats breaks SHLD-14', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ window: 64240 }), 5)).toBeUndefined();
    expect(oracle.observe(fromTarget({ window: 30000 }), 6)?.rule).toBe('SHLD-14');
  });
});

describe('sending', () => {
  test('data the application wrote, within the window and the pattern, is fine; more is refused', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 100 }, 10);
    expect(oracle.observe(fromTarget({ flags: PSH | ACK, payload: pattern(0, 60) }), 10)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 61, flags: PSH | ACK, payload: pattern(60, 40) }), 10)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 101, flags: PSH | ACK, payload: pattern(100, 1) }), 11)?.message).toBe(
      'the target sent data up to 102, beyond what the application wrote (101)',
    );
  });

  test('octets other than those the application wrote are refused', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 10 }, 10);
    const wrong = pattern(0, 10);
    wrong[3] = 0x21;
    expect(oracle.observe(fromTarget({ flags: PSH | ACK, payload: wrong }), 10)?.message).toBe('the target sent octet 4 of the stream as "!", not what the application wrote');
  });

  test("data beyond the peer's window breaks MUST-1", async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN, window: 100 }), 0, true);
    oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK }), 0);
    oracle.peerSent(fromPeer({ window: 100 }), 1, true);
    oracle.appCall({ call: 'write', bytes: 500 }, 2);
    expect(oracle.observe(fromTarget({ flags: ACK, payload: pattern(0, 150) }), 2)?.rule).toBe('MUST-1');
  });

  test('a FIN before the application closes is refused; after close, the FIN is due', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ flags: FIN | ACK }), 5)?.message).toBe('the target sent a FIN at 1 although the application has not closed');
    const again = await established();
    again.appCall({ call: 'close' }, 5);
    expect(again.overdue(1006)?.message).toMatch(/sending up to 2 with the FIN/);
    const closing = await established();
    closing.appCall({ call: 'close' }, 5);
    expect(closing.observe(fromTarget({ flags: FIN | ACK }), 6)).toBeUndefined();
    expect(closing.state).toBe('FIN-WAIT-1');
  });

  test('an MSS option on a segment without SYN breaks MUST-65', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ options: [{ kind: 'mss', mss: 1460 }] }), 5)?.rule).toBe('MUST-65');
  });

  test('options that do not frame break MUST-68, and bytes after EOL that are not zero break MUST-69', async () => {
    const oracle = await established();
    const unframed = { kind: 'malformed' as const, bytes: Uint8Array.of(99), reason: 'option kind 99 at byte 40 has no room for its length byte' };
    expect(oracle.observe(fromTarget({ options: [{ kind: 'nop' }, unframed] }), 5)?.rule).toBe('MUST-68');
    const padded = await established();
    const dirty = { kind: 'malformed' as const, bytes: Uint8Array.of(1, 0, 0), reason: 'non-zero bytes after End of Option List at byte 41' };
    expect(padded.observe(fromTarget({ options: [{ kind: 'eol' }, dirty] }), 5)?.rule).toBe('MUST-69');
    const clean = await established();
    expect(clean.observe(fromTarget({ options: [{ kind: 'nop' }, { kind: 'eol' }] }), 5)).toBeUndefined();
  });

  test("data beyond the peer's MSS, less the segment's options, breaks MUST-16; 536 when the SYN carried none (MUST-15)", async () => {
    const oracle = await established([{ kind: 'mss', mss: 1000 }]);
    oracle.appCall({ call: 'write', bytes: 3000 }, 3);
    expect(oracle.observe(fromTarget({ flags: ACK | PSH, payload: pattern(0, 1000), dataOffset: 5 }), 4)).toBeUndefined();
    // Twelve octets of options (a timestamps option and its padding) come out of the same 1000.
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1001, flags: ACK | PSH, payload: pattern(1000, 1000), dataOffset: 8 }), 5)?.rule).toBe('MUST-16');
    const unsaid = await established([]);
    unsaid.appCall({ call: 'write', bytes: 3000 }, 3);
    expect(unsaid.observe(fromTarget({ flags: ACK | PSH, payload: pattern(0, 537), dataOffset: 5 }), 4)?.message).toMatch(/537 octets of data .* more than the 536 the send MSS allows \(536, the default when the peer's SYN carries no MSS option \(MUST-15\)/);
  });

  test('timestamps the peer never offered are refused', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ options: [{ kind: 'timestamps', tsval: 1, tsecr: 0 }] }), 5)?.rule).toBe('RFC 7323 §3.2');
  });
});

describe('resets', () => {
  test('a RST the machine does not send is refused', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ flags: RST }), 5)?.message).toBe('the target sent a RST, which the reference machine does not send here (state ESTABLISHED)');
  });

  test('an abort obliges a RST, in the form of §3.5.2', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'abort' }, 5);
    expect(oracle.latestDeadline()).toBe(1005);
    expect(oracle.observe(fromTarget({ flags: RST }), 6)).toBeUndefined();
    expect(oracle.latestDeadline()).toBeUndefined();
  });

  test('after a reset, an ACK from the target is one the machine does not send', async () => {
    const oracle = await established();
    oracle.peerSent(fromPeer({ flags: RST }), 5, true);
    expect(oracle.state).toBe('CLOSED');
    expect(oracle.observe(fromTarget({}), 6)?.message).toBe('the target sent an ACK, which the reference machine does not send in CLOSED');
  });
});

describe("following the target's choices", () => {
  /** `count` full segments of 1460 octets from the peer, in order from relative 1. */
  function peerSends(oracle: Oracle, count: number, atMs: number): void {
    for (let i = 0; i < count; i++) oracle.peerSent(fromPeer({ seq: PEER_ISN + 1 + i * 1460, flags: PSH | ACK, payload: pattern(0, 1460) }), atMs, true);
  }

  test("the machine takes the target's scaled window: data it accepts beyond the machine's own buffer may be acknowledged", async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN, options: [{ kind: 'mss', mss: 1460 }, { kind: 'wscale', shift: 0 }] }), 0, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK, options: [{ kind: 'mss', mss: 1460 }, { kind: 'wscale', shift: 7 }] }), 0)).toBeUndefined();
    oracle.peerSent(fromPeer({}), 1, true);
    expect(oracle.observe(fromTarget({ window: 1024 }), 2)).toBeUndefined(); // 1024 << 7: a 128 KiB window
    expect(oracle.targetOffer.maxWindow).toBe(0xffff << 7);
    peerSends(oracle, 60, 3); // 87600 octets, beyond the 65535 the machine would offer itself
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 1 + 60 * 1460, window: 1024 - 684 }), 4)).toBeUndefined();
    expect(oracle.latestDeadline()).toBeUndefined();
  });

  test('after the application reads a closed window open, a window update is due, and a later cumulative ACK is not it', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'stop-reading' }, 3);
    peerSends(oracle, 2, 4);
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 2921, window: 0 }), 4)).toBeUndefined();
    oracle.appCall({ call: 'read' }, 10);
    expect(oracle.latestDeadline()).toBe(10 + 500 + 1);
    oracle.peerSent(fromPeer({ seq: PEER_ISN + 2921, flags: PSH | ACK, payload: pattern(0, 10) }), 20, true);
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 2931, window: 2910 }), 21)).toBeUndefined();
    expect(oracle.overdue(600)?.message).toMatch(/sends an ACK of exactly 2921 within 500 ms/);
    const updating = await established();
    updating.appCall({ call: 'stop-reading' }, 3);
    peerSends(updating, 2, 4);
    updating.observe(fromTarget({ ack: PEER_ISN + 2921, window: 0 }), 4);
    updating.appCall({ call: 'read' }, 10);
    expect(updating.observe(fromTarget({ ack: PEER_ISN + 2921, window: 2920 }), 11)).toBeUndefined();
    expect(updating.latestDeadline()).toBeUndefined();
  });

  test('a challenge ACK is not met by the ACK of data that came after it', async () => {
    const oracle = await established();
    oracle.peerSent(fromPeer({ seq: PEER_ISN + 100, flags: RST }), 5, true);
    oracle.peerSent(fromPeer({ flags: PSH | ACK, payload: pattern(0, 10) }), 6, true);
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 11 }), 7)).toBeUndefined();
    expect(oracle.overdue(600)?.message).toMatch(/an ACK of exactly 1 within/);
  });

  test('a right edge that advances to a window smaller than a segment is a silly window (MUST-39); zero or a full segment is not', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'stop-reading' }, 3);
    expect(oracle.observe(fromTarget({ window: 64240 }), 3)).toBeUndefined();
    peerSends(oracle, 44, 4);
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 64241, window: 0 }), 5)).toBeUndefined();
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 64241, window: 100 }), 6)).toMatchObject({ rule: 'MUST-39', expected: 'a window of 0 or >= 1460' });
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 64241, window: 1460 }), 7)).toBeUndefined();
  });

  test("data the machine held back (Nagle) but the target sent is taken as sent: the peer's ACK of it is no ACK of unsent data", async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 2000 }, 10);
    // The machine (MSS 536) sends three full segments and holds the 392-octet tail while they are in flight.
    expect(oracle.observe(fromTarget({ flags: ACK, payload: pattern(0, 1460) }), 10)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1461, flags: PSH | ACK, payload: pattern(1460, 540) }), 10)).toBeUndefined();
    oracle.peerSent(fromPeer({ ack: TARGET_ISN + 2001 }), 20, true);
    expect(oracle.latestDeadline()).toBeUndefined();
    expect(oracle.overdue(5000)).toBeUndefined();
  });

  test('a target sending less than the window allows (its congestion window) waits for ACKs; with nothing in flight it must send on', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 10_000 }, 10);
    expect(oracle.observe(fromTarget({ flags: ACK, payload: pattern(0, 1460) }), 10)).toBeUndefined();
    expect(oracle.overdue(5000)).toBeUndefined();
    oracle.peerSent(fromPeer({ ack: TARGET_ISN + 1461 }), 5000, true);
    expect(oracle.overdue(5900)).toBeUndefined();
    // The machine, with MSS 536, sent everything at once: its third segment is the first still unsent.
    expect(oracle.overdue(6001)?.message).toMatch(/sending up to 1609 /);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1461, flags: ACK, payload: pattern(1460, 1460) }), 5100)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 2921, flags: ACK, payload: pattern(2920, 1460) }), 5100)).toBeUndefined();
    expect(oracle.overdue(6001)).toBeUndefined();
  });

  test("data beyond the peer's window still breaks MUST-1 once the machine follows the target; SHLD-15 where the window shrank", async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN, window: 1000, options: [{ kind: 'mss', mss: 1460 }] }), 1, true);
    oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK }), 1);
    oracle.peerSent(fromPeer({ window: 1000 }), 2, true);
    oracle.appCall({ call: 'write', bytes: 3000 }, 10);
    expect(oracle.observe(fromTarget({ flags: ACK, payload: pattern(0, 1000) }), 10)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1001, flags: ACK, payload: pattern(1000, 10) }), 10)?.rule).toBe('MUST-1');

    const shrunk = await established();
    shrunk.peerSent(fromPeer({ window: 1000 }), 5, true);
    shrunk.appCall({ call: 'write', bytes: 3000 }, 10);
    expect(shrunk.observe(fromTarget({ flags: ACK, payload: pattern(0, 1000) }), 10)).toBeUndefined();
    expect(shrunk.observe(fromTarget({ seq: TARGET_ISN + 1001, flags: ACK, payload: pattern(1000, 10) }), 10)?.rule).toBe('SHLD-15');
  });

  test('data sent before may go again beyond a window the peer shrank (MAY-7)', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 2000 }, 3);
    expect(oracle.observe(fromTarget({ flags: ACK, payload: pattern(0, 1000) }), 3)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1001, flags: ACK, payload: pattern(1000, 1000) }), 3)).toBeUndefined();
    oracle.peerSent(fromPeer({ ack: TARGET_ISN + 1001, window: 500 }), 4, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1001, flags: ACK, payload: pattern(1000, 1000) }), 2000)).toBeUndefined();
  });
});

describe('the IP header of the target', () => {
  const ip = (src: string, ecn: 'not-ect' | 'ect0' = 'not-ect') => ({ version: 4 as const, src, dst: '198.18.0.2', protocol: 6, ttl: 64, id: 0, dontFragment: true, ecn });

  test('every segment comes from the address the first came from (MUST-45)', async () => {
    const oracle = new Oracle(RFC9293_PROFILE, relative, 'virtual');
    oracle.appCall({ call: 'listen', port: 8080 }, 0);
    oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN }), 1, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK }), 1, ip('198.18.0.1'))).toBeUndefined();
    oracle.peerSent(fromPeer({ flags: PSH | ACK, payload: new Uint8Array(10) }), 2, true);
    expect(oracle.observe(fromTarget({ ack: PEER_ISN + 11 }), 2, ip('198.18.0.9'))?.rule).toBe('MUST-45');
  });

  test('ECT on data of a connection that did not negotiate ECN is refused (RFC 3168 §6.1.1)', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 10 }, 3);
    expect(oracle.observe(fromTarget({ flags: PSH | ACK, payload: pattern(0, 10) }), 3, ip('198.18.0.1', 'ect0'))?.rule).toBe('RFC 3168 §6.1.1');
  });
});

describe('urgent data the target sends (MUST-62)', () => {
  const { URG } = TcpFlag;

  test('URG with the pointer to the octet after the urgent data passes; one octet short, or no URG on the data, is MUST-62', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write-urgent', bytes: 5 }, 3);
    expect(oracle.observe(fromTarget({ flags: URG | PSH | ACK, urgentPointer: 5, payload: pattern(0, 5) }), 4)).toBeUndefined();
    const short = await established();
    short.appCall({ call: 'write-urgent', bytes: 5 }, 3);
    expect(short.observe(fromTarget({ flags: URG | PSH | ACK, urgentPointer: 4, payload: pattern(0, 4) }), 4)).toMatchObject({ rule: 'MUST-62', expected: 'urgent pointer 5' });
    const missing = await established();
    missing.appCall({ call: 'write-urgent', bytes: 5 }, 3);
    expect(missing.observe(fromTarget({ flags: PSH | ACK, payload: pattern(0, 5) }), 4)?.rule).toBe('MUST-62');
  });

  test('URG on data the application did not send as urgent is refused', async () => {
    const oracle = await established();
    oracle.appCall({ call: 'write', bytes: 5 }, 3);
    expect(oracle.observe(fromTarget({ flags: URG | PSH | ACK, urgentPointer: 5, payload: pattern(0, 5) }), 4)?.rule).toBe('RFC 9293 §3.8.5');
  });
});

describe('keep-alive probes (§3.8.4)', () => {
  test('a segment at SND.UNA-1 is a probe: allowed on an idle connection, MUST-26 while data is outstanding', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN }), 5)).toBeUndefined();
    oracle.appCall({ call: 'write', bytes: 10 }, 6);
    expect(oracle.observe(fromTarget({ flags: PSH | ACK, payload: pattern(0, 10) }), 7)).toBeUndefined();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN }), 8)?.rule).toBe('MUST-26');
  });

  test('one garbage octet in a probe is allowed (MAY-6); a zero-window probe of the same form is not a keep-alive', async () => {
    const oracle = await established();
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN, payload: Uint8Array.of(0) }), 5)).toBeUndefined();
    oracle.appCall({ call: 'write', bytes: 10 }, 6);
    expect(oracle.observe(fromTarget({ flags: PSH | ACK, payload: pattern(0, 10) }), 7)).toBeUndefined();
    oracle.peerSent(fromPeer({ ack: TARGET_ISN + 11, window: 0 }), 8, true);
    oracle.appCall({ call: 'write', bytes: 10 }, 9);
    // The machine probes the zero window with an octet after its RTO; the target with an ACK at SND.UNA-1.
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 10 }), 1_500)).toBeUndefined();
  });
});
