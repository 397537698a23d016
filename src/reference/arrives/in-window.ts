/**
 * The part of a segment the receive window admits. RFC 9293 §3.10.7.4, first: "If a segment's contents
 * straddle the boundary between old and new, only the new parts are processed", and the idealized segment
 * "does not exceed the window": portions outside it, the FIN included, are trimmed off.
 */
import type { Seq, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLt } from '../../wire/seq';
import { le, lt } from '../boundaries';
import { fire, type Machine } from '../machine';
import { holdRange } from '../receive-queue';
import type { Rule } from '../rules';

export interface InWindow {
  /** The segment's octets inside the window that are new: `start` up to, not including, `end`. */
  readonly start: Seq;
  readonly end: Seq;
  /** Whether the segment's FIN lies inside the window, at `finSeq`. */
  readonly fin: boolean;
  readonly finSeq: Seq;
  /** Whether text and FIN were left out for a closed window, which the ACK owed for the segment shows. */
  readonly textDropped: boolean;
}

const later = (a: Seq, b: Seq): Seq => (seqGt(a, b) ? a : b);
const earlier = (a: Seq, b: Seq): Seq => (seqLt(a, b) ? a : b);

/** The part of `seg` between RCV.NXT and RCV.NXT+RCV.WND; records the trim when anything was cut. */
export function inWindow(m: Machine, seg: TcpSegment): InWindow {
  const { rcvNxt, rcvWnd } = m.tcb;
  const right = seqAdd(rcvNxt, rcvWnd);
  const dataSeq = seg.flags & TcpFlag.SYN ? seqAdd(seg.seq, 1) : seg.seq;
  const dataEnd = seqAdd(dataSeq, seg.payload.length);
  const start = later(dataSeq, rcvNxt);
  const end = later(earlier(dataEnd, right), start);
  const finBit = (seg.flags & TcpFlag.FIN) !== 0;
  const fin = finBit && le(m, '3.10.7.4 first, FIN: RCV.NXT =< FIN', rcvNxt, dataEnd) && lt(m, '3.10.7.4 first, FIN: FIN < RCV.NXT+RCV.WND', dataEnd, right);
  if (start !== dataSeq || end !== dataEnd || fin !== finBit) fire(m, '3.10.7.4/seq/trimmed');
  return { start, end, fin, finSeq: dataEnd, textDropped: false };
}

/**
 * Text and FIN on a SYN, kept until ESTABLISHED is reached (§3.10.7.2 third: "any other control or text
 * should be queued for processing later"; §3.10.7.3 fourth, likewise). They wait with the out-of-order
 * data, which ESTABLISHED's seventh step takes from RCV.NXT on.
 */
export function queueForEstablished(m: Machine, seg: TcpSegment, rule: Rule): void {
  const part = inWindow(m, seg);
  if (part.start === part.end && !part.fin) return;
  fire(m, rule);
  if (part.start !== part.end) holdRange(m.tcb, part.start, part.end);
  if (part.fin) m.tcb.heldFin = part.finSeq;
}
