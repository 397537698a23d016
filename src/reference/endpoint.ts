/**
 * The reference machine's public face: one TCP endpoint, pure and deterministic. It does no I/O and reads
 * no clock: every call passes the virtual time in milliseconds and returns what the endpoint did.
 */
import type { TcpSegment, TcpState } from '../wire';
import { seqAdd } from '../wire/seq';
import { adoptIss } from './adopt-iss';
import { adoptReceiveWindow, adoptSent } from './adopt-observed';
import { icmpErrorArrives, type IcmpError } from './icmp';
import { familyOfAddress, IP_FACTS, PLAIN_ARRIVAL, type Arrival } from './ip';
import type { EndpointOptions, Machine } from './machine';
import { skippable } from './mutation';
import type { Output } from './output';
import { checkProfile, type Profile } from './profile';
import { RuleLog, type Rule } from './rules';
import { aggregateAcks } from './aggregate-acks';
import { adoptOffer, offerOf } from './syn-options';
import { segmentArrives } from './segment-arrives';
import { newTcb, type Tcb } from './tcb';
import { configure, type SettingChanges } from './settings';
import { fireDueTimers, nextDeadline } from './timeouts';
import { UserCallError } from './user-call-error';
import * as user from './user-calls';

export interface Socket {
  readonly address: string;
  readonly port: number;
}

/**
 * One endpoint holds one connection. Listening, it becomes the connection a SYN opens; after a RST in
 * SYN-RECEIVED it listens again (MUST-11). User calls that the RFC answers with an error throw a
 * `UserCallError` carrying the RFC's words.
 */
export class ReferenceEndpoint {
  private readonly m: Machine;

  constructor(
    profile: Profile,
    /** This endpoint's socket. Only the port is the machine's business: it never sees IP headers. */
    readonly local: Socket,
    options: EndpointOptions = {},
  ) {
    checkProfile(profile);
    const passiveIss = (options.iss ?? 0) >>> 0;
    this.m = {
      profile,
      localPort: local.port,
      ip: IP_FACTS[familyOfAddress(local.address)],
      passiveIss,
      settings: {
        nagle: options.nagle ?? true,
        userTimeoutMs: options.userTimeoutMs,
        keepAlive: { enabled: false, idleMs: profile.keepAliveIdleMs, intervalMs: profile.keepAliveIntervalMs, count: profile.keepAliveCount, ...options.keepAlive },
      },
      remotePort: undefined,
      state: 'CLOSED',
      tcb: newTcb(profile, passiveIss),
      now: 0,
      arrival: PLAIN_ARRIVAL,
      out: [],
      rules: new RuleLog(),
      mutation: options.mutation,
    };
  }

  get state(): TcpState {
    return this.m.state;
  }

  /** The peer's port, once a connection exists. */
  get remotePort(): number | undefined {
    return this.m.remotePort;
  }

  get tcb(): Readonly<Tcb> {
    return this.m.tcb;
  }

  /** Every rule applied, in order: a run reports which rules of `ALL_RULES` it never reached. */
  get firedRules(): Rule[] {
    return this.m.rules.toArray();
  }

  /** Every rule applied, each once, in the order first applied. */
  get distinctRules(): Rule[] {
    return this.m.rules.distinct();
  }

  /** How many rules have been applied: a mark for `rulesSince`. */
  get ruleCount(): number {
    return this.m.rules.length;
  }

  /** Whether any of `rules` was applied since `ruleCount` was `start`. */
  firedSince(start: number, rules: readonly Rule[]): boolean {
    return this.m.rules.firedSince(start, rules);
  }

  /** Starts an event at virtual time `now`: the timers due by then fire first, and their outputs lead. */
  private begin(now: number): Output[] {
    if (now < this.m.now) throw new RangeError(`time runs forward: ${now} ms is before ${this.m.now} ms`);
    const out: Output[] = (this.m.out = []);
    fireDueTimers(this.m, now);
    return out;
  }

  /** A user call at `now`. Refused, its error carries the outputs of the timers that fired before it. */
  private userCall(now: number, call: () => void): Output[] {
    const out = this.begin(now);
    try {
      skippable(call);
    } catch (error) {
      if (error instanceof UserCallError) error.outputs = out;
      throw error;
    }
    return out;
  }

  /** §3.10.1 OPEN, passive: LISTEN on the local port. */
  openPassive(now: number): Output[] {
    return this.userCall(now, () => user.openPassive(this.m));
  }

  /**
   * §3.10.1 OPEN, active: a SYN at `iss` to `remote`, whose address is the caller's to route; `remoteTo`
   * says whether that address is one host's or a broadcast or multicast address, which an OPEN refuses
   * (§3.9.1.1, MUST-46).
   */
  openActive(remote: Socket, iss: number, now: number, remoteTo: Arrival['to'] = 'unicast'): Output[] {
    return this.userCall(now, () => user.openActive(this.m, remote.port, iss >>> 0, remoteTo));
  }

  /**
   * §3.10.2 SEND: `octets`, or that many octets of the pattern "abc…z" over the connection's output; with
   * `urgent`, the URGENT flag: they are urgent data (§3.8.5).
   */
  send(octets: number | Uint8Array, now: number, urgent = false): Output[] {
    return this.userCall(now, () => user.send(this.m, octets, urgent));
  }

  /** §3.10.3 RECEIVE: up to `max` octets (all on hand when undefined). Reading may open the window. */
  receive(max: number | undefined, now: number): { octets: number; outputs: Output[] } {
    let octets = 0;
    const outputs = this.userCall(now, () => {
      octets = user.receive(this.m, max);
    });
    return { octets, outputs };
  }

  /** The application stops reading: data stays in the buffer and RCV.WND shrinks as it arrives (MUST-39, SHLD-14). */
  stopReading(): void {
    this.m.tcb.reading = false;
  }

  /** Closes both directions, as a socket's close() does: §3.10.4 CLOSE, and no more reading (MAY-1, SHLD-3). */
  close(now: number): Output[] {
    return this.userCall(now, () => user.closeBothWays(this.m));
  }

  /** Closes the sending direction only: §3.10.4 CLOSE as the RFC has it. */
  shutdown(now: number): Output[] {
    return this.userCall(now, () => user.close(this.m));
  }

  /** §3.10.5 ABORT. */
  abort(now: number): Output[] {
    return this.userCall(now, () => user.abort(this.m));
  }

  /** Changes what the application set on the connection (see ConnectionSettings); returns what that sent. */
  configure(changes: SettingChanges, now: number): Output[] {
    const out = this.begin(now);
    configure(this.m, changes);
    return out;
  }

  /** Whether the next octet RECEIVE returns is the last urgent octet, the one before RCV.UP (the urgent mark). */
  atUrgentMark(): boolean {
    const { tcb } = this.m;
    return seqAdd(tcb.rcvRead, 1) === tcb.rcvUp;
  }

  /** Whether the peer's FIN has been processed and the application has read every octet before it. */
  allRead(): boolean {
    const { tcb } = this.m;
    const finProcessed = ['CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'TIME-WAIT'].includes(this.m.state);
    return finProcessed && tcb.rcvUser === 0 && tcb.appHeld === 0;
  }

  /** §3.10.6 STATUS. */
  status(): { state: TcpState; tcb: Readonly<Tcb> } {
    return user.status(this.m);
  }

  /** §3.10.7 SEGMENT ARRIVES, with what IP said of its datagram (§3.9.2): a plain unicast datagram by default. */
  segmentArrives(seg: TcpSegment, now: number, arrival: Arrival = PLAIN_ARRIVAL): Output[] {
    const out = this.begin(now);
    this.m.arrival = arrival;
    skippable(() => segmentArrives(this.m, seg));
    return out;
  }

  /** §3.9.2.2: an ICMP error from IP about a segment this endpoint sent. */
  icmpErrorArrives(error: IcmpError, now: number): Output[] {
    const out = this.begin(now);
    skippable(() => icmpErrorArrives(this.m, error));
    return out;
  }

  /**
   * §3.10.7.4: segments queued together, processed in order before any ACK is sent: "the processing of
   * received segments MUST be implemented to aggregate ACK segments whenever possible" (MUST-58), and
   * "if the TCP endpoint is processing a series of queued segments, it MUST process them all before
   * sending any ACK segments" (MUST-59).
   */
  segmentsArrive(queued: readonly { readonly segment: TcpSegment; readonly arrival?: Arrival }[], now: number): Output[] {
    const out = this.begin(now);
    for (const { segment, arrival } of queued) {
      this.m.arrival = arrival ?? PLAIN_ARRIVAL;
      skippable(() => segmentArrives(this.m, segment));
    }
    return aggregateAcks(this.m, out);
  }

  /** §3.10.8: fires every timer due at or before `now`, each at its deadline, in order. */
  tick(now: number): Output[] {
    return this.begin(now);
  }

  /** The earliest running timer's deadline, for a virtual clock to jump to. */
  nextDeadline(): number | undefined {
    return nextDeadline(this.m);
  }

  /** Rebases this endpoint's sequence space on `iss`, while nothing but the SYN has been sent. */
  adoptIss(iss: number): void {
    adoptIss(this.m, iss);
  }

  /** Takes the options a target's SYN (or SYN-ACK) carried as this endpoint's own offer (RFC 7323, RFC 2018). */
  adoptSynOffer(syn: TcpSegment): void {
    adoptOffer(this.m.tcb, offerOf(syn));
  }

  /** Takes the window a target offered, whose right edge is `edge`, as RCV.WND, and the buffer it shows as RCV.BUFF. */
  adoptReceiveWindow(edge: number, maxWindow: number): void {
    adoptReceiveWindow(this.m, edge >>> 0, maxWindow);
  }

  /** Takes sequence space a target sent up to `end` at `now` as sent (SND.NXT); returns what timers due by then did. */
  adoptSent(end: number, now: number): Output[] {
    const out = this.begin(now);
    adoptSent(this.m, end >>> 0);
    return out;
  }
}
