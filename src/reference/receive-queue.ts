/**
 * The receive side: octets taken in order at RCV.NXT, out-of-order ranges held for later (SHLD-31), and
 * the receive window, whose right edge moves only by the receiver's SWS avoidance rule (RFC 9293
 * §3.8.6.2.2, MUST-39) and never to the left (SHLD-14).
 *
 * The machine counts received octets; it does not keep their contents, which nothing asks of it.
 */
import type { Seq } from '../wire';
import { seqAdd, seqGt, seqLe, seqLt, seqSub } from '../wire/seq';
import { ge, le } from './boundaries';
import type { Machine } from './machine';
import { effSndMss, type Tcb } from './tcb';

/** Fr, the fraction of RCV.BUFF by which the right edge may advance (RFC 9293 §3.8.6.2.2). */
const FR = 1 / 2;

/**
 * RCV.NXT advances over `count` sequence numbers; the right edge RCV.NXT+RCV.WND stays where it is, so
 * RCV.WND shrinks by as much (RFC 9293 §3.8.6.2.2: "keeps RCV.NXT+RCV.WND constant as RCV.NXT increases").
 */
export function advanceRcvNxt(tcb: Tcb, count: number): void {
  tcb.rcvNxt = seqAdd(tcb.rcvNxt, count);
  tcb.rcvWnd = Math.max(0, tcb.rcvWnd - count);
}

/**
 * Takes `count` octets at RCV.NXT (§3.10.7.4 seventh). A reading application takes them at once; one that
 * stopped reading leaves them in the buffer (RCV.USER), which closes the window as it fills.
 */
export function takeOctets(m: Machine, count: number): void {
  const { tcb } = m;
  advanceRcvNxt(tcb, count);
  if (tcb.reading) tcb.appHeld += count;
  else tcb.rcvUser += count;
  updateReceiveWindow(m);
}

/**
 * The receiver's SWS avoidance (RFC 9293 §3.8.6.2.2): RCV.WND is set to RCV.BUFF - RCV.USER only once
 * that advances the right edge by at least min(Fr × RCV.BUFF, Eff.snd.MSS). Returns whether it moved.
 */
export function updateReceiveWindow(m: Machine): boolean {
  const { tcb } = m;
  const reduction = tcb.rcvBuff - tcb.rcvUser - tcb.rcvWnd;
  if (reduction <= 0 || !ge(m, '3.8.6.2.2: RCV.BUFF-RCV.USER-RCV.WND >= min(Fr*RCV.BUFF,Eff.snd.MSS)', reduction, Math.min(FR * tcb.rcvBuff, effSndMss(tcb, m.ip)))) return false;
  tcb.rcvWnd = tcb.rcvBuff - tcb.rcvUser;
  return true;
}

/** Holds the octets `start` to `end`, beyond RCV.NXT, until the data before them arrives (SHLD-31). */
export function holdRange(tcb: Tcb, start: Seq, end: Seq): void {
  // The range the latest arrival joined is the most recent, the first a SACK reports (RFC 2018 §4).
  const merged = { start, end, arrival: ++tcb.heldArrivals };
  const kept = tcb.held.filter((range) => {
    const overlaps = seqLe(range.start, merged.end) && seqLe(merged.start, range.end);
    if (overlaps) {
      if (seqLt(range.start, merged.start)) merged.start = range.start;
      if (seqGt(range.end, merged.end)) merged.end = range.end;
    }
    return !overlaps;
  });
  kept.push(merged);
  kept.sort((a, b) => seqSub(a.start, b.start));
  tcb.held = kept;
}

/** Takes every held range that now begins at or before RCV.NXT. Returns whether any was taken. */
export function takeHeld(m: Machine): boolean {
  const { tcb } = m;
  let taken = false;
  while (tcb.held.length > 0 && le(m, '3.10.7.4 seventh, held: start =< RCV.NXT', tcb.held[0]!.start, tcb.rcvNxt)) {
    const range = tcb.held.shift()!;
    if (seqGt(range.end, tcb.rcvNxt)) takeOctets(m, seqSub(range.end, tcb.rcvNxt));
    taken = true;
  }
  return taken;
}

/**
 * RECEIVE takes up to `max` octets (all when undefined): first those the reading application already
 * holds, then those in the buffer, which frees buffer space. Returns how many.
 */
export function consume(tcb: Tcb, max: number | undefined): number {
  const fromApp = Math.min(tcb.appHeld, max ?? Infinity);
  const fromBuffer = Math.min(tcb.rcvUser, (max ?? Infinity) - fromApp);
  tcb.appHeld -= fromApp;
  tcb.rcvUser -= fromBuffer;
  tcb.rcvRead = seqAdd(tcb.rcvRead, fromApp + fromBuffer);
  return fromApp + fromBuffer;
}
