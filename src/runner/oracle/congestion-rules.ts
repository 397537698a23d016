/**
 * RFC 5681's congestion control (RFC 9293 §3.8.2, MUST-19) as upper bounds on what a target may have in
 * flight, whatever algorithm it runs (MAY-18: CUBIC, BBR and the like only ever send less than slow
 * start would):
 * - before its first ACK of new data, at most the initial window the profile declares (RFC 5681 §3.1:
 *   up to 4 segments; RFC 6928 §2: 10);
 * - after that, at most one more full-sized segment per segment each ACK acknowledges (slow start's
 *   doubling per round trip, RFC 5681 §3.1, with RFC 3465's byte counting at its most generous), and one
 *   more per duplicate ACK (fast recovery's inflation, RFC 5681 §3.2 step 4; RFC 3042; RFC 6675's pipe);
 * - after a retransmission timeout (the segment at SND.UNA sent again with no ACK since the target last
 *   sent, to prompt it),
 *   the loss window, one segment, until the next ACK (RFC 5681 §3.1, equation 4 and after);
 * - after fast recovery: once duplicate ACKs have made the target send the segment at SND.UNA again
 *   (RFC 5681 §3.2 steps 2 and 3), the ACK that reaches RFC 6582's recover (one past what it had sent
 *   then) ends recovery with cwnd = ssthresh (step 6). ssthresh is at most β of the bound at that
 *   retransmission (RFC 5681's FlightSize / 2; CUBIC's 0.7 of cwnd, RFC 9438 §4.6: the profile's
 *   multiplicativeDecrease, where 1 declares no cut, as BBR makes none) and at least two segments.
 *   Congestion avoidance may grow cwnd on that same ACK, which can acknowledge a round trip's data at
 *   once: by at most half of what it acknowledges (CUBIC's ceiling of 1.5 cwnd a round trip, RFC 9438
 *   §4.2; Reno's one segment a round trip is less), and by one segment at least. A partial ACK before
 *   it only grows the bound; a timeout ends recovery without the cut (the loss window above holds
 *   instead).
 * The bound is on sequence space beyond the peer's latest acknowledgment; retransmissions never raise it.
 * Where the profile has RFC 8985's tail loss probe, one segment beyond it between ACKs is the probe.
 * On a SACK connection the watch also keeps the peer's scoreboard, which a timeout clears
 * (sack-scoreboard.ts: nothing SACKed is sent again before one, RFC 6675 §4).
 */
import type { Profile } from '../../reference';
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLe, seqSub } from '../../wire/seq';
import { SackScoreboard } from './sack-scoreboard';

export interface CongestionViolation {
  readonly rule: string;
  readonly expected: string;
  readonly message: string;
}

const WITHIN_CWND = 'no more in flight than the congestion window allows';

export class CongestionWatch {
  /** The highest acknowledgment the peer sent of the target's data: the target's SND.UNA. */
  private sndUna: number | undefined;
  /** One past the highest sequence number the target sent. */
  private sentEnd: number | undefined;
  /** Where each of the target's data segments ended, oldest first, until acknowledged. */
  private segmentEnds: number[] = [];
  /** The most the target may have in flight, in octets; undefined before its SYN. */
  private window: number | undefined;
  private firstAckSeen = false;
  private dupAcks = 0;
  /** After a retransmission timeout, until the next ACK: the loss window holds. */
  private lossWindow = false;
  /** Whether an ACK of new data came after the target's last segment: what it sends next answers that ACK, no timer. */
  private ackedSinceLastSent = false;

  /** Whether the tail loss probe's one segment beyond the window is still to come (RFC 8985 §7.3), since the last ACK. */
  private probeLeft = true;
  /** Fast recovery under way: RFC 6582's recover, which an ACK must reach to end it, and the most ssthresh can be. */
  private recovery: { readonly recover: number; readonly ssthresh: number } | undefined;
  /** Whether the bound in force is the one the end of fast recovery set, as a violation then says. */
  private afterRecovery = false;
  /** Whether the peer acknowledged anything, duplicate or new, since the target last sent. */
  private peerSinceLastSent = false;
  /** When the peer last acknowledged anything. */
  private lastPeerAtMs = -Infinity;

  private readonly scoreboard = new SackScoreboard();

  /**
   * The profile's choices: `initialWindow` full-sized segments (IW); `tailLossProbe` grants RFC 8985's
   * probe; `multiplicativeDecrease`, β, the share of the window ssthresh keeps after a loss; `minRtoMs`,
   * the soonest a retransmission timer restarted by an ACK can expire.
   */
  constructor(private readonly profile: Pick<Profile, 'initialWindow' | 'tailLossProbe' | 'multiplicativeDecrease' | 'minRtoMs'>) {}

  /** The target's SYN: a connection begins, nothing of it in flight. */
  targetSyn(segment: TcpSegment): void {
    this.sndUna = this.sentEnd = seqAdd(segment.seq, 1);
    this.segmentEnds = [];
    this.window = undefined;
    this.firstAckSeen = false;
    this.dupAcks = 0;
    this.lossWindow = false;
    this.recovery = undefined;
    this.afterRecovery = false;
    this.scoreboard.clear();
  }

  /**
   * The peer acknowledged up to `segment.ack` at `atMs`: the window grows with what it acknowledges, or
   * inflates with a duplicate; `sack` says whether the connection uses SACK, whose blocks the scoreboard
   * keeps.
   */
  peerSent(segment: TcpSegment, smss: number, sack: boolean, atMs: number): void {
    if (this.sndUna === undefined || this.sentEnd === undefined || !(segment.flags & TcpFlag.ACK) || segment.flags & (TcpFlag.SYN | TcpFlag.RST)) return;
    this.peerSinceLastSent = true;
    this.lastPeerAtMs = atMs;
    if (seqGt(segment.ack, this.sndUna) && seqLe(segment.ack, this.sentEnd)) {
      const acked = this.segmentEnds.filter((end) => seqLe(end, segment.ack)).length;
      this.segmentEnds = this.segmentEnds.filter((end) => seqGt(end, segment.ack));
      const octets = seqSub(segment.ack, this.sndUna);
      this.sndUna = segment.ack;
      const ended = this.recovery !== undefined && seqLe(this.recovery.recover, segment.ack) ? this.recovery : undefined;
      this.afterRecovery = ended !== undefined;
      this.window = ended ? ended.ssthresh + Math.max(smss, Math.ceil(octets / 2)) : this.current(smss) + Math.max(1, acked) * smss;
      if (ended) this.recovery = undefined;
      this.firstAckSeen = true;
      this.dupAcks = 0;
      this.lossWindow = false;
      this.ackedSinceLastSent = true;
      this.probeLeft = true;
    } else if (segment.ack === this.sndUna && segment.payload.length === 0 && seqGt(this.sentEnd, this.sndUna)) {
      this.window = this.current(smss) + smss;
      this.dupAcks += 1;
    }
    this.scoreboard.peerSent(segment, sack, this.sndUna, this.sentEnd);
  }

  /** The window in force: IW until the first ACK of new data. */
  private current(smss: number): number {
    return this.window ?? this.profile.initialWindow * smss;
  }

  /**
   * The first congestion or loss recovery bound the target's `segment`, sent at `atMs`, breaks, if any;
   * `sack` says whether the connection uses SACK, `relative` numbers the target's sequence space for
   * messages.
   */
  targetSent(segment: TcpSegment, smss: number, sack: boolean, relative: (seq: number) => number, atMs: number): CongestionViolation | undefined {
    if (this.sndUna === undefined || this.sentEnd === undefined || segment.flags & (TcpFlag.SYN | TcpFlag.RST)) return undefined;
    const length = segment.payload.length + (segment.flags & TcpFlag.FIN ? 1 : 0);
    if (length === 0) return undefined;
    const end = seqAdd(segment.seq, length);
    // The segment at SND.UNA again with no ACK to prompt it, duplicate or new: a retransmission timeout.
    // Within the shortest RTO of an ACK it answers that ACK, whatever went between (RFC 5682's F-RTO sends
    // new data first): the ACK restarted the timer (RFC 6298 §5.3), which cannot have expired yet.
    const prompted = this.ackedSinceLastSent || this.dupAcks > 0 || atMs - this.lastPeerAtMs < this.profile.minRtoMs;
    const peerSinceLastSent = this.peerSinceLastSent;
    this.ackedSinceLastSent = this.peerSinceLastSent = false;
    const sndUnaAgain = segment.seq === this.sndUna && !seqGt(end, this.sentEnd);
    if (sndUnaAgain && !prompted) {
      this.lossWindow = true;
      this.recovery = undefined;
      this.afterRecovery = false;
      this.scoreboard.clear();
    } else if (sndUnaAgain && this.dupAcks > 0 && this.recovery === undefined && this.profile.multiplicativeDecrease < 1) {
      // Duplicate ACKs made the target take the segment as lost: fast retransmit (RFC 5681 §3.2 steps 2 and 3).
      this.recovery = { recover: this.sentEnd, ssthresh: Math.max(Math.floor(this.profile.multiplicativeDecrease * this.current(smss)), 2 * smss) };
    } else if (sndUnaAgain && !peerSinceLastSent) {
      // Sent again in recovery with nothing from the peer since: a timer's doing (a timeout while duplicates
      // still count, or a probe), after which a stack may restart or undo its window (RFC 5682's F-RTO):
      // the cut is no longer what holds it, and if it was a timeout, neither are the SACK blocks.
      this.recovery = undefined;
      this.scoreboard.clear();
    }
    const resent = this.scoreboard.targetSent(segment, this.sentEnd, relative);
    if (resent) return resent;
    const inFlight = seqSub(end, this.sndUna);
    if (this.lossWindow && inFlight > smss) {
      return { rule: 'RFC 5681 §3.1', expected: WITHIN_CWND, message: `${inFlight} octets beyond SND.UNA after a retransmission timeout, more than the loss window of one segment (${smss}) allows before the next ACK (RFC 5681 §3.1: cwnd = LW = 1 SMSS)` };
    }
    if (!seqGt(end, this.sentEnd)) return undefined;
    this.sentEnd = end;
    this.segmentEnds.push(end);
    const window = this.current(smss);
    if (inFlight <= window) return undefined;
    // RFC 8985 §7.3: a tail loss probe sends a new segment "if the receive window allows", cwnd or not.
    if (this.profile.tailLossProbe && sack && this.probeLeft && inFlight <= window + smss) {
      this.probeLeft = false;
      return undefined;
    }
    if (this.afterRecovery) {
      return { rule: 'RFC 5681 §3.2', expected: WITHIN_CWND, message: `${inFlight} octets in flight after the ACK that ended fast recovery, more than cwnd = ssthresh allows (${window}: at most ${this.profile.multiplicativeDecrease} of the window at the loss, the profile's multiplicativeDecrease, and half of what that ACK acknowledged; RFC 5681 §3.2 steps 2 and 6, RFC 9438 §4.2)` };
    }
    if (!this.firstAckSeen) {
      const rfc = this.profile.initialWindow > 4 ? 'RFC 6928 §2' : 'RFC 5681 §3.1';
      return { rule: rfc, expected: WITHIN_CWND, message: `${inFlight} octets in flight before any ACK of new data, more than an initial window of ${this.profile.initialWindow} segments of ${smss} (${window}) allows (${rfc}; the profile's initialWindow)` };
    }
    return { rule: 'RFC 5681 §3.1', expected: WITHIN_CWND, message: `${inFlight} octets in flight, more than slow start allows (${window}: the initial window, one segment more per segment acknowledged, one per duplicate ACK; RFC 5681 §3.1)` };
  }
}
