/**
 * Segment acceptability: RFC 9293 §3.4 (Table 6), applied as the first check of §3.10.7.4.
 */
import type { Seq, TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqAdd, seqInWindow } from '../wire/seq';

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
 */
export function acceptable(seg: Pick<TcpSegment, 'seq' | 'flags' | 'payload'>, rcvNxt: Seq, rcvWnd: number): boolean {
  const length = segLen(seg);
  if (rcvWnd === 0) return length === 0 && seg.seq === rcvNxt;
  if (seqInWindow(seg.seq, rcvNxt, rcvWnd)) return true;
  return length > 0 && seqInWindow(seqAdd(seg.seq, length - 1), rcvNxt, rcvWnd);
}
