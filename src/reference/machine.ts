/**
 * The machine's whole state as the functions of §3.10 see it: profile, sockets, state, TCB, the clock
 * of the event being processed, and where outputs and fired rules go.
 */
import type { TcpState } from '../wire';
import type { Arrival, IpFacts } from './ip';
import type { Mutation } from './mutation';
import type { Output, UserEvent } from './output';
import type { Profile } from './profile';
import type { Rule, RuleLog } from './rules';
import type { Tcb } from './tcb';

/** The endpoint's keep-alives (RFC 9293 §3.8.4): off by default (MUST-25), their timing the profile's unless set. */
export interface KeepAlive {
  readonly enabled: boolean;
  readonly idleMs: number;
  readonly intervalMs: number;
  readonly count: number;
}

/**
 * What the application sets on a connection besides §3.10's calls (sockets' options): the Nagle
 * algorithm (§3.7.4, SHLD-7), which it may turn off (MUST-17); the user timeout, R2 (§3.8.3, MUST-21:
 * §3.10.1 OPEN's timeout); keep-alives (§3.8.4, MUST-24, MUST-27).
 */
export interface ConnectionSettings {
  readonly nagle: boolean;
  /** R2 for this connection; undefined: the profile's (a SYN's or data's). */
  readonly userTimeoutMs: number | undefined;
  readonly keepAlive: KeepAlive;
}

export interface EndpointOptions extends Partial<Omit<ConnectionSettings, 'keepAlive'>> {
  /** The ISS of a passive open's SYN-ACK (default 0): time and randomness are the caller's (RFC 9293 §3.4.1). */
  readonly iss?: number;
  readonly keepAlive?: Partial<KeepAlive>;
  /** A seeded defect (src/mutate): this endpoint is then a mutant, not the reference. */
  readonly mutation?: Mutation;
}

export interface Machine {
  readonly profile: Profile;
  /** This endpoint's port. The endpoint never sees IP headers: addresses are its caller's business. */
  readonly localPort: number;
  /** The IP version under the endpoint: its default send MSS, headers and least path MTU. */
  readonly ip: IpFacts;
  readonly passiveIss: number;
  settings: ConnectionSettings;
  /** The peer's port, once a connection exists (given by an active OPEN, learned from a SYN in LISTEN). */
  remotePort: number | undefined;
  state: TcpState;
  tcb: Tcb;
  /** The virtual time of the event being processed, in milliseconds. */
  now: number;
  /** What IP said of the segment being processed (RFC 9293 §3.9.2). */
  arrival: Arrival;
  /** Outputs of the event being processed. */
  out: Output[];
  /** Every rule applied, in order. */
  readonly rules: RuleLog;
  /** The seeded defect of a mutant (mutation.ts); undefined in the reference machine. */
  readonly mutation: Mutation | undefined;
}

/** Records that `rule` decided what happens next. */
export function fire(m: Machine, rule: Rule): void {
  m.rules.record(rule);
  m.mutation?.fired?.(rule);
}

export function signal(m: Machine, event: UserEvent): void {
  m.out.push({ kind: 'user', event });
}
