/**
 * RFC 6675 as an upper bound on what a SACK sender sends again: NextSeg() (§4) only ever picks octets
 * the peer has not SACKed ("the smallest unSACKed sequence number" of rules 1 and 3; rule 4's rescue
 * retransmission "MUST include the highest outstanding unSACKed sequence number"), so a segment sent
 * again whose every octet the peer reported held is data the receiver said it has.
 * A retransmission timeout clears the scoreboard: the receiver may have reneged, and RFC 2018 §8 has the
 * sender turn off its SACKed bits then; blocks that arrive after the timeout count again.
 */
import type { SackBlock, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLe, seqLt, seqSub } from '../../wire/seq';

export interface ScoreboardViolation {
  readonly rule: string;
  readonly expected: string;
  readonly message: string;
}

export class SackScoreboard {
  /** The peer's highest acknowledgment of the target's data. */
  private sndUna: number | undefined;
  /** One past the highest sequence number the target sent. */
  private sentEnd: number | undefined;
  /** What the peer SACKed beyond SND.UNA: disjoint ranges, in sequence order. */
  private sacked: SackBlock[] = [];

  /** The target's SYN: a connection begins, nothing SACKed. */
  targetSyn(segment: TcpSegment): void {
    this.sndUna = this.sentEnd = seqAdd(segment.seq, 1);
    this.sacked = [];
  }

  /** A peer segment: its acknowledgment moves SND.UNA, and on a SACK connection its blocks join the scoreboard (RFC 6675 §4 Update()). */
  peerSent(segment: TcpSegment, sack: boolean): void {
    if (this.sndUna === undefined || this.sentEnd === undefined || !(segment.flags & TcpFlag.ACK) || segment.flags & (TcpFlag.SYN | TcpFlag.RST)) return;
    if (seqGt(segment.ack, this.sndUna) && seqLe(segment.ack, this.sentEnd)) {
      this.sndUna = segment.ack;
      // Most ACKs find nothing SACKed: a check of a long capture makes no arrays for them.
      if (this.sacked.length > 0) this.sacked = this.sacked.filter((block) => seqGt(block.right, segment.ack)).map((block) => (seqLt(block.left, segment.ack) ? { left: segment.ack, right: block.right } : block));
    }
    const option = sack ? segment.options.find((o) => o.kind === 'sack') : undefined;
    if (option?.kind !== 'sack') return;
    for (const { left, right } of option.blocks) {
      // Only what the target sent beyond SND.UNA: a D-SACK block below it reports a duplicate (RFC 2883),
      // and a block beyond what was sent reports nothing the target could send again.
      const from = seqLt(left, this.sndUna) ? this.sndUna : left;
      const to = seqGt(right, this.sentEnd) ? this.sentEnd : right;
      if (seqLt(from, to)) this.add(from, to);
    }
  }

  /** A retransmission timeout: no earlier SACK information decides what is sent again (RFC 2018 §8). */
  timedOut(): void {
    this.sacked = [];
  }

  /** The rule a target segment breaks by sending again only octets the peer SACKed, if it does. */
  targetSent(segment: TcpSegment, relative: (seq: number) => number): ScoreboardViolation | undefined {
    if (this.sentEnd === undefined || segment.flags & (TcpFlag.SYN | TcpFlag.RST)) return undefined;
    const length = segment.payload.length + (segment.flags & TcpFlag.FIN ? 1 : 0);
    if (length === 0) return undefined;
    const end = seqAdd(segment.seq, length);
    if (seqGt(end, this.sentEnd)) {
      this.sentEnd = end;
      return undefined;
    }
    const holding = this.sacked.find((block) => seqLe(block.left, segment.seq) && seqLe(end, block.right));
    if (!holding) return undefined;
    return {
      rule: 'RFC 6675 §4',
      expected: 'no SACKed data sent again before a retransmission timeout',
      message: `octets ${relative(segment.seq)}:${relative(end)} sent again, all of them inside the peer's SACK block ${relative(holding.left)}:${relative(holding.right)}, with no retransmission timeout since (RFC 6675 §4: NextSeg() retransmits only unSACKed octets)`,
    };
  }

  /** Adds [left, right) to the scoreboard, merging what it touches. */
  private add(left: number, right: number): void {
    const base = this.sndUna ?? left;
    const offset = (seq: number) => seqSub(seq, base);
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
