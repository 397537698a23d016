/**
 * RFC 9293 §3.4 Table 6, the four acceptability cases, at their edges and across the wrap of 2^32.
 */
import { acceptable, segLen } from '../../src/reference';
import { TcpFlag } from '../../src/wire';

const segment = (seq: number, length: number, flags: number = TcpFlag.ACK) => ({ seq, flags, payload: new Uint8Array(length) });

describe('acceptable (RFC 9293 §3.4, Table 6)', () => {
  test.each([
    // SEG.LEN 0, RCV.WND 0: SEG.SEQ = RCV.NXT.
    ['len 0, wnd 0, at RCV.NXT', segment(1000, 0), 1000, 0, true],
    ['len 0, wnd 0, one past', segment(1001, 0), 1000, 0, false],
    ['len 0, wnd 0, one before', segment(999, 0), 1000, 0, false],
    // SEG.LEN 0, RCV.WND > 0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND.
    ['len 0, wnd 100, left edge', segment(1000, 0), 1000, 100, true],
    ['len 0, wnd 100, last in window', segment(1099, 0), 1000, 100, true],
    ['len 0, wnd 100, right edge', segment(1100, 0), 1000, 100, false],
    ['len 0, wnd 100, before the window', segment(999, 0), 1000, 100, false],
    // SEG.LEN > 0, RCV.WND 0: never.
    ['len 10, wnd 0, at RCV.NXT', segment(1000, 10), 1000, 0, false],
    ['FIN alone, wnd 0', segment(1000, 0, TcpFlag.FIN | TcpFlag.ACK), 1000, 0, false],
    // SEG.LEN > 0, RCV.WND > 0: first or last octet in the window.
    ['len 10, first octet in', segment(1095, 10), 1000, 100, true],
    ['len 10, last octet in', segment(991, 10), 1000, 100, true],
    ['len 10, wholly before', segment(990, 10), 1000, 100, false],
    ['len 10, wholly after', segment(1100, 10), 1000, 100, false],
    ['len 200, spanning both edges', segment(990, 200), 1000, 100, false],
    ['SYN counts one', segment(999, 0, TcpFlag.SYN), 1000, 100, false],
    ['SYN with one octet reaches RCV.NXT', segment(999, 1, TcpFlag.SYN), 1000, 100, true],
    // Modulo 2^32.
    ['window across the wrap, segment after it', segment(5, 10), 0xffff_fff0, 100, true],
    ['window across the wrap, segment before it', segment(0xffff_ffe0, 10), 0xffff_fff0, 100, false],
  ] as const)('%s', (_, seg, rcvNxt, rcvWnd, expected) => {
    expect(acceptable(seg, rcvNxt, rcvWnd)).toBe(expected);
  });

  test('SEG.LEN counts the octets plus one each for SYN and FIN (RFC 9293 §3.4)', () => {
    expect(segLen(segment(0, 10))).toBe(10);
    expect(segLen(segment(0, 10, TcpFlag.SYN | TcpFlag.FIN))).toBe(12);
  });
});
