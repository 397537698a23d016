/**
 * Segment acceptability: RFC 9293 §3.4 (Table 6), applied as the first check of §3.10.7.4.
 */
import type { Seq, TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqAdd } from '../wire/seq';
import { eq, le, lt } from './boundaries';
import { UNMUTATED, type Mutable } from './mutation';

/** SEG.LEN: the sequence space a segment takes, its octets plus one each for SYN and FIN (RFC 9293 §3.4). */
export function segLen(seg: Pick<TcpSegment, 'flags' | 'payload'>): number {
  return seg.payload.length + (seg.flags & TcpFlag.SYN ? 1 : 0) + (seg.flags & TcpFlag.FIN ? 1 : 0);
}

/**
 * Whether a segment is acceptable to a receiver at RCV.NXT offering RCV.WND, by the four cases of
 * RFC 9293 §3.4 Table 6 (§3.10.7.4, first):
 *
 * | SEG.LEN | RCV.WND | test |
 * |---|---|---|
 * | 0  | 0  | SEG.SEQ = RCV.NXT |
 * | 0  | >0 | RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND |
 * | >0 | 0  | not acceptable |
 * | >0 | >0 | RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND |
 *
 * `m` is the machine whose boundaries a mutant may have moved (mutation.ts).
 */
export function acceptable(seg: Pick<TcpSegment, 'seq' | 'flags' | 'payload'>, rcvNxt: Seq, rcvWnd: number, m: Mutable = UNMUTATED): boolean {
  const length = segLen(seg);
  if (rcvWnd === 0) return length === 0 && eq(m, '3.4 Table 6, zero window: SEG.SEQ = RCV.NXT', seg.seq, rcvNxt);
  const right = seqAdd(rcvNxt, rcvWnd);
  if (le(m, '3.4 Table 6: RCV.NXT =< SEG.SEQ', rcvNxt, seg.seq) && lt(m, '3.4 Table 6: SEG.SEQ < RCV.NXT+RCV.WND', seg.seq, right)) return true;
  const last = seqAdd(seg.seq, length - 1);
  return length > 0 && le(m, '3.4 Table 6: RCV.NXT =< SEG.SEQ+SEG.LEN-1', rcvNxt, last) && lt(m, '3.4 Table 6: SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND', last, right);
}
