/**
 * The oracle: the reference machine run in lockstep beside the target, fed the same stimuli — the
 * peer's segments, the application's calls, time — and holding every segment the target sends against
 * what RFC 9293 lets a conforming TCP send at that moment (design notes, "The reference machine is the
 * oracle").
 *
 * What a conforming stack may choose freely must not fail a case, so the comparison abstracts:
 * - the target's ISN is adopted from its first SYN;
 * - an ACK may be delayed up to the profile's bound and cover several segments;
 * - data is compared as ranges of the application's octets, not as segments, and must lie within
 *   what the application wrote and what the peer's window allows (MUST-1); data sent where the machine
 *   held it back (Nagle, §3.7.4, or other segmentation) is adopted as sent by the machine too;
 * - how much of the peer's window the target uses is its own business (its congestion window is not
 *   modelled): while it has data in flight, queued data may wait for the ACK that clocks it out;
 * - a segment the reference machine answers with obliges the target to answer too, by a deadline;
 *   one the machine would not send (a RST, a SYN, an ACK of what never arrived) is a divergence;
 * - windows are the target's own: the machine follows the window the target advertises, and the rules
 *   are held against the target's own offers (the right edge never retreats, SHLD-14; no silly window,
 *   MUST-39);
 * - options the peer did not offer never appear.
 * Retransmission timing is left to cases that assert it: a target's RTO follows its own measurements.
 */
import { ReferenceTarget } from '../../targets/reference';
import { IP_FACTS, type IpFacts, type IpFamily } from '../../reference/ip';
import type { IcmpError, Profile, Rule } from '../../reference';
import type { Arrival } from '../../reference/ip';
import type { AppCall } from '../../targets/target';
import type { IpHeader, TcpSegment, TcpState } from '../../wire';
import { formatFlags, TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLt, seqSub } from '../../wire/seq';
import { EcnWatch } from './ecn-rules';
import { meets, overdue, type Obligation } from './obligation';
import { offeredBy, optionViolation, sizeViolation, type Offered } from './options-rules';
import { TargetOffer } from './target-offer';
import { isKeepAliveProbe, probeWhileOutstanding } from './keep-alive-rules';
import { CongestionWatch } from './congestion-rules';
import { sackViolation } from './sack-rules';
import { TimestampWatch } from './timestamp-rules';
import { urgentViolation } from './urgent-rules';

/** Octet k of what an application writes: the pattern every target's application side uses. */
const PATTERN = 'abcdefghijklmnopqrstuvwxyz';

/** How long a target may take to answer with a SYN-ACK or a RST: it needs no timer to do so. */
const ANSWER_MS = 1000;
/** How long queued data or a FIN may wait once the window allows it (MUST-60: never held indefinitely). */
const SEND_MS = 1000;

/** A segment the peer sent, as the oracle takes it. */
export interface PeerSegment {
  readonly segment: TcpSegment;
  /** Addressed to the target's port: the machine's own port stands in for it. */
  readonly toShadowPort: boolean;
  /** What IP says of its datagram. */
  readonly arrival?: Arrival;
}

/**
 * What the oracle knows of the octets the application wrote. A live run writes the pattern, so every
 * octet is checked; a capture (`tcpconform check`) shows only what was sent, so data is held to its
 * place in the stream and not to its content.
 */
export type WrittenOctets = 'pattern' | 'unknown';

export interface Violation {
  /** The requirement or rule broken, e.g. `MUST-65`, `RFC 9293 §3.10.7.4`. */
  readonly rule: string;
  readonly expected: string;
  readonly message: string;
}

/** The numbers a person reads: relative to each side's ISN. */
export interface Relative {
  target(seq: number): number;
  peer(seq: number): number;
}

const flagsOf = (segment: TcpSegment) => ({
  rst: (segment.flags & TcpFlag.RST) !== 0,
  syn: (segment.flags & TcpFlag.SYN) !== 0,
  ack: (segment.flags & TcpFlag.ACK) !== 0,
  fin: (segment.flags & TcpFlag.FIN) !== 0,
});

/** States with a connection both ways, where a segment can be a keep-alive probe. */
const SYNCHRONIZED: readonly TcpState[] = ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'];

/** The rules by which the machine gives a connection up on its own: R2 passed, or keep-alives unanswered. */
const GIVE_UP_RULES: readonly Rule[] = ['3.10.8/user-timeout', '3.8.4/keep-alive-give-up'];

/** States in which a target sends nothing unless something obliges it to. */
const QUIET_STATES: readonly TcpState[] = ['CLOSED', 'LISTEN', 'SYN-SENT', 'TIME-WAIT'];

/** A segment the reference machine sent, and whether its ACK field acknowledges more than its last one did. */
interface Prediction {
  readonly segment: TcpSegment;
  readonly acksAnew: boolean;
}

export class Oracle {
  private readonly shadow: ReferenceTarget;
  private obligations: Obligation[] = [];
  private isnAdopted = false;
  private offered: Offered | undefined;
  private sentEnd: number | undefined;
  private finSent = false;
  /** The ACK field of the last segment the machine sent with ACK. */
  private machineAck: number | undefined;
  /** The target's MSS, window scale and windows, as it offers them to the peer. */
  readonly targetOffer: TargetOffer;
  /** The IP version under the connection: its default MSS and header sizes. */
  private readonly ip: IpFacts;
  /** ECN as both SYNs negotiated it, and RFC 3168's rules on the target's ECN field. */
  private readonly ecn = new EcnWatch();
  /** Timestamps as both SYNs negotiated them, and RFC 7323's rules on the target's TSopt. */
  private readonly timestamps = new TimestampWatch();
  /** RFC 5681's bounds on what the target has in flight. */
  private readonly congestion: CongestionWatch;
  /** The address the target's first segment came from: every later one must come from it too (MUST-45). */
  private localAddress: string | undefined;
  /** The furthest right edge (SEG.ACK + SEG.WND) the peer has offered the target: a window that ends before it has shrunk. */
  private peerEdge: number | undefined;
  private readonly ackSlackMs: number;
  /** SND.NXT of a connection the machine gave up on: a reset there is allowed once (see advance). */
  private giveUpReset: number | undefined;
  /** The relative numbering as functions, made once rather than for each segment observed. */
  private readonly peerRelative = (seq: number): number => this.relative.peer(seq);
  private readonly targetRelative = (seq: number): number => this.relative.target(seq);

  constructor(
    private readonly profile: Profile,
    private readonly relative: Relative,
    clock: 'real' | 'virtual',
    private readonly written: WrittenOctets = 'pattern',
    family: IpFamily = 'ipv4',
  ) {
    this.ip = IP_FACTS[family];
    this.targetOffer = new TargetOffer(this.ip);
    // The machine takes its window and buffer from what the target offers (adoptReceiveWindow) once the
    // target has offered one; until then its own, as far as the unscaled field reaches (RFC 9293 §3.1).
    this.shadow = new ReferenceTarget({ ...profile, receiveBuffer: Math.min(profile.receiveBuffer, 0xffff) }, undefined, family);
    this.congestion = new CongestionWatch(profile);
    // A real clock adds the time the packets take through the harness itself.
    this.ackSlackMs = clock === 'real' ? 50 : 1;
  }

  get state(): TcpState {
    return this.shadow.state;
  }

  /** §3.10.6 STATUS of the reference machine at `atMs`: its state, asked as the RFC's user asks it. */
  status(atMs: number): TcpState {
    this.advance(atMs);
    return this.shadow.status();
  }

  /** The reference machine's transmission control block, for a passive checker inferring the application's calls. */
  get tcb() {
    return this.shadow.tcb;
  }

  /** Whether the machine requires a RST that `segment`, sent at `atMs`, is. */
  awaitsRst(segment: TcpSegment, atMs: number): boolean {
    const f = flagsOf(segment);
    const progress = { sentEnd: this.sentEnd, finSent: this.finSent };
    return this.obligations.some((o) => o.kind === 'rst' && meets(o, { flags: f, seq: segment.seq, ack: segment.ack }, progress, atMs));
  }

  /** The reference machine's rules applied so far, each once, in the order first applied. */
  get rules(): readonly string[] {
    return this.shadow.distinctRules;
  }

  /** Lets the reference machine's time run to `atMs`; what its timers send is allowed, not required. */
  advance(atMs: number): void {
    const rulesBefore = this.shadow.ruleCount;
    const sndNxt = SYNCHRONIZED.includes(this.state) ? this.shadow.tcb.sndNxt : undefined;
    this.shadow.advanceUntil(atMs);
    this.predictions();
    // RFC 9293 §3.10.8's USER TIMEOUT, and §3.8.4's keep-alives given up, delete the TCB without a word
    // to the peer; no text forbids telling it, as ABORT does, and stacks do (Linux's
    // tcp_keepalive_timer and tcp_write_err, lwIP, gVisor): one reset at SND.NXT is allowed, not required.
    const gaveUp = this.shadow.firedSince(rulesBefore, GIVE_UP_RULES);
    if (gaveUp && sndNxt !== undefined) this.giveUpReset = sndNxt;
  }

  /**
   * A segment the peer sent the target at `atMs`, with what IP says of its datagram. `toShadowPort`
   * addresses it to the machine.
   */
  peerSent(segment: TcpSegment, atMs: number, toShadowPort: boolean, arrival?: Arrival): void {
    this.peerSentTogether([{ segment, toShadowPort, ...(arrival && { arrival }) }], atMs);
  }

  /**
   * Segments the peer sent the target back to back by `atMs` (a burst), each with what IP says of its
   * datagram. The machine takes them as segments queued together, and answers them with aggregated
   * ACKs (RFC 9293 §3.10.7.4, MUST-58, MUST-59).
   */
  peerSentTogether(sent: readonly PeerSegment[], atMs: number): void {
    this.advance(atMs);
    const connected = this.state !== 'CLOSED' && this.state !== 'LISTEN' && this.state !== 'SYN-SENT';
    this.timestamps.peerSent(sent.filter((p) => p.toShadowPort).map((p) => p.segment), connected ? this.shadow.tcb.rcvNxt : undefined);
    for (const { segment } of sent) {
      if (segment.flags & TcpFlag.SYN) {
        this.offered = offeredBy(segment, this.ip);
        this.targetOffer.peerSyn(segment);
      }
      this.ecn.peerSent(segment);
      this.congestion.peerSent(segment, this.smss(), this.shadow.tcb.options.sack, atMs);
      if (segment.flags & TcpFlag.ACK && !(segment.flags & (TcpFlag.SYN | TcpFlag.RST))) {
        // RFC 7323 §2.3: the peer's window field, scaled where both SYNs agreed.
        const edge = seqAdd(segment.ack, segment.window * 2 ** this.targetOffer.peerShift);
        if (this.peerEdge === undefined || seqGt(edge, this.peerEdge)) this.peerEdge = edge;
      }
    }
    const inFlight = this.targetInFlight();
    const listening = this.state === 'LISTEN';
    const port = this.shadow.localPort;
    // A copy only where the port differs: a passive check feeds the machine millions of segments already addressed to it.
    const shadowed = ({ segment, toShadowPort }: PeerSegment): TcpSegment => (toShadowPort && segment.dstPort !== port ? { ...segment, dstPort: port } : segment);
    if (sent.length === 1) this.shadow.deliver(shadowed(sent[0]!), sent[0]!.arrival);
    else this.shadow.deliverTogether(sent.map((p) => ({ segment: shadowed(p), ...(p.arrival && { arrival: p.arrival }) })));
    if (listening && this.shadow.state === 'SYN-RECEIVED') this.newConnection();
    if (inFlight && !this.targetInFlight()) this.restartSendDeadlines(atMs);
    this.oblige(atMs);
  }

  /**
   * A new connection begins (a SYN to a listener, an active open): its ISN is the target's new choice,
   * adopted from its first SYN, and nothing of it has been sent yet. Reached again when a listener's
   * connection was reset and another SYN comes (MUST-11), or the application connects once more.
   */
  private newConnection(): void {
    this.isnAdopted = false;
    this.sentEnd = undefined;
    this.finSent = false;
  }

  /**
   * An ICMP error the peer sent the target at `atMs`, about a segment the target sent. `toShadowPort`
   * says the quote names the target's port, which the machine knows as its own.
   */
  icmpSent(error: IcmpError, atMs: number, toShadowPort: boolean): void {
    this.advance(atMs);
    this.shadow.deliverIcmp(toShadowPort ? { ...error, quoted: { ...error.quoted, srcPort: this.shadow.localPort } } : error);
    this.oblige(atMs);
  }

  /** SMSS, the largest segment the target may send: the peer's MSS (RFC 5681 §2), the family's default (536, 1220) before its SYN. */
  private smss(): number {
    return this.offered?.sendMss ?? this.ip.defaultSendMss;
  }

  /** Whether sequence space the target sent awaits the peer's acknowledgment. */
  private targetInFlight(): boolean {
    return this.sentEnd !== undefined && seqGt(this.sentEnd, this.shadow.tcb.sndUna);
  }

  /** Everything the target sent is acknowledged: what it still owes to send is due again from now. */
  private restartSendDeadlines(atMs: number): void {
    this.obligations = this.obligations.map((o) => (o.kind === 'send' ? { ...o, deadline: Math.max(o.deadline, atMs + SEND_MS) } : o));
  }

  /** A call the target's application made at `atMs`. */
  appCall(call: AppCall, atMs: number): void {
    this.advance(atMs);
    if (call.call === 'connect') this.newConnection();
    this.shadow.appNow(call);
    // A connection the call ended (an ABORT) owes no more ACKs or data; a RST it answers with is still due.
    if (this.state === 'CLOSED') this.obligations = this.obligations.filter((o) => o.kind === 'rst');
    this.oblige(atMs);
  }

  /** The segments the machine sent since last asked. */
  private predictions(): Prediction[] {
    const predictions: Prediction[] = [];
    for (let tcp = this.shadow.takeSegment(); tcp; tcp = this.shadow.takeSegment()) {
      const acks = (tcp.flags & TcpFlag.ACK) !== 0 && (tcp.flags & TcpFlag.RST) === 0;
      predictions.push({ segment: tcp, acksAnew: acks && tcp.ack !== this.machineAck });
      if (acks) this.machineAck = tcp.ack;
    }
    return predictions;
  }

  /** Turns the machine's answer to a stimulus into what the target must send, and by when. */
  private oblige(atMs: number): void {
    for (const { segment: p, acksAnew } of this.predictions()) {
      const f = flagsOf(p);
      if (f.rst) {
        this.obligations.push({ kind: 'rst', seq: p.seq, ack: f.ack ? p.ack : undefined, since: atMs, deadline: atMs + ANSWER_MS });
        continue;
      }
      if (f.syn) this.obligations.push({ kind: 'syn', ack: f.ack ? p.ack : undefined, since: atMs, deadline: atMs + ANSWER_MS });
      const end = seqAdd(p.seq, p.payload.length + (f.syn ? 1 : 0) + (f.fin ? 1 : 0));
      // What the target has sent already, a retransmission of the machine's (fast retransmit, RTO) owes nothing new.
      const sentAlready = this.sentEnd !== undefined && !seqGt(end, this.sentEnd) && (!f.fin || this.finSent);
      if (!f.syn && (p.payload.length > 0 || f.fin) && !sentAlready) this.obligations.push({ kind: 'send', end, fin: f.fin, since: atMs, deadline: atMs + SEND_MS });
      // Data and a FIN carry an ACK the target owes only when it acknowledges something new.
      const pureAck = p.payload.length === 0 && !f.fin;
      if (f.ack && !f.syn && (acksAnew || pureAck)) {
        this.obligations.push({ kind: 'ack', ack: p.ack, repeats: !acksAnew, since: atMs, deadline: atMs + this.profile.maxAckDelayMs + this.ackSlackMs });
      }
    }
  }

  /** Says, in words with relative numbers, what an obligation asks for. */
  describe(o: Obligation): string {
    switch (o.kind) {
      case 'ack': return `an ACK of ${o.repeats ? 'exactly ' : ''}${this.relative.peer(o.ack)} within ${this.profile.maxAckDelayMs} ms (the profile's ACK delay)`;
      case 'rst': return o.ack !== undefined ? `a RST with ACK ${this.relative.peer(o.ack)}` : `a RST with seq ${this.relative.target(o.seq)}`;
      case 'syn': return o.ack !== undefined ? `a SYN-ACK acknowledging ${this.relative.peer(o.ack)}` : 'a SYN';
      case 'send': return `sending up to ${this.relative.target(o.end)}${o.fin ? ' with the FIN' : ''}`;
    }
  }

  /** The first obligation whose deadline passed unmet before `atMs`. */
  overdue(atMs: number): Violation | undefined {
    const inFlight = this.targetInFlight();
    const late = this.obligations.find((o) => overdue(o, atMs, inFlight));
    if (!late) return undefined;
    return {
      rule: 'RFC 9293 §3.10',
      expected: this.describe(late),
      message: `the reference machine sends ${this.describe(late)} here (state ${this.state}), but by ${late.deadline.toFixed(0)} ms the target had not`,
    };
  }

  /** When the last pending obligation falls due; undefined when nothing is pending. */
  latestDeadline(): number | undefined {
    return this.obligations.length === 0 ? undefined : Math.max(...this.obligations.map((o) => o.deadline));
  }

  /**
   * Holds a segment the target sent at `atMs`, in a datagram with the IP header `ip`, against the
   * machine; the first rule it breaks, if any.
   */
  observe(segment: TcpSegment, atMs: number, ip?: IpHeader): Violation | undefined {
    this.advance(atMs);
    const f = flagsOf(segment);
    if (ip !== undefined) {
      this.localAddress ??= ip.src;
      // RFC 9293 §3.9.1.1: the local address stays the same for the life of the connection (MUST-45).
      if (ip.src !== this.localAddress) return this.violation('MUST-45', `a segment from ${this.localAddress}`, `a segment from ${ip.src}, where its earlier segments came from ${this.localAddress} (RFC 9293 §3.9.1.1, MUST-45)`);
      const start = f.syn ? seqAdd(segment.seq, 1) : segment.seq;
      const retransmits = segment.payload.length > 0 && this.sentEnd !== undefined && seqLt(start, this.sentEnd);
      const ecn = this.ecn.targetSent(segment, ip.ecn ?? 'not-ect', retransmits);
      if (ecn) return this.violation(ecn.rule, 'Not-ECT', ecn.message);
    }
    const tcb = () => this.shadow.tcb;
    // A connection reopened from TIME-WAIT (MAY-2) takes a new ISN, above the old connection's sequence space.
    const floor = tcb().issFloor;
    if (f.syn && floor !== undefined && seqLt(segment.seq, floor)) {
      return this.violation('MAY-2', `an ISN of at least ${this.relative.target(floor)}`, `a SYN at seq ${this.relative.target(segment.seq)}, inside the sequence space of the connection it reopens from TIME-WAIT (RFC 9293 §3.6.1)`);
    }
    if (f.syn && (!this.isnAdopted || floor !== undefined)) {
      const before = tcb().iss;
      try {
        this.shadow.adoptIss(segment.seq);
      } catch {
        return this.violation('RFC 9293 §3.10', 'no SYN', `a SYN, which the reference machine does not send in ${this.state}`);
      }
      this.shiftObligations(seqSub(segment.seq, before));
      this.isnAdopted = true;
    }
    const option = optionViolation(segment, this.offered);
    if (option) return this.violation(option.rule, 'no such option', option.message);
    // The options the target's SYN carried are what the machine offers too (RFC 7323, RFC 2018).
    if (f.syn) this.shadow.adoptSynOffer(segment);
    const timestamps = this.timestamps.targetSent(segment);
    if (timestamps) return this.violation(timestamps.rule, 'timestamps as RFC 7323 has them', timestamps.message);
    const sack = sackViolation(segment, tcb(), this.peerRelative);
    if (sack) return this.violation(sack.rule, 'SACK blocks of data received', sack.message);
    if (f.syn) this.congestion.targetSyn(segment);
    const congestion = this.congestion.targetSent(segment, this.smss(), tcb().options.sack, this.targetRelative, atMs);
    if (congestion) return this.violation(congestion.rule, congestion.expected, congestion.message);
    const size = sizeViolation(segment, this.offered, tcb().pathMtu, this.ip);
    if (size) return this.violation(size.rule, `data within the send MSS (${size.limit})`, size.message);
    const urgent = urgentViolation(segment, tcb().sndUp, this.targetRelative);
    if (urgent) return this.violation(urgent.rule, urgent.expected, urgent.message);
    const probe = SYNCHRONIZED.includes(this.state) ? probeWhileOutstanding(segment, tcb()) : undefined;
    if (probe) return this.violation(probe.rule, probe.expected, probe.message);
    if (f.syn) this.targetOffer.targetSyn(segment);

    const progressBefore = { sentEnd: this.sentEnd, finSent: this.finSent };
    if (f.rst) {
      const index = this.obligations.findIndex((o) => o.kind === 'rst' && meets(o, { flags: f, seq: segment.seq, ack: segment.ack }, progressBefore, atMs));
      if (index < 0 && this.giveUpReset !== undefined && segment.seq === this.giveUpReset) {
        this.giveUpReset = undefined;
        return undefined;
      }
      if (index < 0) return this.violation('RFC 9293 §3.5.2', 'no RST', `a RST, which the reference machine does not send here (state ${this.state})`);
      this.obligations.splice(index, 1);
      return undefined;
    }
    if (f.syn) {
      const state = this.state;
      if (state !== 'SYN-SENT' && state !== 'SYN-RECEIVED') {
        return this.violation('RFC 9293 §3.10', 'no SYN', `a ${formatFlags(segment.flags)}, which the reference machine does not send in ${state}`);
      }
      if (segment.seq !== tcb().iss) return this.violation('RFC 9293 §3.4', 'seq 0', `a SYN at seq ${this.relative.target(segment.seq)}, not at its ISN`);
    }
    // Without a connection (CLOSED, LISTEN) there is no RCV.NXT to hold an ACK against.
    if (f.ack && this.state !== 'CLOSED' && this.state !== 'LISTEN') {
      const rcvNxt = tcb().rcvNxt;
      if (seqGt(segment.ack, rcvNxt)) {
        return this.violation('RFC 9293 §3.4', `ack <= ${this.relative.peer(rcvNxt)}`, `an ACK of ${this.relative.peer(segment.ack)}, but only ${this.relative.peer(rcvNxt)} has arrived (RCV.NXT)`);
      }
      const { edge, violation: broken } = this.targetOffer.offered(segment);
      if (broken?.rule === 'SHLD-14') {
        return this.violation('SHLD-14', `right edge >= ${this.relative.peer(broken.least)}`, `a window whose right edge ${this.relative.peer(broken.offered)} retreats from ${this.relative.peer(broken.least)} (RFC 9293 §3.8.6, SHLD-14)`);
      }
      if (broken?.rule === 'MUST-39') {
        return this.violation('MUST-39', `a window of 0 or >= ${broken.least}`, `a window of ${broken.offered} octets as its right edge advanced, less than ${broken.least}, the lesser of its MSS and half the largest window it offered (receiver SWS avoidance, RFC 9293 §3.8.6.2.2)`);
      }
      // SYN-SENT has no RCV.NXT yet to hold a window against.
      if (this.state !== 'SYN-SENT') this.shadow.adoptReceiveWindow(edge, this.targetOffer.maxWindow);
    }
    const sending = this.checkSending(segment, f);
    if (sending) return sending;

    const progress = { sentEnd: this.sentEnd, finSent: this.finSent };
    const met = this.obligations.filter((o) => meets(o, { flags: f, seq: segment.seq, ack: segment.ack }, progress, atMs));
    this.obligations = this.obligations.filter((o) => !met.includes(o));
    const carries = f.syn || f.fin || segment.payload.length > 0;
    if (!carries && met.length === 0 && QUIET_STATES.includes(this.state)) {
      return this.violation('RFC 9293 §3.10', 'nothing', `an ACK, which the reference machine does not send in ${this.state}`);
    }
    return undefined;
  }

  /** Data and FIN: only what the application wrote, within the peer's window, FIN after the last octet. */
  private checkSending(segment: TcpSegment, f: ReturnType<typeof flagsOf>): Violation | undefined {
    const tcb = this.shadow.tcb;
    // One garbage octet in a keep-alive probe (MAY-6) is no octet of the stream.
    if (segment.payload.length > 0 && isKeepAliveProbe(segment, tcb.sndUna)) return undefined;
    const start = f.syn ? seqAdd(segment.seq, 1) : segment.seq;
    const dataEnd = seqAdd(start, segment.payload.length);
    if (segment.payload.length > 0) {
      if (seqGt(dataEnd, tcb.sndQueueEnd)) {
        return this.violation('RFC 9293 §3.10.2', `data up to ${this.relative.target(tcb.sndQueueEnd)}`, `data up to ${this.relative.target(dataEnd)}, beyond what the application wrote (${this.relative.target(tcb.sndQueueEnd)})`);
      }
      // One octet beyond a zero window is a probe (RFC 9293 §3.8.6.1). Data sent before may go again
      // beyond a window the peer has since shrunk (MAY-7); new data may not (MUST-1; SHLD-15 when the
      // peer's right edge moved left from where it was).
      const windowEnd = seqAdd(tcb.sndUna, Math.max(tcb.sndWnd, 1));
      const newData = this.sentEnd === undefined || seqGt(dataEnd, this.sentEnd);
      if (seqGt(dataEnd, windowEnd) && newData) {
        const shrunk = this.peerEdge !== undefined && seqGt(this.peerEdge, windowEnd);
        const within = `data within the peer's window, up to ${this.relative.target(windowEnd)}`;
        if (shrunk) return this.violation('SHLD-15', within, `new data up to ${this.relative.target(dataEnd)}, beyond the peer's window, which it shrank to end at ${this.relative.target(windowEnd)} (RFC 9293 §3.8.6, SHLD-15)`);
        return this.violation('MUST-1', within, `data up to ${this.relative.target(dataEnd)}, beyond the peer's window ending at ${this.relative.target(windowEnd)} (RFC 9293 §3.8.6)`);
      }
      const firstOctet = seqSub(start, seqAdd(tcb.iss, 1));
      for (let i = 0; this.written === 'pattern' && i < segment.payload.length; i++) {
        const expected = PATTERN.charCodeAt((firstOctet + i) % PATTERN.length);
        if (segment.payload[i] !== expected) {
          return this.violation('RFC 9293 §3.10.2', `octet ${firstOctet + i + 1} '${String.fromCharCode(expected)}'`, `octet ${firstOctet + i + 1} of the stream as ${JSON.stringify(String.fromCharCode(segment.payload[i] ?? 0))}, not what the application wrote`);
        }
      }
    }
    if (f.fin && !(tcb.finQueued && dataEnd === tcb.sndQueueEnd)) {
      const why = tcb.finQueued ? `before the last octet the application wrote (${this.relative.target(tcb.sndQueueEnd)})` : 'although the application has not closed';
      return this.violation('RFC 9293 §3.10.4', 'no FIN yet', `a FIN at ${this.relative.target(dataEnd)} ${why}`);
    }
    const end = seqAdd(dataEnd, f.fin ? 1 : 0);
    if (f.syn || f.fin || segment.payload.length > 0) {
      if (this.sentEnd === undefined || seqGt(end, this.sentEnd)) this.sentEnd = end;
      if (f.fin) this.finSent = true;
      // In sequence, what the machine held back is on the wire now: the machine takes it as sent.
      if (!f.syn && !seqGt(start, tcb.sndNxt)) this.shadow.adoptSent(end);
    }
    return undefined;
  }

  private shiftObligations(by: number): void {
    this.obligations = this.obligations.map((o) =>
      o.kind === 'send' ? { ...o, end: seqAdd(o.end, by) } : o.kind === 'rst' && o.ack !== undefined ? o : o.kind === 'rst' ? { ...o, seq: seqAdd(o.seq, by) } : o,
    );
  }

  private violation(rule: string, expected: string, what: string): Violation {
    return { rule, expected, message: `the target sent ${what}` };
  }
}
