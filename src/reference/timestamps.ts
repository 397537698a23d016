/**
 * RFC 7323 §3-§5: timestamps once both SYNs carried TSopt. TS.Recent and Last.ACK.sent (§4.3), PAWS's
 * rejection of a segment with an old TSval (§5.3 R1) and the recording of a new one (§5.3 R3).
 */
import type { Seq, TcpOption, TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqGe, seqGt, seqLe, seqLt } from '../wire/seq';
import { fire, type Machine } from './machine';
import { sendAck } from './segments';

/** RFC 7323 §4.3's variables. */
export interface TimestampState {
  /** TS.Recent: the timestamp to echo in TSecr on the next segment sent; undefined before the peer's first TSval. */
  recent: number | undefined;
  /** Last.ACK.sent: the ACK field of the last segment sent. */
  lastAckSent: Seq;
}

/**
 * TSval, this endpoint's timestamp clock: one tick per millisecond of virtual time (RFC 7323 §5.4: from
 * 1 ms to 1 s a tick), from 1. Its values are the machine's own; an oracle holds a target's clock only
 * to being monotone (§5.4), never to these values.
 */
export function tsClock(m: Machine): number {
  return (1 + Math.floor(m.now)) >>> 0;
}

/** The segment's TSopt, if it carries one. */
export function tsoptOf(seg: TcpSegment): Extract<TcpOption, { kind: 'timestamps' }> | undefined {
  const option = seg.options.find((o) => o.kind === 'timestamps');
  return option?.kind === 'timestamps' ? option : undefined;
}

/**
 * RFC 7323 §5.3 R1, before the sequence number check: a segment whose TSval is older than TS.Recent
 * ("using 32-bit arithmetic", §5.2), RST aside, is not acceptable: it is acknowledged and dropped.
 * Returns whether it was.
 */
export function pawsRejects(m: Machine, seg: TcpSegment): boolean {
  const { tcb } = m;
  if (!tcb.options.timestamps || seg.flags & TcpFlag.RST) return false;
  const tsopt = tsoptOf(seg);
  if (tsopt === undefined || tcb.ts.recent === undefined || !seqLt(tsopt.tsval, tcb.ts.recent)) return false;
  fire(m, 'rfc7323/5.3/paws-rejected');
  sendAck(m);
  return true;
}

/**
 * RFC 7323 §5.3 R3 (§4.3 (2)), once the segment is acceptable: SEG.TSval >= TS.Recent and
 * SEG.SEQ =< Last.ACK.sent make TS.Recent <- SEG.TSval. A segment beyond what was last acknowledged
 * (out of order, or one of several a delayed ACK covers) does not: TSecr echoes the TSval of the segment
 * that last advanced the left edge of the window.
 */
export function recordTimestamp(m: Machine, seg: TcpSegment): void {
  const { tcb } = m;
  const tsopt = tcb.options.timestamps ? tsoptOf(seg) : undefined;
  if (tsopt === undefined) return;
  if (tcb.ts.recent !== undefined && !seqGe(tsopt.tsval, tcb.ts.recent)) return;
  if (!seqLe(seg.seq, tcb.ts.lastAckSent)) return;
  fire(m, 'rfc7323/4.3/ts-recent-updated');
  tcb.ts.recent = tsopt.tsval;
}

/** Whether timestamps are in use and `seg` carries a TSval newer than TS.Recent (RFC 6191 §2). */
export function newerTimestamp(m: Machine, seg: TcpSegment): boolean {
  const { tcb } = m;
  const tsopt = tcb.options.timestamps ? tsoptOf(seg) : undefined;
  return tsopt !== undefined && tcb.ts.recent !== undefined && seqGt(tsopt.tsval, tcb.ts.recent);
}
