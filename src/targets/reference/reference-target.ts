/**
 * The `reference` target: the reference machine itself behind the Target interface, with a virtual clock,
 * so that a suite runs on it without a network and a 2×MSL wait costs nothing (design notes, "Targets").
 */
import { createHash } from 'node:crypto';
import { icmpErrorOfIcmpv4, icmpErrorOfIcmpv6, IP_FACTS, ReferenceEndpoint, RFC9293_PROFILE, UserCallError, type IcmpError, type Mutation, type Output, type Profile, type Rule, type UserCallErrorReason, type UserEvent } from '../../reference';
import { addressedTo, arrivalOf, type Arrival } from '../../reference/ip';
import { TcpFlag, decodePacket, WireError, type TcpSegment } from '../../wire';
import type { AddressFamily } from '../family';
import { SOCKET_OPTION_NAMES, type AppCall, type AppCallName, type AppEvent, type AppResult, type Capabilities, type Target, type TimedEvent, type TimedPacket } from '../target';
import { OutboundPackets } from './outbound-packets';
import { SocketOptions } from './socket-options';

export const REFERENCE_ADDRESS = '198.18.0.1';
export const REFERENCE_PEER_ADDRESS = '198.18.0.2';
/** The directed broadcast address of the reference target's subnet, 198.18.0.0/24. */
export const REFERENCE_BROADCAST = '198.18.0.255';
/** The reference target and its peer on IPv6, in 2001:2::/64 (which has no broadcast address). */
export const REFERENCE_ADDRESS6 = '2001:2::1';
export const REFERENCE_PEER_ADDRESS6 = '2001:2::2';
/** The local port of a connect that names none: the first of the dynamic range (RFC 6335 §6). */
const EPHEMERAL_PORT = 49152;
/**
 * RFC 6528's secret key. A real stack draws it at random at boot; this one is fixed, so that runs are
 * deterministic (the runner compares sequence numbers relative to each ISN anyway).
 */
const ISN_SECRET = 'tcpconform reference target';
/** RFC 6528 §3: M, "a timer that's incremented every 4 microseconds": 250 ticks a millisecond. */
const ISN_TICKS_PER_MS = 250;

/** Nanoseconds on the target's clock, as `Target.now()` reports them, for `ms` milliseconds of virtual time. */
function msToNs(ms: number): bigint {
  return BigInt(Math.round(ms * 1e6));
}

const APP_CALLS: readonly AppCallName[] = ['listen', 'connect', 'write', 'write-urgent', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state', 'at-mark', 'set-option'];

/** The errno a socket reports for each of the RFC's error responses (RFC 9293 §3.10). */
const ERRNO: Record<UserCallErrorReason, string> = {
  'connection does not exist': 'ENOTCONN',
  'connection already exists': 'EISCONN',
  'connection closing': 'EPIPE',
  'remote socket unspecified': 'ENOTCONN',
  // Linux's answer to a connect() to a broadcast or multicast address (net/ipv4/tcp_ipv4.c tcp_v4_connect()).
  'invalid remote address': 'ENETUNREACH',
};

export class ReferenceTarget implements Target {
  readonly name = 'reference';
  readonly capabilities: Capabilities = {
    appCalls: APP_CALLS,
    options: SOCKET_OPTION_NAMES,
    clock: 'virtual',
    families: ['ipv4', 'ipv6'],
    notes: ['the reference machine (RFC 9293 §3.10) on a virtual clock'],
  };
  readonly address: string;
  readonly peerAddress: string;
  readonly broadcast: string | undefined;

  /** Virtual time in milliseconds. */
  private clockMs = 0;
  /** What the endpoint sent, oldest first, encoded only when a caller wants bytes (an oracle reads the segments). */
  private readonly packets: OutboundPackets;
  private events: TimedEvent[] = [];
  /** The endpoint: CLOSED on port 0 until the application listens or connects, so every segment gets the CLOSED answer. */
  private endpoint: ReferenceEndpoint;
  /** Rules fired by endpoints this target has replaced. */
  private readonly retiredRules: Rule[] = [];
  /** An error a RST or timeout left for the next read or write, as a socket keeps one. */
  private pendingError: string | undefined;
  private eofReported = false;
  private readonly options = new SocketOptions();
  /** The last ICMP error delivered: a hard one's code names the error a socket reports. */
  private lastIcmp: IcmpError | undefined;

  constructor(
    private profile: Profile,
    /** A seeded defect (src/mutate): the target is then a mutant of the reference machine. */
    private readonly mutation?: Mutation,
    /** The IP version it speaks: its addresses, the datagrams it takes and sends. */
    private readonly family: AddressFamily = 'ipv4',
  ) {
    this.address = family === 'ipv6' ? REFERENCE_ADDRESS6 : REFERENCE_ADDRESS;
    this.peerAddress = family === 'ipv6' ? REFERENCE_PEER_ADDRESS6 : REFERENCE_PEER_ADDRESS;
    this.broadcast = family === 'ipv6' ? undefined : REFERENCE_BROADCAST;
    this.packets = new OutboundPackets(family, this.address, this.peerAddress);
    this.endpoint = this.newEndpoint(0);
  }

  /** Every rule the reference machine applied during this target's life, in order. */
  get firedRules(): readonly Rule[] {
    return [...this.retiredRules, ...this.endpoint.firedRules];
  }

  /** Every rule the reference machine applied during this target's life, each once, in the order first applied. */
  get distinctRules(): readonly Rule[] {
    return [...new Set([...this.retiredRules, ...this.endpoint.distinctRules])];
  }

  /** How many rules have been applied in this target's life: a mark for `rulesSince`. */
  get ruleCount(): number {
    return this.retiredRules.length + this.endpoint.ruleCount;
  }

  /** Whether any of `rules` was applied since `ruleCount` was `start`; asked without copying the history, which a long capture makes millions long. */
  firedSince(start: number, rules: readonly Rule[]): boolean {
    const retired = this.retiredRules.length;
    if (start >= retired) return this.endpoint.firedSince(start - retired, rules);
    return this.retiredRules.slice(start).some((rule) => rules.includes(rule)) || this.endpoint.firedSince(0, rules);
  }

  /** The reference machine's state. */
  get state(): ReferenceEndpoint['state'] {
    return this.endpoint.state;
  }

  /** §3.10.6 STATUS: the machine's state, CLOSED where the RFC answers "connection does not exist". */
  status(): ReferenceEndpoint['state'] {
    try {
      return this.endpoint.status().state;
    } catch (error) {
      if (error instanceof UserCallError) return 'CLOSED';
      throw error;
    }
  }

  /** The endpoint's TCB, for an oracle holding a target's segments against it. */
  get tcb(): ReferenceEndpoint['tcb'] {
    return this.endpoint.tcb;
  }

  /** The endpoint's own port: an oracle addresses the peer's segments to it whatever port the target chose. */
  get localPort(): number {
    return this.endpoint.local.port;
  }

  /** Rebases the connection on the ISN a target chose (see ReferenceEndpoint.adoptIss). */
  adoptIss(iss: number): void {
    this.endpoint.adoptIss(iss);
  }

  /** Takes a target's SYN options as the machine's own offer (see ReferenceEndpoint.adoptSynOffer). */
  adoptSynOffer(syn: TcpSegment): void {
    this.endpoint.adoptSynOffer(syn);
  }

  /** Takes the window a target offered as the machine's own (see ReferenceEndpoint.adoptReceiveWindow). */
  adoptReceiveWindow(edge: number, maxWindow: number): void {
    this.endpoint.adoptReceiveWindow(edge, maxWindow);
  }

  /** Takes what a target sent up to `end` as sent by the machine (see ReferenceEndpoint.adoptSent). */
  adoptSent(end: number): void {
    this.take(this.endpoint.adoptSent(end, this.clockMs));
  }

  /** Lets virtual time run to `ms` (never backwards), firing the timers due on the way. */
  advanceUntil(ms: number): void {
    this.advanceTo(Math.max(ms, this.clockMs), () => false);
  }

  /** The next packet the machine sent, without letting time pass. */
  takePacket(): TimedPacket | undefined {
    const queued = this.packets.take();
    return queued && { bytes: this.packets.encode(queued), timeNs: msToNs(queued.timeMs) };
  }

  /** The next segment the machine sent, without letting time pass or encoding it: what an oracle compares. */
  takeSegment(): TcpSegment | undefined {
    return this.packets.take()?.output.segment;
  }

  /** An ICMP error about a segment this target sent, straight to the machine: an oracle has it decoded already. */
  deliverIcmp(error: IcmpError): void {
    this.lastIcmp = error;
    this.take(this.endpoint.icmpErrorArrives(error, this.clockMs));
  }

  /** A segment from the peer, straight to SEGMENT ARRIVES: an oracle has it, and what IP says of it, decoded already. */
  deliver(segment: TcpSegment, arrival?: Arrival): void {
    this.take(this.endpoint.segmentArrives(segment, this.clockMs, arrival));
  }

  /** Segments from the peer queued together, as `sendBurst` takes them, decoded already. */
  deliverTogether(queued: readonly { readonly segment: TcpSegment; readonly arrival?: Arrival }[]): void {
    this.take(this.endpoint.segmentsArrive(queued, this.clockMs));
  }

  now(): bigint {
    return msToNs(this.clockMs);
  }

  async sleep(ms: number): Promise<void> {
    this.advanceTo(this.clockMs + ms, () => false);
  }

  send(packet: Uint8Array): TimedPacket {
    const arrived = this.arrivalFor(packet);
    if (arrived !== undefined && 'icmp' in arrived) this.deliverIcmp(arrived.icmp);
    else if (arrived !== undefined) this.take(this.endpoint.segmentArrives(arrived.segment, this.clockMs, arrived.arrival));
    return { bytes: packet, timeNs: this.now() };
  }

  /**
   * A burst: the segments wait in IP's input queue together and are processed together, their ACKs
   * aggregated (RFC 9293 §3.10.7.4, MUST-58, MUST-59).
   */
  sendBurst(packets: readonly Uint8Array[]): TimedPacket[] {
    const queued = packets.map((packet) => this.arrivalFor(packet)).filter((arrived) => arrived !== undefined && 'segment' in arrived);
    this.take(this.endpoint.segmentsArrive(queued, this.clockMs));
    return packets.map((bytes) => ({ bytes, timeNs: this.now() }));
  }

  async receive(timeoutMs: number): Promise<TimedPacket | undefined> {
    if (this.packets.length === 0) this.advanceTo(this.clockMs + Math.max(0, timeoutMs), () => this.packets.length > 0);
    return this.takePacket();
  }

  async app(call: AppCall): Promise<AppResult> {
    return this.appNow(call);
  }

  /** `app` without waiting: the machine answers a call at once, which an oracle's shadow machine relies on for speed. */
  appNow(call: AppCall): AppResult {
    try {
      return this.call(call);
    } catch (error) {
      if (!(error instanceof UserCallError)) throw error;
      this.take(error.outputs);
      return this.refused(call, error.reason);
    }
  }

  /** The interface's MTU: the machine advertises the MSS it allows, the IP and TCP headers less (RFC 9293 §3.7.1). */
  async setMtu(mtu: number): Promise<void> {
    this.profile = { ...this.profile, mss: mtu - IP_FACTS[this.family].ipTcpHeaders };
    if (this.endpoint.state === 'CLOSED') this.endpoint = this.newEndpoint(this.endpoint.local.port);
  }

  takeEvents(): TimedEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  async close(): Promise<void> {}

  /**
   * RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M the 4-µs clock (here
   * the virtual one) and F a keyed hash (SHA-256 where RFC 6528 suggests MD5), so that ISNs advance with
   * time on one four-tuple and an outsider cannot tell one four-tuple's from another's (MUST-8, MUST-9, SHLD-1).
   */
  private isnFor(localPort: number, remotePort: number): number {
    const tuple = `${ISN_SECRET}|${this.address}:${localPort}|${this.peerAddress}:${remotePort}`;
    const f = createHash('sha256').update(tuple).digest().readUInt32BE(0);
    return (Math.floor(this.clockMs * ISN_TICKS_PER_MS) + f) >>> 0;
  }

  private newEndpoint(port: number): ReferenceEndpoint {
    // The ISS given here is a placeholder: a connection's own is chosen when its SYN arrives (send()).
    const { profile, options } = this.options.forEndpoint(this.profile, this.isnFor(port, 0));
    return new ReferenceEndpoint(profile, { address: this.address, port }, { ...options, ...(this.mutation && { mutation: this.mutation }) });
  }

  /**
   * A fresh endpoint on `port` for an OPEN. While a connection exists, the endpoint answers the OPEN
   * itself: "connection already exists".
   */
  private openOn(port: number): void {
    if (this.endpoint.state !== 'CLOSED') this.endpoint.openPassive(this.clockMs);
    this.retiredRules.push(...this.endpoint.firedRules);
    this.endpoint = this.newEndpoint(port);
    this.pendingError = undefined;
    this.eofReported = false;
  }

  private call(call: AppCall): AppResult {
    const now = this.clockMs;
    switch (call.call) {
      case 'listen':
        this.openOn(call.port);
        this.take(this.endpoint.openPassive(now));
        return { ok: true };
      case 'connect': {
        const address = call.host ?? this.peerAddress;
        this.openOn(call.localPort ?? EPHEMERAL_PORT);
        this.take(this.endpoint.openActive({ address, port: call.port }, this.isnFor(this.endpoint.local.port, call.port), now, addressedTo(address, this.broadcast)));
        return { ok: true };
      }
      case 'write':
      case 'write-urgent': {
        const error = this.takePendingError();
        if (error !== undefined) return error;
        this.take(this.endpoint.send(call.bytes, now, call.call === 'write-urgent'));
        return { ok: true, bytes: call.bytes };
      }
      case 'read':
        return this.read(call.bytes, now);
      case 'stop-reading':
        this.endpoint.stopReading();
        return { ok: true };
      case 'shutdown':
        this.take(this.endpoint.shutdown(now));
        return { ok: true };
      case 'close':
        this.take(this.options.closeAborts ? this.endpoint.abort(now) : this.endpoint.close(now));
        return { ok: true };
      case 'abort':
        this.take(this.endpoint.abort(now));
        return { ok: true };
      case 'state':
        return { ok: true, state: this.status() };
      case 'at-mark':
        return { ok: true, atMark: this.endpoint.atUrgentMark() };
      case 'set-option': {
        const changes = this.options.set(call.name, call.value);
        if (changes) this.take(this.endpoint.configure(changes, now));
        return { ok: true };
      }
    }
  }

  /** RECEIVE, answering as a socket's read does: the end of the data once the peer's FIN is read. */
  private read(max: number | undefined, now: number): AppResult {
    const error = this.takePendingError();
    if (error !== undefined) return error;
    const { octets, outputs } = this.endpoint.receive(max, now);
    this.take(outputs);
    const eof = outputs.some((o) => o.kind === 'user' && o.event === 'eof') || (octets > 0 && this.endpoint.allRead());
    return { ok: true, bytes: octets, ...(eof && { eof }) };
  }

  /**
   * What a socket answers where the RFC answers with an error: closing what is already closing is done,
   * and a listen on a port that has its connection already is refused as bind() refuses it.
   */
  private refused(call: AppCall, reason: UserCallErrorReason): AppResult {
    if ((call.call === 'close' || call.call === 'shutdown') && reason === 'connection closing') return { ok: true };
    if (call.call === 'listen' && reason === 'connection already exists') return { ok: false, error: 'EADDRINUSE' };
    return { ok: false, error: ERRNO[reason] };
  }

  private takePendingError(): AppResult | undefined {
    const error = this.pendingError;
    this.pendingError = undefined;
    return error === undefined ? undefined : { ok: false, error };
  }

  /** Lets virtual time run to `limitMs`, firing timers at their deadlines, or until `enough` says stop. */
  private advanceTo(limitMs: number, enough: () => boolean): void {
    for (;;) {
      const deadline = this.endpoint.nextDeadline();
      if (deadline === undefined || deadline > limitMs) break;
      this.clockMs = Math.max(this.clockMs, deadline);
      this.take(this.endpoint.tick(this.clockMs));
      if (enough()) return;
    }
    this.clockMs = limitMs;
  }

  /**
   * What a packet to this target brings, if IP takes it: a TCP segment with what IP says of its datagram,
   * or an ICMP error. Others are dropped, as IP would: a bad checksum silently (RFC 9293 §3.1, MUST-3;
   * RFC 792), and what is addressed to another host (a broadcast reaches this one too). A SYN to a
   * listener opens a connection on a new four-tuple, so its ISS is chosen here, as it arrives (RFC 6528).
   */
  private arrivalFor(packet: Uint8Array): { segment: TcpSegment; arrival: Arrival } | { icmp: IcmpError } | undefined {
    try {
      const decoded = decodePacket(packet);
      if (decoded.ip.version !== (this.family === 'ipv6' ? 6 : 4) || !decoded.ipChecksumOk) return undefined;
      const arrival = arrivalOf(decoded.ip, this.broadcast);
      if (decoded.ip.dst !== this.address && arrival.to === 'unicast') return undefined;
      if (decoded.tcp === undefined) {
        const heard = decoded.icmpChecksumOk === true && arrival.to === 'unicast';
        const error = !heard ? undefined : decoded.icmp ? icmpErrorOfIcmpv4(decoded.icmp) : decoded.icmpv6 ? icmpErrorOfIcmpv6(decoded.icmpv6) : undefined;
        return error && { icmp: error };
      }
      if (!decoded.tcpChecksumOk) return undefined;
      const opens = this.endpoint.state === 'LISTEN' && decoded.tcp.dstPort === this.endpoint.local.port && (decoded.tcp.flags & TcpFlag.SYN) !== 0;
      if (opens) this.endpoint.adoptIss(this.isnFor(decoded.tcp.dstPort, decoded.tcp.srcPort));
      return { segment: decoded.tcp, arrival };
    } catch (error) {
      if (error instanceof WireError) return undefined;
      throw error;
    }
  }

  /** Queues the endpoint's segments as packets at the current virtual time, and its signals as events. */
  private take(outputs: readonly Output[]): void {
    for (const output of outputs) {
      // SHLD-22: the Differentiated Services codepoint the application set goes to IP unchanged.
      if (output.kind === 'segment') this.packets.push({ output, dscp: this.options.dscp, timeMs: this.clockMs });
      else if (output.kind === 'user') this.signal(output.event);
    }
  }

  private emit(event: AppEvent): void {
    this.events.push({ event, timeNs: this.now() });
  }

  private signal(event: UserEvent): void {
    switch (event) {
      case 'accepted':
        this.emit({ event: 'accepted', remotePort: this.endpoint.remotePort ?? 0 });
        return;
      case 'connected':
        this.emit({ event: 'connected' });
        return;
      case 'eof':
        if (this.eofReported) return;
        this.eofReported = true;
        this.emit({ event: 'eof' });
        return;
      case 'reset':
      case 'refused':
      case 'timeout':
      case 'unreachable': {
        const error = event === 'unreachable' ? unreachableErrno(this.lastIcmp) : event === 'reset' ? 'ECONNRESET' : event === 'refused' ? 'ECONNREFUSED' : 'ETIMEDOUT';
        this.pendingError = error;
        this.emit({ event: 'error', error });
        return;
      }
      case 'closing':
      case 'urgent':
        this.emit({ event });
        return;
      case 'soft-error':
        // A socket's application learns of a soft ICMP error only by asking for it (SO_ERROR), which the
        // calls of this target do not.
        return;
    }
  }
}

/** The error a socket reports for a connection a hard ICMP error aborted, as Linux's icmp_err_convert names it. */
function unreachableErrno(error: IcmpError | undefined): string {
  return error?.code === 2 ? 'ENOPROTOOPT' : 'ECONNREFUSED';
}

/** The reference target speaking `family`, with `profile`'s values for that family (src/runner/families.ts profileIn). */
export async function createReferenceTarget(profile: Profile = RFC9293_PROFILE, family: AddressFamily = 'ipv4'): Promise<ReferenceTarget> {
  return new ReferenceTarget(profile, undefined, family);
}
