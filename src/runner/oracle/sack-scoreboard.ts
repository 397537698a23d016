/**
 * RFC 6675 as an upper bound on what a SACK sender sends again: NextSeg() (§4) only ever picks octets
 * the peer has not SACKed ("the smallest unSACKed sequence number" of rules 1 and 3; rule 4's rescue
 * retransmission "MUST include the highest outstanding unSACKed sequence number"), so a segment sent
 * again whose every octet the peer reported held is data the receiver said it has.
 * A retransmission timeout clears the scoreboard: the receiver may have reneged, and RFC 2018 §8 has the
 * sender turn off its SACKed bits then; blocks that arrive after the timeout count again.
 * SND.UNA and what the target has sent are the congestion watch's, which owns the scoreboard.
 */
import type { SackBlock, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLe, seqLt, seqSub } from '../../wire/seq';
import type { CongestionViolation } from './congestion-rules';

export class SackScoreboard {
  /** What the peer SACKed beyond SND.UNA: disjoint ranges, in sequence order. */
  private sacked: SackBlock[] = [];

  /**
   * A peer ACK, once SND.UNA has moved to `sndUna`: blocks below it go, and on a SACK connection the
   * segment's blocks join (RFC 6675 §4 Update()), as far as the target has sent (`sentEnd`).
   */
  peerSent(segment: TcpSegment, sack: boolean, sndUna: number, sentEnd: number): void {
    // Most ACKs find nothing SACKed: a check of a long capture makes no arrays for them.
    if (this.sacked.length > 0) this.sacked = this.sacked.filter((block) => seqGt(block.right, sndUna)).map((block) => (seqLt(block.left, sndUna) ? { left: sndUna, right: block.right } : block));
    const option = sack ? segment.options.find((o) => o.kind === 'sack') : undefined;
    if (option?.kind !== 'sack') return;
    for (const { left, right } of option.blocks) {
      // Only what the target sent beyond SND.UNA: a D-SACK block below it reports a duplicate (RFC 2883),
      // and a block beyond what was sent reports nothing the target could send again.
      const from = seqLt(left, sndUna) ? sndUna : left;
      const to = seqGt(right, sentEnd) ? sentEnd : right;
      if (seqLt(from, to)) this.add(from, to, sndUna);
    }
  }

  /** A new connection, or a retransmission timeout: no earlier SACK information decides what is sent again (RFC 2018 §8). */
  clear(): void {
    this.sacked = [];
  }

  /**
   * The rule a target segment breaks by sending again only octets the peer SACKed, if it does;
   * `sentEnd` is one past what the target had sent before it.
   */
  targetSent(segment: TcpSegment, sentEnd: number, relative: (seq: number) => number): CongestionViolation | undefined {
    if (this.sacked.length === 0 || segment.flags & (TcpFlag.SYN | TcpFlag.RST)) return undefined;
    const end = seqAdd(segment.seq, segment.payload.length + (segment.flags & TcpFlag.FIN ? 1 : 0));
    if (end === segment.seq || seqGt(end, sentEnd)) return undefined;
    const holding = this.sacked.find((block) => seqLe(block.left, segment.seq) && seqLe(end, block.right));
    if (!holding) return undefined;
    return {
      rule: 'RFC 6675 §4',
      expected: 'no SACKed data sent again before a retransmission timeout',
      message: `octets ${relative(segment.seq)}:${relative(end)} sent again, all of them inside the peer's SACK block ${relative(holding.left)}:${relative(holding.right)}, with no retransmission timeout since (RFC 6675 §4: NextSeg() retransmits only unSACKed octets)`,
    };
  }

  /** Adds [left, right) to the scoreboard, merging what it touches; offsets from `sndUna` order it. */
  private add(left: number, right: number, sndUna: number): void {
    const offset = (seq: number) => seqSub(seq, sndUna);
    const kept: SackBlock[] = [];
    let merged = { left, right };
    for (const block of this.sacked) {
      if (offset(block.right) < offset(merged.left) || offset(block.left) > offset(merged.right)) kept.push(block);
      else merged = { left: offset(block.left) < offset(merged.left) ? block.left : merged.left, right: offset(block.right) > offset(merged.right) ? block.right : merged.right };
    }
    kept.push(merged);
    this.sacked = kept.sort((a, b) => offset(a.left) - offset(b.left));
  }
}
