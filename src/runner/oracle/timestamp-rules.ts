/**
 * RFC 7323's rules on the timestamps a target sends, once both SYNs carried TSopt (read off the wire,
 * as the ECN rules are): TSopt on every segment but a RST (§3.2), TSvals that never go backwards (§5.4,
 * the values themselves are the target's clock), and TSecr echoing TS.Recent (§4.3): a TSval the peer
 * sent on a segment that could make it TS.Recent — in order, not older than TS.Recent — and never one
 * older than what the target echoed before. A delayed ACK may echo an earlier TSval than the machine
 * would (§4.3 (3)); an out-of-order segment's, or one PAWS rejected, it may not.
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGe, seqGt, seqLe, seqLt } from '../../wire/seq';
import { tsoptOf } from '../../reference/timestamps';

export interface TimestampViolation {
  readonly rule: string;
  readonly message: string;
}

/** Sequence space a segment takes. */
const lengthOf = (segment: TcpSegment): number => segment.payload.length + (segment.flags & TcpFlag.SYN ? 1 : 0) + (segment.flags & TcpFlag.FIN ? 1 : 0);

export class TimestampWatch {
  private peerOffered = false;
  private targetOffered = false;
  /** TSvals the peer sent that could have become the target's TS.Recent. */
  private readonly echoable = new Set<number>();
  /** The newest of them: a later TSval older than it is one PAWS rejects. */
  private recent: number | undefined;
  private lastTsval: number | undefined;
  private lastTsecr: number | undefined;

  /** Whether both SYNs carried TSopt (RFC 7323 §3.2). */
  get negotiated(): boolean {
    return this.peerOffered && this.targetOffered;
  }

  /**
   * The peer sent `segments`, in order; `rcvNxt` is where the target's receive sequence stood before
   * them (the machine's RCV.NXT), undefined before a connection.
   */
  peerSent(segments: readonly TcpSegment[], rcvNxt: number | undefined): void {
    let next = rcvNxt;
    for (const segment of segments) {
      const tsopt = tsoptOf(segment);
      // A SYN may open a new connection or be refused by the old one (TIME-WAIT): what the old one
      // could echo stays echoable, and the SYN's TSval, which a SYN-ACK echoes, joins it.
      if (segment.flags & TcpFlag.SYN) {
        this.peerOffered = tsopt !== undefined;
        next = seqAdd(segment.seq, 1);
      }
      if (tsopt === undefined || segment.flags & TcpFlag.RST) continue;
      const inOrder = segment.flags & TcpFlag.SYN || (next !== undefined && seqLe(segment.seq, next));
      const fresh = this.recent === undefined || seqGe(tsopt.tsval, this.recent);
      if (inOrder && fresh) {
        this.echoable.add(tsopt.tsval);
        this.recent = tsopt.tsval;
      }
      if (inOrder && next !== undefined && seqGt(seqAdd(segment.seq, lengthOf(segment)), next)) next = seqAdd(segment.seq, lengthOf(segment));
    }
  }

  /** The first timestamp rule the target's `segment` breaks, if any. */
  targetSent(segment: TcpSegment): TimestampViolation | undefined {
    const tsopt = tsoptOf(segment);
    if (segment.flags & TcpFlag.SYN) {
      this.targetOffered = tsopt !== undefined;
      this.lastTsval = this.lastTsecr = undefined;
    }
    if (!this.negotiated || segment.flags & TcpFlag.RST) return undefined;
    if (tsopt === undefined) {
      return { rule: 'RFC 7323 §3.2', message: 'a segment without TSopt, although both SYNs carried one (RFC 7323 §3.2: once negotiated, TSopt MUST be sent in every non-<RST> segment)' };
    }
    if (this.lastTsval !== undefined && seqLt(tsopt.tsval, this.lastTsval)) {
      return { rule: 'RFC 7323 §5.4', message: `TSval ${tsopt.tsval}, older than the ${this.lastTsval} it sent before (RFC 7323 §5.4: the timestamp clock is monotone)` };
    }
    this.lastTsval = tsopt.tsval;
    if (!(segment.flags & TcpFlag.ACK)) return undefined;
    if (!this.echoable.has(tsopt.tsecr)) {
      return { rule: 'RFC 7323 §4.3', message: `TSecr ${tsopt.tsecr}, which echoes no TSval the peer sent on an in-order segment (RFC 7323 §4.3: TSecr is TS.Recent, from a segment at or before Last.ACK.sent, never out of order or older than TS.Recent)` };
    }
    if (this.lastTsecr !== undefined && seqLt(tsopt.tsecr, this.lastTsecr)) {
      return { rule: 'RFC 7323 §4.3', message: `TSecr ${tsopt.tsecr}, older than the ${this.lastTsecr} it echoed before (RFC 7323 §4.3: TS.Recent only moves forward)` };
    }
    this.lastTsecr = tsopt.tsecr;
    return undefined;
  }
}
