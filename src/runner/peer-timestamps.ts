/**
 * The peer's side of RFC 7323's timestamps, as the harness plays it: once both SYNs carried TSopt, every
 * segment the peer sends but a RST carries one (§3.2; gVisor drops segments without), unless the case
 * writes its own. Its TSval is the peer's clock, 1000 plus the milliseconds since the case began (a tick
 * of 1 ms, §5.4), never below a TSval the case wrote; its TSecr echoes the target's latest TSval (§4.3),
 * which a case writes as `echo` since it cannot know the target's clock.
 */
import { TcpFlag, type TcpOption, type TcpSegment } from '../wire';

/** Where the peer's timestamp clock starts. */
const PEER_CLOCK_START = 1000;

export class PeerTimestamps {
  private peerOffered = false;
  private targetOffered = false;
  private targetTsval = 0;
  private highestTsval = 0;

  /** A segment the target sent: its SYN says whether it offered TSopt, and its TSval is what the peer echoes. */
  targetSent(segment: TcpSegment): void {
    const tsopt = segment.options.find((o) => o.kind === 'timestamps');
    if (segment.flags & TcpFlag.SYN) this.targetOffered = tsopt !== undefined;
    if (tsopt?.kind === 'timestamps') this.targetTsval = tsopt.tsval;
  }

  /** TSecr `echo`: the target's latest TSval. */
  get echo(): number {
    return this.targetTsval;
  }

  /**
   * The options the peer's segment goes with: `options` as the case wrote them, and TSopt when timestamps
   * are in use and the case wrote none. Takes note of what the segment offers or carries.
   */
  complete(flags: number, options: TcpOption[], elapsedMs: number): TcpOption[] {
    const tsopt = options.find((o) => o.kind === 'timestamps');
    const negotiated = this.peerOffered && this.targetOffered;
    if (flags & TcpFlag.SYN) this.peerOffered = tsopt !== undefined;
    if (tsopt?.kind === 'timestamps') {
      this.highestTsval = Math.max(this.highestTsval, tsopt.tsval);
      return options;
    }
    if (!negotiated || flags & (TcpFlag.SYN | TcpFlag.RST)) return options;
    const tsval = Math.max(this.highestTsval, PEER_CLOCK_START + Math.floor(elapsedMs)) >>> 0;
    this.highestTsval = tsval;
    return [...options, { kind: 'timestamps', tsval, tsecr: this.targetTsval }];
  }
}
