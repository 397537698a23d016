/**
 * What the reference machine's answer to a stimulus obliges the target to send, and by when. The
 * comparison abstracts from what a conforming TCP may choose (design notes, "The reference machine is
 * the oracle"): an ACK may come late (up to the profile's ACK delay) and cover several segments; data
 * may be cut into other segments, so what counts is how far the target's sending has got.
 */
import { seqGe } from '../../wire/seq';

/** How a segment is named to a person: the oracle turns sequence numbers relative before it speaks. */
export type Describe = (obligation: Obligation) => string;

export type Obligation =
  /**
   * A segment whose ACK field acknowledges at least `ack` (RFC 9293 §3.10.7.4, seventh; MUST-40). When
   * the machine's ACK `repeats` one it sent before (a duplicate ACK, a challenge ACK, a window update),
   * it answers this stimulus alone: only an ACK of exactly `ack` is it, and a later cumulative ACK, which
   * answers something else, does not stand in for it.
   */
  | { readonly kind: 'ack'; readonly ack: number; readonly repeats: boolean; readonly since: number; readonly deadline: number }
  /** A RST in the form RFC 9293 §3.5.2 gives: `seq` when it has no ACK bit, `ack` when it has one. */
  | { readonly kind: 'rst'; readonly seq: number; readonly ack: number | undefined; readonly since: number; readonly deadline: number }
  /** The target's SYN or SYN-ACK (`ack` set) (RFC 9293 §3.10.1, §3.10.7.2). */
  | { readonly kind: 'syn'; readonly ack: number | undefined; readonly since: number; readonly deadline: number }
  /** Sending up to `end` (data, and the FIN when `fin`) (RFC 9293 §3.10.2, §3.10.4). */
  | { readonly kind: 'send'; readonly end: number; readonly fin: boolean; readonly since: number; readonly deadline: number };

/** What the target has sent since the obligations began, as far as meeting them goes. */
export interface Progress {
  /** One past the highest sequence number the target has sent (data, SYN and FIN count). */
  readonly sentEnd: number | undefined;
  readonly finSent: boolean;
}

/**
 * Whether `obligation` has fallen due unmet by `atMs`. Data and a FIN may wait as long as the target has
 * sequence space in flight: its congestion window (RFC 5681), which the reference machine does not
 * model, may hold them until an ACK comes, and an ACK of everything in flight starts their deadline
 * again (the oracle's business); with nothing in flight, a segment may always go (RFC 5681 §3.1).
 */
export function overdue(obligation: Obligation, atMs: number, targetInFlight: boolean): boolean {
  return obligation.deadline < atMs && !(obligation.kind === 'send' && targetInFlight);
}

/** Whether `segment` (seen at `atMs`) meets `obligation`. */
export function meets(
  obligation: Obligation,
  segment: { readonly flags: { rst: boolean; syn: boolean; ack: boolean }; readonly seq: number; readonly ack: number },
  progress: Progress,
  atMs: number,
): boolean {
  if (atMs < obligation.since) return false;
  switch (obligation.kind) {
    case 'ack':
      return !segment.flags.rst && segment.flags.ack && (obligation.repeats ? segment.ack === obligation.ack : seqGe(segment.ack, obligation.ack));
    case 'rst':
      if (!segment.flags.rst) return false;
      // §3.5.2: with an ACK bit the RST's ACK field is what identifies it; without, its sequence number.
      return obligation.ack !== undefined ? segment.flags.ack && segment.ack === obligation.ack : segment.seq === obligation.seq;
    case 'syn':
      return segment.flags.syn && (obligation.ack === undefined || (segment.flags.ack && segment.ack === obligation.ack));
    case 'send':
      return progress.sentEnd !== undefined && seqGe(progress.sentEnd, obligation.end) && (!obligation.fin || progress.finSent);
  }
}
