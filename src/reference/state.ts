/**
 * Every state change goes through `setState`, which records `from => to` with the rule that caused it
 * (as smoltcp's `set_state` logs `state=A=>B`). States are RFC 9293 §3.3.2's, spelled as the RFC does.
 */
import type { TcpState } from '../wire';
import * as machine from './machine';
import type { Machine } from './machine';
import type { Rule } from './rules';
import * as tcbModule from './tcb';
import * as timersModule from './timers';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { newTcb } = tcbModule;
const { arm } = timersModule;
const { fire } = machine;

/** Applies `rule`, whose outcome is the state `to`. */
export function setState(m: Machine, to: TcpState, rule: Rule): void {
  fire(m, rule);
  m.out.push({ kind: 'state', from: m.state, to, rule });
  m.state = to;
}

/** "Delete the TCB, enter the CLOSED state": every queue flushed and every timer off. */
export function deleteTcb(m: Machine, rule: Rule): void {
  setState(m, 'CLOSED', rule);
  m.tcb = newTcb(m.profile, m.tcb.iss);
  m.remotePort = undefined;
}

/**
 * A connection that came from a passive OPEN returns to LISTEN (RFC 9293 §3.10.7.4 second and fourth,
 * MUST-11): a fresh TCB, the remote socket unspecified again.
 */
export function returnToListen(m: Machine, rule: Rule): void {
  setState(m, 'LISTEN', rule);
  m.tcb = newTcb(m.profile, m.passiveIss);
  m.remotePort = undefined;
}

/**
 * A TIME-WAIT connection a new SYN reopens (RFC 9293 §3.6.1, MAY-2): listening again, with a fresh TCB
 * whose ISS is SND.NXT, above every sequence number the old connection used; `issFloor` keeps an ISS
 * adopted later (adopt-iss.ts) above them too.
 */
export function reopenFromTimeWait(m: Machine, rule: Rule): void {
  const floor = m.tcb.sndNxt;
  setState(m, 'LISTEN', rule);
  m.tcb = { ...newTcb(m.profile, floor), issFloor: floor };
  m.remotePort = undefined;
}

/** "Enter TIME-WAIT, start the time-wait timer, turn off the other timers" (RFC 9293 §3.10.7.4). */
export function enterTimeWait(m: Machine, rule: Rule): void {
  setState(m, 'TIME-WAIT', rule);
  const timers = m.tcb.timers;
  timers.retransmission = timers.probe = timers.user = timers.keepAlive = undefined;
  restartTimeWait(m);
}

/** (Re)starts the 2×MSL timer (RFC 9293 §3.6.1, MUST-13). */
export function restartTimeWait(m: Machine): void {
  arm(m, 'timeWait', 2 * m.profile.mslMs);
}
