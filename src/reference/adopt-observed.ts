/**
 * Following a target where RFC 9293 leaves the choice to the implementation: how an oracle running this
 * machine beside a target keeps the machine on what the target actually put on the wire (design notes,
 * "The reference machine is the oracle"), as adoptIss (adopt-iss.ts) does for the ISN. Not RFC events.
 */
import type { Seq } from '../wire';
import { seqGt, seqSub } from '../wire/seq';
import type { Machine } from './machine';
import { onSequenceSent } from './timers';

/**
 * The target offered a window whose right edge is `edge`: RCV.WND becomes what it offered, so that the
 * machine accepts what the target's buffer takes, and RCV.BUFF the buffer space the target shows (what
 * it holds unread and the window it offers, as far as its window field reaches, `maxWindow`), so that
 * a read is followed by a window update when the target's window can open (§3.8.6.2.2). §3.8.6 leaves
 * buffer sizes to the implementation.
 */
export function adoptReceiveWindow(m: Machine, edge: Seq, maxWindow: number): void {
  const { tcb } = m;
  tcb.rcvWnd = Math.max(0, seqSub(edge, tcb.rcvNxt));
  tcb.rcvOffered = edge;
  tcb.rcvBuff = Math.min(tcb.rcvUser + tcb.rcvWnd, maxWindow);
}

/**
 * The target sent sequence space up to `end`, which the application had queued and the peer's window
 * allowed, where this machine held it back (Nagle, §3.7.4, or its own segmentation): SND.NXT moves
 * there, so that the peer's acknowledgment of it is no "ACK of something not yet sent", and the timers
 * run as if this machine had sent it (RFC 6298 §5.1).
 */
export function adoptSent(m: Machine, end: Seq): void {
  if (!seqGt(end, m.tcb.sndNxt)) return;
  m.tcb.sndNxt = end;
  onSequenceSent(m);
}
