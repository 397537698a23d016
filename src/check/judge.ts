/**
 * One endpoint of a captured conversation, held against the reference machine as the live oracle holds
 * a target (runner/oracle): the other side's segments are fed to the machine as the peer's, and each of
 * the endpoint's own segments is judged the moment it appears, deadlines included.
 *
 * What a passive observer cannot see is inferred leniently, each inference the least call that explains
 * what the endpoint did:
 * - a listen, from a SYN the endpoint answers with a SYN-ACK; a connect, from its own SYN (not from one
 *   repeating its last SYN's sequence number: that is a retransmission);
 * - a write, from data beyond what the application has written so far; a close of the sending side
 *   (the RFC's CLOSE), from a FIN; an abort, from a RST that nothing else calls for (§3.10.5);
 * - a read, from a window update: an ACK that acknowledges nothing new but opens the window.
 * A segment the capture evidently lost or holds out of order is no verdict: the conversation is judged
 * up to it, and the rest is shown but not judged (`inconclusive`). ICMP errors about the endpoint's
 * segments reach the machine where the capture has them.
 */
import type { Profile } from '../reference';
import { arrivalOf } from '../reference/ip';
import { Oracle, type Violation } from '../runner/oracle/oracle';
import { Numbering, sequenceLength } from '../runner/numbering';
import type { AppCall } from '../targets/target';
// Straight from the modules, not the wire index, whose re-exports cost a getter call per use on this hot path.
import { TcpFlag } from '../wire/flags';
import { seqAdd, seqGt, seqSub } from '../wire/seq';
import type { TcpSegment } from '../wire/tcp';
import type { TcpState } from '../wire/state';
import { familyOfAddress } from '../reference/ip';
import { sameSocket, type CapturedIcmp, type CapturedSegment, type Conversation, type Socket } from './conversations';
import { SynBackoff } from './syn-backoff';

export type Role = 'client' | 'server';

/** Something that happened while judging, in capture order: a segment, or a call inferred before one. */
export type Judged =
  | { readonly kind: 'segment'; readonly segment: CapturedSegment; readonly fromEndpoint: boolean; readonly state: TcpState }
  | { readonly kind: 'inferred'; readonly call: AppCall; readonly timeMs: number; readonly before: number }
  | { readonly kind: 'icmp'; readonly icmp: CapturedIcmp; readonly state: TcpState };

export interface Judgment {
  readonly endpoint: Socket;
  readonly peer: Socket;
  readonly role: Role | undefined;
  readonly verdict: 'pass' | 'fail' | 'inconclusive';
  /** The first divergence: the packet it shows at (or the last packet before the deadline passed). */
  readonly divergence?: { readonly number: number; readonly violation: Violation; readonly observed: CapturedSegment | undefined };
  /** Why judging stopped short of a verdict, and at which packet. */
  readonly unjudged?: { readonly number: number; readonly reason: string };
  /** Everything judged, up to the divergence or the end: built when first asked for (see JudgedLog). */
  readonly judged: readonly Judged[];
  readonly numbering: Numbering;
  readonly rules: readonly string[];
}

const has = (segment: TcpSegment, flag: number): boolean => (segment.flags & flag) !== 0;
const endOf = (s: TcpSegment): number => seqAdd(s.seq, sequenceLength(s.flags, s.payload.length));

/** How far past a capture's last time its end reaches: one microsecond, the finest pcap's default resolution. */
const END_INSTANT_MS = 0.001;

/** States in which an application may still write. */
const WRITABLE = new Set(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT']);
/** States an ABORT leaves without a word to the peer (RFC 9293 §3.10.5). */
const SILENT_ABORT: ReadonlySet<TcpState> = new Set(['CLOSING', 'LAST-ACK', 'TIME-WAIT']);

/** States an ABORT leaves with a RST (RFC 9293 §3.10.5), or from which the RST could be one. */
const ABORTABLE = new Set(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT']);

/** The highest sequence end each side reaches over the whole conversation: what "sent later" can cover. In one pass: a capture may hold millions. */
function furthest(segments: readonly CapturedSegment[], endpoint: Socket): { endpoint: number | undefined; peer: number | undefined } {
  const ends: { endpoint: number | undefined; peer: number | undefined } = { endpoint: undefined, peer: undefined };
  // Indexed, as the passes over a whole conversation are: a for-of loop run once over millions stayed unoptimized and allocated per step.
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (!s.checksumOk || has(s.tcp, TcpFlag.RST)) continue;
    const side = sameSocket(s.src, endpoint) ? 'endpoint' : 'peer';
    const e = endOf(s.tcp);
    const before = ends[side];
    if (before === undefined || seqGt(e, before)) ends[side] = e;
  }
  return ends;
}

/**
 * What judging saw, kept compactly, and turned into `Judged` events only when a report asks for them:
 * a check of a million segments would otherwise hold a million more objects, and one for every call
 * inferred, which the garbage collector walks again and again while judging goes on.
 */
class JudgedLog {
  /** The machine's state after each segment judged, by the segment's index in the conversation. */
  readonly states: TcpState[] = [];
  /** The calls inferred, in order, and the index of the segment each came before. */
  readonly calls: AppCall[] = [];
  readonly callBefore: number[] = [];
  /** The ICMP errors handed to the machine, each with the index of the segment it came before. */
  readonly icmp: { readonly before: number; readonly icmp: CapturedIcmp; readonly state: TcpState }[] = [];
  private events: Judged[] | undefined;

  constructor(
    private readonly segments: readonly CapturedSegment[],
    private readonly endpoint: Socket,
  ) {}

  /** Everything judged, in capture order: before each segment the ICMP errors, then the calls inferred. */
  judged(): readonly Judged[] {
    if (this.events !== undefined) return this.events;
    const events: Judged[] = [];
    let call = 0;
    let icmp = 0;
    for (let i = 0; i <= this.segments.length; i++) {
      for (; icmp < this.icmp.length && this.icmp[icmp]!.before === i; icmp++) events.push({ kind: 'icmp', icmp: this.icmp[icmp]!.icmp, state: this.icmp[icmp]!.state });
      const segment = this.segments[i];
      for (; call < this.calls.length && this.callBefore[call] === i; call++) events.push({ kind: 'inferred', call: this.calls[call]!, timeMs: segment!.timeMs, before: segment!.number });
      const state = this.states[i];
      if (segment !== undefined && state !== undefined) events.push({ kind: 'segment', segment, fromEndpoint: sameSocket(segment.src, this.endpoint), state });
    }
    this.events = events;
    return events;
  }
}

class EndpointJudge {
  private readonly oracle: Oracle;
  private readonly backoff: SynBackoff;
  readonly numbering: Numbering;
  readonly log: JudgedLog;
  /** How far each side's sequence space reaches in the capture so far, and in the whole capture. */
  private peerSeen: number | undefined;
  private endpointSeen: number | undefined;
  private readonly peerFurthest: number | undefined;
  private readonly endpointFurthest: number | undefined;
  /**
   * Where the peer's segments arrive while the endpoint listens: those before a SYN of the peer's that
   * the endpoint answers with a SYN-ACK, back to the endpoint's last RST before it (what a closed port
   * sends). Runs of record numbers, first and last, latest first: a set of segments would hold every one
   * of a long capture's.
   */
  private readonly listening: (readonly [number, number])[] = [];
  private lastAck: { ack: number; edge: number } | undefined;
  /** The machine's state before the peer's last segment, and that segment's acknowledgment (silentlyAborted). */
  private beforePeer: { state: TcpState; ack: number | undefined } | undefined;

  constructor(
    private readonly conversation: Conversation,
    readonly endpoint: Socket,
    readonly peer: Socket,
    profile: Profile,
    /** The directed broadcast address of the capture's network, where known. */
    private readonly broadcast?: string,
  ) {
    const peerSyn = conversation.segments.find((s) => sameSocket(s.src, peer) && has(s.tcp, TcpFlag.SYN));
    this.numbering = new Numbering(peerSyn?.tcp.seq ?? 0, peer.port, endpoint.port);
    this.log = new JudgedLog(conversation.segments, endpoint);
    const relative = { target: (seq: number) => this.numbering.targetRelative(seq), peer: (seq: number) => this.numbering.peerRelative(seq) };
    // The conversation's family: IPv6's default MSS and headers where the endpoint's address is IPv6.
    this.oracle = new Oracle(profile, relative, 'real', 'unknown', familyOfAddress(endpoint.address));
    this.backoff = new SynBackoff(profile);
    this.icmp = conversation.icmp.filter((i) => sameSocket(i.about, endpoint));
    const ends = furthest(conversation.segments, endpoint);
    this.peerFurthest = ends.peer;
    this.endpointFurthest = ends.endpoint;
    const answered = new Set<number>();
    for (let i = 0; i < conversation.segments.length; i++) {
      const s = conversation.segments[i]!;
      if (sameSocket(s.src, endpoint) && (s.tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK)) answered.add(s.tcp.ack);
    }
    let run: [number, number] | undefined;
    for (let i = conversation.segments.length - 1; i >= 0; i--) {
      const s = conversation.segments[i]!;
      if (sameSocket(s.src, endpoint)) {
        if (has(s.tcp, TcpFlag.RST)) run = undefined;
        continue;
      }
      const answeredSyn = (s.tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && answered.has(seqAdd(s.tcp.seq, 1));
      if (answeredSyn && run === undefined) this.listening.push((run = [s.number, s.number]));
      if (run !== undefined) run[0] = s.number;
    }
  }

  /** The sequence number of the endpoint's last SYN without ACK: a retransmission repeats it. */
  private lastSyn: number | undefined;
  /** ICMP errors about the endpoint's segments, to go to the machine in capture order. */
  private readonly icmp: CapturedIcmp[];

  /** Hands the machine the ICMP errors the capture holds before segment `index`, record `number` (RFC 9293 §3.9.2.2). */
  private icmpBefore(index: number, number: number): void {
    while (this.icmp[0] !== undefined && this.icmp[0].number < number) {
      const icmp = this.icmp.shift() as CapturedIcmp;
      this.oracle.icmpSent(icmp.error, icmp.timeMs, true);
      this.log.icmp.push({ before: index, icmp, state: this.oracle.state });
    }
  }

  judge(captureEndMs: number): Omit<Judgment, 'endpoint' | 'peer' | 'role' | 'judged' | 'numbering'> {
    const rules = () => this.oracle.rules;
    const { segments } = this.conversation;
    const calls: AppCall[] = [];
    for (let index = 0; index < segments.length; index++) {
      const segment = segments[index]!;
      this.icmpBefore(index, segment.number);
      const late = this.oracle.overdue(segment.timeMs);
      if (late) return { verdict: 'fail', divergence: { number: segment.number, violation: late, observed: undefined }, rules: rules() };
      const fromEndpoint = sameSocket(segment.src, this.endpoint);
      calls.length = 0;
      const gap = fromEndpoint ? this.endpointCalls(segment, calls) : this.peerCalls(segment, calls);
      if (gap !== undefined) return { verdict: 'inconclusive', unjudged: { number: segment.number, reason: gap }, rules: rules() };
      for (const call of calls) {
        this.log.calls.push(call);
        this.log.callBefore.push(index);
        this.oracle.appCall(call, segment.timeMs);
      }
      const outcome = fromEndpoint ? this.endpointSent(segment) : this.peerSent(segment);
      this.log.states.push(this.oracle.state);
      if (outcome === undefined) continue;
      if (typeof outcome === 'string') return { verdict: 'inconclusive', unjudged: { number: segment.number, reason: outcome }, rules: rules() };
      return { verdict: 'fail', divergence: { number: segment.number, violation: outcome, observed: segment }, rules: rules() };
    }
    this.icmpBefore(segments.length, Infinity);
    const last = this.conversation.segments[this.conversation.segments.length - 1];
    // The capture covers its last instant: a deadline falling on it has passed unmet (as a live run waits just past a deadline).
    const late = this.oracle.overdue(captureEndMs + END_INSTANT_MS);
    if (late) return { verdict: 'fail', divergence: { number: last?.number ?? 0, violation: late, observed: undefined }, rules: rules() };
    const pending = this.oracle.latestDeadline();
    if (pending !== undefined && last !== undefined) {
      const still = this.oracle.overdue(pending + 1);
      if (still) return { verdict: 'inconclusive', unjudged: { number: last.number, reason: `the capture ends ${Math.round(captureEndMs - last.timeMs)} ms after packet ${last.number}, before the deadline of ${still.expected}, which the reference machine requires (state ${this.oracle.state})` }, rules: rules() };
    }
    return { verdict: 'pass', rules: rules() };
  }

  /** Before a segment of the peer's: whether the capture shows it cannot have arrived as it stands, and the listen its SYN shows. */
  private peerCalls(segment: CapturedSegment, calls: AppCall[]): string | undefined {
    const { tcp } = segment;
    if (!segment.checksumOk) return undefined;
    // Once the endpoint has sent its SYN, its sequence space is known: an acknowledgment beyond what it sent is a gap.
    const synchronized = this.endpointSeen !== undefined && this.numbering.knowsTargetIsn;
    if (synchronized && has(tcp, TcpFlag.ACK) && !has(tcp, TcpFlag.RST) && this.endpointFurthest !== undefined && seqGt(tcp.ack, this.endpointSeen!) && !seqGt(tcp.ack, this.endpointFurthest)) {
      return `the peer acknowledges ${this.numbering.targetRelative(tcp.ack)} in packet ${segment.number}, which the capture shows the endpoint sending only later: a segment of the endpoint's missing from the capture, or captured out of order`;
    }
    if (this.oracle.state === 'CLOSED' && this.listening.some(([first, last]) => first <= segment.number && segment.number <= last)) calls.push({ call: 'listen', port: this.endpoint.port });
    return undefined;
  }

  /** A segment of the peer's, fed to the machine. */
  private peerSent(segment: CapturedSegment): undefined {
    const { tcp } = segment;
    // MUST-3: a segment with a bad checksum never reaches a conforming TCP.
    if (!segment.checksumOk) return undefined;
    // The state the segment finds: the machine's timers run up to it first (TIME-WAIT may have ended).
    this.oracle.advance(segment.timeMs);
    this.beforePeer = { state: this.oracle.state, ack: has(tcp, TcpFlag.ACK) ? tcp.ack : undefined };
    this.backoff.peerSent();
    // What IP tells TCP of the datagram: how it was addressed, its ECN field, a route back (RFC 9293 §3.9.2).
    this.oracle.peerSent(tcp, segment.timeMs, true, segment.ip.version === 4 ? arrivalOf(segment.ip, this.broadcast) : undefined);
    if (!has(tcp, TcpFlag.RST)) this.peerSeen = this.peerSeen === undefined || seqGt(endOf(tcp), this.peerSeen) ? endOf(tcp) : this.peerSeen;
    return undefined;
  }

  /** A segment of the endpoint's, judged once the calls that explain it are made. */
  private endpointSent(segment: CapturedSegment): Violation | undefined {
    const { tcp } = segment;
    this.numbering.noteTargetSent(tcp);
    if (!segment.checksumOk) {
      return { rule: 'MUST-2', expected: 'a correct checksum', message: 'the target sent a segment whose checksum is wrong (a capture taken on the sending host shows a checksum its network card fills in later as wrong)' };
    }
    const backoff = this.backoff.endpointSent(tcp, segment.timeMs);
    if (backoff) return backoff;
    if (!has(tcp, TcpFlag.RST)) this.endpointSeen = this.endpointSeen === undefined || seqGt(endOf(tcp), this.endpointSeen) ? endOf(tcp) : this.endpointSeen;
    if (this.silentlyAborted(tcp, segment.timeMs)) return undefined;
    return this.oracle.observe(tcp, segment.timeMs, segment.ip);
  }

  /**
   * Whether `tcp` is the reset <SEQ=SEG.ACK><CTL=RST> (§3.5.2) a closed connection sends the peer's last
   * segment, where that segment found the machine in CLOSING, LAST-ACK or TIME-WAIT: there an ABORT
   * deletes the connection without a word (§3.10.5), so no capture can show it, and the reset is its
   * trace. Inferred leniently, as the application's other calls are.
   */
  private silentlyAborted(tcp: TcpSegment, atMs: number): boolean {
    const before = this.beforePeer;
    if (!has(tcp, TcpFlag.RST) || has(tcp, TcpFlag.ACK) || this.oracle.awaitsRst(tcp, atMs)) return false;
    return this.oracle.state === 'CLOSED' && before !== undefined && SILENT_ABORT.has(before.state) && before.ack === tcp.seq;
  }

  /** The application calls the endpoint's segment shows were made; a string when the capture has a gap here. */
  private endpointCalls(segment: CapturedSegment, calls: AppCall[]): string | undefined {
    const { tcp } = segment;
    const tcb = () => this.oracle.tcb;
    const state = () => this.oracle.state;
    // A SYN at the sequence number of the endpoint's last one repeats it: no new connect, though its connection is gone.
    const repeated = this.lastSyn === tcp.seq;
    if (has(tcp, TcpFlag.SYN) && !has(tcp, TcpFlag.ACK)) this.lastSyn = tcp.seq;
    if (has(tcp, TcpFlag.SYN) && !has(tcp, TcpFlag.ACK) && state() === 'CLOSED' && !repeated) {
      calls.push({ call: 'connect', port: this.peer.port, localPort: this.endpoint.port });
    }
    if (has(tcp, TcpFlag.RST)) {
      if (!this.oracle.awaitsRst(tcp, segment.timeMs) && ABORTABLE.has(state())) calls.push({ call: 'abort' });
      return undefined;
    }
    const start = has(tcp, TcpFlag.SYN) ? seqAdd(tcp.seq, 1) : tcp.seq;
    const dataEnd = seqAdd(start, tcp.payload.length);
    if (tcp.payload.length > 0 && !has(tcp, TcpFlag.SYN) && seqGt(start, tcb().sndNxt) && this.endpointSeen !== undefined && seqGt(start, this.endpointSeen)) {
      return `the endpoint's packet ${segment.number} sends from ${this.numbering.targetRelative(start)}, but the capture shows it sending only up to ${this.numbering.targetRelative(this.endpointSeen)}: a segment missing from the capture`;
    }
    if (has(tcp, TcpFlag.ACK) && !['CLOSED', 'LISTEN', 'SYN-SENT'].includes(state()) && seqGt(tcp.ack, tcb().rcvNxt)) {
      const arrived = this.peerSeen !== undefined && !seqGt(tcp.ack, this.peerSeen);
      if (!arrived && this.peerFurthest !== undefined && !seqGt(tcp.ack, this.peerFurthest)) {
        return `the endpoint acknowledges ${this.numbering.peerRelative(tcp.ack)} in packet ${segment.number}, which the capture shows the peer sending only later: a segment of the peer's missing from the capture, or captured out of order`;
      }
    }
    // URG says the application sent urgent data ending just before the urgent pointer (§3.8.5), maybe beyond this segment.
    const urgentEnd = seqAdd(tcp.seq, tcp.urgentPointer);
    if (has(tcp, TcpFlag.URG) && WRITABLE.has(state()) && !tcb().finQueued && seqGt(urgentEnd, tcb().sndQueueEnd) && seqGt(urgentEnd, tcb().sndUp)) {
      calls.push({ call: 'write-urgent', bytes: seqSub(urgentEnd, tcb().sndQueueEnd) });
    }
    const queued = has(tcp, TcpFlag.URG) && seqGt(urgentEnd, tcb().sndQueueEnd) ? urgentEnd : tcb().sndQueueEnd;
    if (tcp.payload.length > 0 && WRITABLE.has(state()) && !tcb().finQueued && seqGt(dataEnd, queued)) {
      calls.push({ call: 'write', bytes: seqSub(dataEnd, queued) });
    }
    if (has(tcp, TcpFlag.FIN) && !tcb().finQueued && WRITABLE.has(state())) calls.push({ call: 'shutdown' });
    if (this.windowUpdate(tcp) && tcb().rcvUser > 0) calls.push({ call: 'read' });
    return undefined;
  }

  /** Whether `tcp` is a window update — the same acknowledgment, the window's right edge further on — which means the application read. */
  private windowUpdate(tcp: TcpSegment): boolean {
    if (!has(tcp, TcpFlag.ACK) || has(tcp, TcpFlag.SYN)) return false;
    const edge = seqAdd(tcp.ack, tcp.window);
    const before = this.lastAck;
    this.lastAck = { ack: tcp.ack, edge };
    return before !== undefined && before.ack === tcp.ack && seqGt(edge, before.edge) && tcp.payload.length === 0 && !has(tcp, TcpFlag.FIN);
  }
}

/** Judges `endpoint` (one of the conversation's sockets) over the whole conversation. */
export function judgeEndpoint(conversation: Conversation, which: 0 | 1, profile: Profile, captureEndMs: number, broadcast?: string): Judgment {
  const endpoint = conversation.sockets[which];
  const peer = conversation.sockets[which === 0 ? 1 : 0];
  const judge = new EndpointJudge(conversation, endpoint, peer, profile, broadcast);
  const role = conversation.client === undefined ? undefined : conversation.client === which ? 'client' : 'server';
  const outcome = judge.judge(captureEndMs);
  const { log } = judge;
  return {
    endpoint,
    peer,
    role,
    get judged() {
      return log.judged();
    },
    numbering: judge.numbering,
    ...outcome,
  };
}
