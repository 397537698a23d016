/**
 * What the target offers the peer: the segment size its SYN announced, the window scale both SYNs
 * agreed on, and the windows it advertises. Window and buffer sizes are the target's own (RFC 9293
 * §3.8.6 leaves them to the implementation), so the rules on its windows are held against its own
 * earlier offers: the right edge never retreats (SHLD-14), and when it advances it does not open a
 * silly window (MUST-39). The oracle follows the window in the reference machine; the runner fills it.
 */
import { IP_FACTS, type IpFacts } from '../../reference/ip';
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLt } from '../../wire/seq';

/** RFC 7323 §2.3: a shift above 14 is taken as 14. */
const MAX_SHIFT = 14;
/** Fr, the fraction of the buffer by which a receiver may open its window (RFC 9293 §3.8.6.2.2). */
const FR = 1 / 2;

export interface WindowViolation {
  readonly rule: 'SHLD-14' | 'MUST-39';
  /** The least right edge (SHLD-14) or window (MUST-39) that would have been fine. */
  readonly least: number;
  /** What the target offered: its right edge (SHLD-14) or window (MUST-39). */
  readonly offered: number;
}

const shiftOf = (syn: TcpSegment): number | undefined => {
  const option = syn.options.find((o) => o.kind === 'wscale');
  return option?.kind === 'wscale' ? Math.min(option.shift, MAX_SHIFT) : undefined;
};

export class TargetOffer {
  private peerSynShift: number | undefined;
  private targetSynShift: number | undefined;
  /** The largest window the target has offered: a lower bound on its buffer (RCV.BUFF). */
  private largestWindow = 0;
  private announcedMss: number;
  /** The furthest right edge (SEG.ACK + window) the target has advertised on a segment without SYN. */
  private furthestEdge: number | undefined;
  private lastEdge: number | undefined;

  /** `ip`: the IP version under the connection, whose default MSS a SYN without the option announces. */
  constructor(private readonly ip: IpFacts = IP_FACTS.ipv4) {
    this.announcedMss = ip.defaultSendMss;
  }

  /** The MSS the target's SYN announced (RFC 9293 §3.7.1): the largest segment the peer may send it. */
  get mss(): number {
    return this.announcedMss;
  }

  /** The right edge of the window the target advertised last; undefined before its first ACK. */
  get latestEdge(): number | undefined {
    return this.lastEdge;
  }

  /** The largest window the target's window field can offer: 65535, scaled when both SYNs agreed (RFC 7323 §2.2). */
  get maxWindow(): number {
    return 0xffff * 2 ** this.shift();
  }

  /** The peer's window scale, when both SYNs carried the option (RFC 7323 §2.2); else 0. */
  get peerShift(): number {
    return this.peerSynShift !== undefined && this.targetSynShift !== undefined ? this.peerSynShift : 0;
  }

  /** The target's window scale, when both SYNs carried the option (RFC 7323 §2.2); else 0. */
  private shift(): number {
    return this.peerSynShift !== undefined && this.targetSynShift !== undefined ? this.targetSynShift : 0;
  }

  /** The peer's SYN (or SYN-ACK): whether it offered window scaling. */
  peerSyn(syn: TcpSegment): void {
    this.peerSynShift = shiftOf(syn);
  }

  /** The target's SYN (or SYN-ACK): a connection begins, with its MSS and window scale. */
  targetSyn(syn: TcpSegment): void {
    // What another connection offered says nothing about this one.
    this.furthestEdge = undefined;
    this.largestWindow = 0;
    this.targetSynShift = shiftOf(syn);
    const mss = syn.options.find((o) => o.kind === 'mss');
    this.announcedMss = mss?.kind === 'mss' ? mss.mss : this.ip.defaultSendMss;
  }

  /**
   * Takes the window of a segment the target sent with ACK: its right edge, and the first rule it
   * breaks, if any. A SYN's own window is never scaled (RFC 7323 §2.2), and not held against later
   * ones, which may be scaled down to a multiple of the scale.
   */
  offered(segment: TcpSegment): { readonly edge: number; readonly violation?: WindowViolation } {
    const syn = (segment.flags & TcpFlag.SYN) !== 0;
    const window = syn ? segment.window : segment.window * 2 ** this.shift();
    const edge = seqAdd(segment.ack, window);
    this.lastEdge = edge;
    if (syn) return { edge };
    const before = this.furthestEdge;
    if (before !== undefined && seqLt(edge, before)) return { edge, violation: { rule: 'SHLD-14', least: before, offered: edge } };
    // The receiver's SWS avoidance (§3.8.6.2.2): a right edge that advances opens a window of at least
    // min(Fr × RCV.BUFF, one segment), or none at all; the largest window offered stands for RCV.BUFF.
    const least = Math.min(this.mss, Math.floor(FR * this.largestWindow));
    if (before !== undefined && seqGt(edge, before) && window > 0 && window < least) return { edge, violation: { rule: 'MUST-39', least, offered: window } };
    this.furthestEdge = edge;
    this.largestWindow = Math.max(this.largestWindow, window);
    return { edge };
  }
}
