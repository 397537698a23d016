/**
 * The machine's whole state as the functions of §3.10 see it: profile, sockets, state, TCB, the clock
 * of the event being processed, and where outputs and fired rules go.
 */
import type { TcpState } from '../wire';
import type { Arrival } from './ip';
import type { Output, UserEvent } from './output';
import type { Profile } from './profile';
import type { Rule, RuleLog } from './rules';
import type { Tcb } from './tcb';

export interface EndpointOptions {
  /** The ISS of a passive open's SYN-ACK (default 0): time and randomness are the caller's (RFC 9293 §3.4.1). */
  readonly iss?: number;
  /**
   * The Nagle algorithm (RFC 9293 §3.7.4, SHLD-7), on by default; false is the application's way to turn
   * it off (MUST-17).
   */
  readonly nagle?: boolean;
}

export interface Machine {
  readonly profile: Profile;
  /** This endpoint's port. The endpoint never sees IP headers: addresses are its caller's business. */
  readonly localPort: number;
  readonly passiveIss: number;
  readonly nagle: boolean;
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
}

/** Records that `rule` decided what happens next. */
export function fire(m: Machine, rule: Rule): void {
  m.rules.record(rule);
}

export function signal(m: Machine, event: UserEvent): void {
  m.out.push({ kind: 'user', event });
}
