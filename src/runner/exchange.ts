/**
 * One case's exchange with its target: what crosses the wire both ways, the trace that records it, the
 * case's relative numbering, and the oracle that judges every segment the moment it is taken. Steps
 * (steps/) drive an Exchange; run-case.ts runs the steps. Its time (the anchor, tolerance, lateness) is a CaseClock.
 */
import { decodePacket, encodePacket, IpProtocol, parseFlags, seqAdd, TcpFlag, WireError, type IpHeader, type TcpPacket, type TcpOption, type TcpSegment } from '../wire';
import type { AddressTemplate, Case, IcmpTemplate, IpTemplate, OptionTemplate, SegmentTemplate } from '../suite/case';
import { arrivalOf, familyOfAddress, type IpFamily } from '../reference/ip';
import { icmpErrorPacket } from './icmp-packet';
import type { AppEvent, Target, TimedPacket } from '../targets/target';
import type { Profile } from '../reference';
import type { PeerSegment, Violation } from './oracle/oracle';
import { OracleChoices } from './oracle/choices';
import { CaseClock } from './case-clock';
import { Numbering } from './numbering';
import { PeerTimestamps } from './peer-timestamps';
import type { Direction, IsnReport, StepOutcome, TraceEvent } from './result';
import { ipText, segmentText, summarizeAbsolute, summarizeFromTarget, summarizeIcmpIn, summarizeToTarget } from './summary';
import { patternPayload } from '../suite/normalize';

/** The result of one step; `undefined` fields are left out of the JSON. */
export type StepResult = Omit<StepOutcome, 'index' | 'line' | 'text' | 'note'>;

/** A packet taken from the target: a segment, or why it is not one; and what the oracle made of it. */
export interface Pulled {
  readonly atMs: number;
  readonly segment?: TcpSegment;
  /** The IP header of the datagram that carried it. */
  readonly ip?: IpHeader;
  readonly checksumOk?: boolean;
  readonly garbage?: string;
  readonly violation?: Violation;
  /** The segment repeats one the target sent before in this case: the same flags, sequence number and length. */
  readonly repeats?: boolean;
  /** A repeated segment whose datagram carries the same IPv4 Identification as the one it repeats (RFC 9293 MAY-4). */
  readonly sameIpId?: boolean;
  /** When it was taken, among the exchange's events (see Exchange.cameBeforeAnchor). */
  readonly order: number;
}

/** An application event the target reported, and whether an `event` step has taken it. */
export interface SeenEvent {
  readonly event: AppEvent;
  readonly timeMs: number;
  taken: boolean;
}

/** How often a real clock is looked at while a step waits for an application event, which wakes nothing. */
const EVENT_WATCH_MS = 20;

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** An option as it goes on the wire: TSecr `echo` and SACK blocks relative to the target's ISN resolved. */
function wireOption(option: OptionTemplate, numbering: Numbering, timestamps: PeerTimestamps): TcpOption {
  switch (option.kind) {
    case 'raw': return { kind: 'malformed', bytes: option.bytes, reason: 'written verbatim by the case' };
    case 'timestamps': return { kind: 'timestamps', tsval: option.tsval, tsecr: option.tsecr === 'echo' ? timestamps.echo : option.tsecr };
    case 'sack': return { kind: 'sack', blocks: option.blocks.map(([left, right]) => ({ left: numbering.targetSeq(left), right: numbering.targetSeq(right) })) };
    default: return option;
  }
}

/** The packet with its TCP checksum inverted, for cases that send a bad one (MUST-3). */
function encodeWithBadChecksum(packet: TcpPacket): Uint8Array {
  const good = decodePacket(encodePacket(packet)).tcp?.checksum ?? 0;
  return encodePacket({ ...packet, tcp: { ...packet.tcp, checksum: good ^ 0xffff } });
}

export class Exchange {
  readonly trace: TraceEvent[] = [];
  readonly numbering: Numbering;
  readonly oracle: OracleChoices;
  readonly startedAt = Date.now();
  /** The case's time: the anchor, the profile's timers and tolerance, the harness's lateness. */
  readonly clock: CaseClock;
  /** Segments taken from the target (and judged by the oracle) that no step has consumed yet. */
  readonly inbox: Pulled[] = [];
  /** Every application event the target reported, oldest first. */
  readonly appEvents: SeenEvent[] = [];
  /** Every segment the target sent, as flags/seq/length, with the IPv4 Identification it first went with: what a retransmission repeats. */
  private readonly sentByTarget = new Map<string, number | undefined>();
  /** The peer's timestamps (RFC 7323), which it sends on every segment once both SYNs carried them. */
  private readonly peerTimestamps = new PeerTimestamps();
  /** What an `isn` step saw, for the case's result. */
  isnReport: IsnReport | undefined;
  /** The last TCP segment the target sent, as it came: what an `icmp` step quotes. */
  private lastFromTarget: { readonly bytes: Uint8Array; readonly segment: TcpSegment } | undefined;
  /** The IP version on the wire: the target's address is of the case's family. */
  readonly family: IpFamily;

  constructor(readonly testCase: Case, readonly target: Target, profile: Profile) {
    this.family = familyOfAddress(target.address);
    this.numbering = new Numbering(testCase.peerIsn, testCase.peerPort, testCase.port);
    this.clock = new CaseClock(target, profile);
    this.oracle = new OracleChoices(
      testCase,
      profile,
      { target: (seq) => this.numbering.targetRelative(seq), peer: (seq) => this.numbering.peerRelative(seq) },
      target.capabilities.clock,
      this.family,
    );
  }

  /**
   * Takes the target's application events into the trace where their times put them: a packet is
   * recorded when a step takes it, so an event that came before it may only now be collected.
   */
  drainAppEvents(): void {
    for (const { event, timeNs } of this.target.takeEvents()) {
      const timeMs = this.clock.elapsedMs(timeNs);
      let at = this.trace.length;
      while (at > 0 && (this.trace[at - 1] as TraceEvent).timeMs > timeMs) at--;
      this.trace.splice(at, 0, { kind: 'app-event', timeMs, event });
      this.appEvents.push({ event, timeMs, taken: false });
    }
  }

  /**
   * Lets the target's time run until `ready()` holds or `deadlineMs` passes, taking what the target sends
   * into the inbox, judged as it comes; the first divergence ends the wait. Application events wake
   * nothing, so a real clock is looked at every EVENT_WATCH_MS; a virtual one runs to the next packet.
   */
  async watch(ready: () => boolean, deadlineMs: number): Promise<StepResult | undefined> {
    const slice = this.target.capabilities.clock === 'real' ? EVENT_WATCH_MS : Infinity;
    for (;;) {
      this.drainAppEvents();
      if (ready() || this.clock.elapsedMs() >= deadlineMs) return undefined;
      const got = await this.fromTarget(Math.min(deadlineMs, this.clock.elapsedMs() + slice));
      if (!got) continue;
      this.inbox.push(got);
      if (got.violation) return this.divergence(got.violation, this.segmentTextOf(got));
    }
  }

  private recordPacket(direction: Direction, packet: TimedPacket, details: Pick<TraceEvent & { kind: 'packet' }, 'segment' | 'icmp' | 'note'>): void {
    this.trace.push({ kind: 'packet', timeMs: this.clock.elapsedMs(packet.timeNs), direction, hex: toHex(packet.bytes), reference: this.oracle.state, ...details });
    this.drainAppEvents();
  }

  /**
   * A packet of a connection the case does not number and the oracle does not follow (an `isn` step
   * opens many), recorded with its numbers as on the wire.
   */
  recordUnjudged(direction: Direction, packet: TimedPacket, segment: TcpSegment | undefined, checksumOk = true): void {
    this.recordPacket(direction, packet, segment ? { segment: summarizeAbsolute(segment, checksumOk) } : { note: 'not a TCP segment: passed over' });
  }

  /** An address a case writes, as it goes on the wire: `broadcast` is the target's subnet broadcast address. */
  private address(template: AddressTemplate): string {
    if (template !== 'broadcast') return template;
    if (this.target.broadcast === undefined) throw new Error(`the ${this.target.name} target's interface has no subnet broadcast address to send to`);
    return this.target.broadcast;
  }

  /**
   * The peer's datagram header: from the peer to the target, unless the case writes other addresses, an
   * ECN codepoint or options. Over IPv6 the ECN codepoint goes in the traffic class (RFC 3168 §5), and
   * the flow label stays 0; IPv4 options have no place there (a case with them is for IPv4).
   */
  ipHeader(template?: IpTemplate): IpHeader {
    if (this.family === 'ipv6') {
      if (template?.options !== undefined) throw new Error('IPv4 options cannot go in an IPv6 datagram: the case is for IPv4 (family: ipv4)');
      return {
        version: 6,
        src: this.address(template?.src ?? this.target.peerAddress),
        dst: this.address(template?.dst ?? this.target.address),
        protocol: IpProtocol.TCP,
        hopLimit: 64,
        ...(template?.ecn !== undefined && { ecn: template.ecn }),
      };
    }
    return {
      version: 4,
      src: this.address(template?.src ?? this.target.peerAddress),
      dst: this.address(template?.dst ?? this.target.address),
      protocol: 6,
      ttl: 64,
      id: 0,
      dontFragment: true,
      ...(template?.ecn !== undefined && { ecn: template.ecn }),
      ...(template?.options !== undefined && { options: [...template.options] }),
    };
  }

  /** The wire sequence number a `send` names: relative to the peer's ISN, or to the right edge of the target's window. */
  private peerSeq(seq: SegmentTemplate['seq']): number {
    if (seq === undefined || typeof seq === 'number') return this.numbering.peerSeq(seq);
    const edge = this.oracle.targetOffer.latestEdge;
    if (edge === undefined) throw new Error('seq: { edge } needs a window the target has advertised; the target has sent no ACK yet');
    return seqAdd(edge, seq.edge);
  }

  /** The peer sends one segment built from `template` (see sendSegments). */
  sendSegment(template: SegmentTemplate): void {
    this.sendSegments([template]);
  }

  /**
   * The peer sends segments built from `templates`, several as a burst: handed over at once where the
   * target takes bursts, else one after the other with nothing awaited between them. The oracle sees
   * each unless its checksum is bad or IP would not deliver it to the target (another host's address).
   */
  sendSegments(templates: readonly SegmentTemplate[]): void {
    const built = templates.map((template) => this.build(template));
    const packets = built.map((b) => b.bytes);
    const sent = packets.length > 1 && this.target.sendBurst ? this.target.sendBurst(packets) : packets.map((bytes) => this.target.send(bytes));
    const [firstMs, lastMs] = [sent[0], sent[sent.length - 1]].map((p) => this.clock.elapsedMs((p as TimedPacket).timeNs)) as [number, number];
    this.clock.noteActedAt(packets.length > 1 ? `sending a burst of ${packets.length} segments` : 'sending a segment', firstMs);
    this.clock.noteTook(`spreading a burst of ${packets.length} segments`, lastMs - firstMs);
    const toOracle: PeerSegment[] = [];
    built.forEach(({ tcp, ip, good }, i) => {
      this.clock.moveAnchor(this.clock.elapsedMs((sent[i] as TimedPacket).timeNs));
      const arrival = arrivalOf(ip, this.target.broadcast);
      const delivered = ip.dst === this.target.address || arrival.to !== 'unicast';
      // A segment with a bad checksum never reaches a conforming TCP (MUST-3), nor does one IP hands to
      // another host: the reference machine does not see them.
      if (good && delivered) toOracle.push({ segment: tcp, toShadowPort: tcp.dstPort === this.numbering.targetPort, arrival });
    });
    // At the time the last of them was handed over: what the target sends in answer comes no earlier.
    if (toOracle.length > 0) this.oracle.peerSentTogether(toOracle, this.clock.elapsedMs((sent[sent.length - 1] as TimedPacket).timeNs));
    built.forEach(({ tcp, ip, good }, i) => {
      this.recordPacket('to-target', sent[i] as TimedPacket, { segment: summarizeToTarget(tcp, this.numbering, good, ipText(ip, this.target.peerAddress, this.target.address)) });
    });
  }

  /** The segment, its datagram and the bytes for `template`; the connection moves on past it. */
  private build(template: SegmentTemplate): { tcp: TcpSegment; ip: IpHeader; bytes: Uint8Array; good: boolean } {
    const flags = parseFlags(template.flags);
    const tcp: TcpSegment = {
      srcPort: this.numbering.peerPort,
      dstPort: this.numbering.targetPort,
      seq: this.peerSeq(template.seq),
      ack: flags & TcpFlag.ACK || template.ack !== undefined ? this.numbering.peerAck(template.ack) : 0,
      flags,
      window: template.window,
      urgentPointer: template.urgentPointer,
      options: this.peerTimestamps.complete(flags, template.options.map((o) => wireOption(o, this.numbering, this.peerTimestamps)), this.clock.elapsedMs()),
      payload: template.payload === 'mss' ? patternPayload(this.oracle.targetOffer.mss) : template.payload,
    };
    const ip = this.ipHeader(template.ip);
    const bytes = template.checksum === 'bad' ? encodeWithBadChecksum({ ip, tcp }) : encodePacket({ ip, tcp });
    this.numbering.notePeerSent(tcp);
    return { tcp, ip, bytes, good: template.checksum === 'good' };
  }

  /**
   * The peer sends an ICMP error about the target's last segment (RFC 9293 §3.9.2.2), from the peer's
   * address as a router on the path would, quoting that segment with the sequence number the step names,
   * if any; over IPv6, the ICMPv6 error that says the same (icmp-packet.ts). The oracle's machine gets it too.
   */
  async sendIcmp(template: IcmpTemplate): Promise<void> {
    const last = this.lastFromTarget;
    if (last === undefined) throw new Error('icmp: the target has sent no segment yet for the error to quote');
    const seq = template.seq === undefined ? last.segment.seq : this.numbering.targetSeq(template.seq);
    const invoking = decodePacket(last.bytes);
    const { checksum: _onTheWire, ...segment } = last.segment;
    const dstPort = template.peerPort ?? last.segment.dstPort;
    const quoted = seq === last.segment.seq && dstPort === last.segment.dstPort ? last.bytes : encodePacket({ ip: invoking.ip, tcp: { ...segment, seq, dstPort } } as TcpPacket);
    const packet = icmpErrorPacket(template, quoted, this.target.peerAddress, this.target.address);
    const sent = this.target.send(encodePacket(packet));
    // What the target put on the wire before the error is judged before the oracle hears of it, even when
    // read after it: a harness descheduled between taking what had arrived and sending lets a segment
    // cross, and judged after, it would be held to what the error changed (a smaller path MTU).
    const sentAfter: TimedPacket[] = [];
    for (let packet = await this.target.receive(0); packet; packet = await this.target.receive(0)) {
      if (packet.timeNs < sent.timeNs) this.takeIntoInbox(packet);
      else sentAfter.push(packet);
    }
    const atMs = this.clock.elapsedMs(sent.timeNs);
    this.clock.noteActedAt('sending an ICMP error', atMs);
    this.clock.moveAnchor(atMs);
    const error = { kind: template.kind, code: template.code, ...(template.nextHopMtu !== undefined && { nextHopMtu: template.nextHopMtu }), quoted: { srcPort: last.segment.srcPort, dstPort, seq } };
    this.oracle.icmpSent(error, atMs, last.segment.srcPort === this.numbering.targetPort);
    const icmp = summarizeIcmpIn(decodePacket(sent.bytes), (n) => this.numbering.targetRelative(n));
    this.recordPacket('to-target', sent, { ...(icmp && { icmp }) });
    for (const packet of sentAfter) this.takeIntoInbox(packet);
  }

  /** Judges `packet` now and keeps it for the steps to read, when it is a TCP segment (or garbage). */
  private takeIntoInbox(packet: TimedPacket): void {
    const got = this.take(packet);
    if (got) this.inbox.push(got);
  }

  /**
   * The next TCP segment the target sends before `deadlineMs`, judged by the oracle the moment it is
   * taken; ICMP is recorded as what it says, other packets as a note, and both are passed over.
   */
  private async fromTarget(deadlineMs: number): Promise<Pulled | undefined> {
    for (;;) {
      // Even with no time left, what the target has already sent is taken (a receive of 0 ms).
      const packet = await this.target.receive(Math.max(0, deadlineMs - this.clock.elapsedMs()));
      if (!packet) return undefined;
      const got = this.take(packet);
      if (got) return got;
    }
  }

  /**
   * One packet from the target, judged by the oracle and recorded: a TCP segment or a packet that does
   * not parse; ICMP is recorded as what it says, other packets as a note, and both are passed over
   * (undefined).
   */
  private take(packet: TimedPacket): Pulled | undefined {
    const atMs = this.clock.elapsedMs(packet.timeNs);
    try {
      const decoded = decodePacket(packet.bytes);
      const icmp = summarizeIcmpIn(decoded, (n) => this.numbering.peerRelative(n));
      if (icmp) {
        this.recordPacket('from-target', packet, { icmp });
        return undefined;
      }
      if (!decoded.tcp) {
        this.recordPacket('from-target', packet, { note: `IP protocol ${decoded.ip.protocol}, not TCP: passed over` });
        return undefined;
      }
      this.lastFromTarget = { bytes: packet.bytes, segment: decoded.tcp };
      this.numbering.noteTargetSent(decoded.tcp);
      this.peerTimestamps.targetSent(decoded.tcp);
      const checksumOk = decoded.tcpChecksumOk && decoded.ipChecksumOk;
      const violation = this.oracle.observe(decoded.tcp, atMs, decoded.ip);
      this.recordPacket('from-target', packet, { segment: summarizeFromTarget(decoded.tcp, this.numbering, checksumOk, ipText(decoded.ip, this.target.address, this.target.peerAddress)) });
      const key = `${decoded.tcp.flags}/${decoded.tcp.seq}/${decoded.tcp.payload.length}`;
      const repeats = this.sentByTarget.has(key);
      const ipId = decoded.ip.version === 4 ? decoded.ip.id : undefined;
      const sameIpId = repeats && ipId !== undefined && this.sentByTarget.get(key) === ipId;
      if (!repeats) this.sentByTarget.set(key, ipId);
      return { segment: decoded.tcp, ip: decoded.ip, checksumOk, atMs, repeats, sameIpId, order: this.clock.nextOrder(), ...(violation && { violation }) };
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      this.recordPacket('from-target', packet, { note: `does not parse: ${error.message}` });
      return { garbage: error.message, atMs, order: this.clock.nextOrder() };
    }
  }

  /**
   * The oldest segment no step has consumed, else the next one the target sends, if it was sent (its
   * wire time) by `deadlineMs`. One read after the deadline but sent later stays for the steps after.
   */
  async pull(deadlineMs: number): Promise<Pulled | undefined> {
    const got = this.inbox.shift() ?? (await this.fromTarget(deadlineMs));
    if (got !== undefined && got.atMs > deadlineMs) {
      this.inbox.unshift(got);
      return undefined;
    }
    return got;
  }

  /** The divergence of the first segment waiting in the inbox that the oracle found one in, if any. */
  judgedInInbox(): StepResult | undefined {
    const judged = this.inbox.find((got) => got.violation);
    return judged?.violation && this.divergence(judged.violation, this.segmentTextOf(judged));
  }

  /** Takes what the target has sent already, without waiting, so the oracle judges it in time. */
  async collectArrived(): Promise<void> {
    for (let got = await this.fromTarget(0); got; got = await this.fromTarget(0)) this.inbox.push(got);
  }

  segmentTextOf(got: Pulled): string {
    return got.segment ? segmentText(summarizeFromTarget(got.segment, this.numbering, got.checksumOk ?? true, ipText(got.ip, this.target.address, this.target.peerAddress))) : 'a malformed packet';
  }

  /** The oracle's verdict on a segment, as a failed step. */
  divergence(violation: Violation, observed: string): StepResult {
    return {
      outcome: 'fail',
      expected: violation.expected,
      observed,
      mismatches: [{ field: violation.rule, expected: violation.expected, observed }],
      message: `${violation.rule}: ${violation.message}`,
    };
  }

  /**
   * Fails when the target let a deadline of the reference machine pass (as of now). What it has sent is
   * taken in first: a busy harness must not hold a segment that came in time against the target.
   */
  async overdue(): Promise<StepResult | undefined> {
    await this.collectArrived();
    const late = this.oracle.overdue(this.clock.elapsedMs());
    return late && { ...this.divergence(late, 'nothing'), message: `${late.rule}: ${late.message}` };
  }

  /**
   * Waits until the target has sent everything the reference machine obliges it to, judging each
   * segment; what a case leaves unasserted is checked here, so a case may be stimuli alone.
   */
  async settle(): Promise<StepResult> {
    // Segments taken in unread (what came after an expect matched, or before a send) were judged on arrival.
    const judged = this.judgedInInbox();
    if (judged) return judged;
    for (let deadline = this.oracle.latestDeadline(); deadline !== undefined; deadline = this.oracle.latestDeadline()) {
      const got = await this.pull(deadline + 0.001);
      if (!got) {
        // A real clock's timer may wake a little before the deadline: judge only once it has passed.
        while (this.clock.elapsedMs() <= deadline) await this.target.sleep(Math.max(1, deadline - this.clock.elapsedMs()));
        this.clock.settledUntil(deadline);
        return (await this.overdue()) ?? { outcome: 'pass' };
      }
      this.clock.settledUntil(got.atMs);
      if (got.violation) return this.divergence(got.violation, this.segmentTextOf(got));
      if (got.garbage !== undefined) return { outcome: 'fail', expected: 'a well-formed packet', observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage}` };
    }
    return { outcome: 'pass' };
  }
}
