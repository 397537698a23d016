/**
 * The case's view of one connection's numbers: each side's ISN, the ports, and how far each side's
 * sequence space has got. It turns the relative numbers a case writes into wire numbers and back,
 * and fills in what a `send` step leaves out (packetdrill's `tcp_convert_seq_number`, in spirit).
 */
// Straight from the modules, not the wire index, whose re-exports cost a getter call per use: a check numbers every segment.
import type { TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqAdd, seqGt, seqSub } from '../wire/seq';

const u32 = (n: number): number => n >>> 0;

/** Octets of sequence space a segment takes: its data, plus one each for SYN and FIN (RFC 9293 §3.4). */
export function sequenceLength(flags: number, payloadLength: number): number {
  return payloadLength + (flags & TcpFlag.SYN ? 1 : 0) + (flags & TcpFlag.FIN ? 1 : 0);
}

export class Numbering {
  /** The target's ISN, learned from the first SYN it sends. */
  private targetIsn: number | undefined;
  /** The peer's next new sequence number, relative to its ISN. */
  private peerNext = 0;
  /** One past the highest sequence number the target has sent, relative to its ISN. */
  private targetNext = 0;

  constructor(
    readonly peerIsn: number,
    public peerPort: number,
    public targetPort: number,
  ) {}

  get knowsTargetIsn(): boolean {
    return this.targetIsn !== undefined;
  }

  /** Wire sequence number of a segment the peer sends; relative `seq`, or the next new one. */
  peerSeq(relative: number | undefined): number {
    return u32(this.peerIsn + (relative ?? this.peerNext));
  }

  /** Wire acknowledgment number for the peer to send: relative `ack`, or all the target has sent. */
  peerAck(relative: number | undefined): number {
    return u32((this.targetIsn ?? 0) + (relative ?? this.targetNext));
  }

  /**
   * Records a segment the peer sent, so the next one continues from it. Only a segment that takes
   * sequence space moves the peer on: a RST or an ACK written at some far sequence number (to test the
   * window) says nothing about where the peer's data stands.
   */
  notePeerSent(segment: TcpSegment): void {
    const length = sequenceLength(segment.flags, segment.payload.length);
    if (length === 0) return;
    const end = seqAdd(seqSub(segment.seq, this.peerIsn), length);
    if (seqGt(end, this.peerNext)) this.peerNext = end;
  }

  /**
   * Records a segment from the target. Its first SYN fixes the target's ISN and, for an active
   * open, the ports (the target picked its own).
   */
  noteTargetSent(segment: TcpSegment): void {
    if (segment.flags & TcpFlag.SYN && this.targetIsn === undefined) {
      this.targetIsn = segment.seq;
      this.targetPort = segment.srcPort;
      this.peerPort = segment.dstPort;
    }
    const end = seqAdd(this.targetRelative(segment.seq), sequenceLength(segment.flags, segment.payload.length));
    if (this.targetIsn !== undefined && seqGt(end, this.targetNext)) this.targetNext = end;
  }

  /** Wire sequence number of the target's relative `seq`: what a case writes, as the target sends it. */
  targetSeq(relative: number): number {
    return u32((this.targetIsn ?? 0) + relative);
  }

  /** A target sequence number as the case writes it: relative once the ISN is known. */
  targetRelative(seq: number): number {
    return this.targetIsn === undefined ? seq : u32(seq - this.targetIsn);
  }

  /** A peer sequence number (as the target acknowledges it), relative to the peer's ISN. */
  peerRelative(seq: number): number {
    return u32(seq - this.peerIsn);
  }
}
