/**
 * RFC 9293 §3.8.4, keep-alives: off unless the application turns them on (MUST-24, MUST-25); a probe only
 * once the connection has been idle for the interval with nothing outstanding (MUST-26, MUST-28); a probe
 * is <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK> without data (SHLD-12), which a TCP answers with an ACK; one
 * unanswered probe does not end the connection (MUST-29): the profile's count of them does.
 */
import type { TcpState } from '../wire';
import * as machine from './machine';
import type { Machine } from './machine';
import * as segments from './segments';
import * as stateModule from './state';
import * as timersModule from './timers';
import * as transmit from './transmit';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { sendKeepAlive } = segments;
const { deleteTcb } = stateModule;
const { arm } = timersModule;
const { unsentOctets } = transmit;
const { fire, signal } = machine;

/** The synchronized states whose connection may go idle; TIME-WAIT's timer ends it anyway. */
const KEEP_ALIVE_STATES: readonly TcpState[] = ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'];

/** The peer was just heard from, or keep-alives were set: the idle time starts now, where they are on. */
export function restartKeepAlive(m: Machine): void {
  const { tcb } = m;
  const { enabled, idleMs } = m.settings.keepAlive;
  if (enabled && KEEP_ALIVE_STATES.includes(m.state)) arm(m, 'keepAlive', idleMs);
  else tcb.timers.keepAlive = undefined;
}

/** A segment of the connection arrived: the peer is alive, whatever probes went unanswered (MUST-29). */
export function peerHeard(m: Machine): void {
  if (m.tcb.keepAliveProbes > 0) fire(m, '3.8.4/keep-alive-answered');
  m.tcb.keepAliveProbes = 0;
  restartKeepAlive(m);
}

/** Whether sent data (or SYN, FIN) awaits acknowledgment or queued data awaits sending. */
function outstanding(m: Machine): boolean {
  return m.tcb.sndNxt !== m.tcb.sndUna || unsentOctets(m) > 0;
}

/** The keep-alive timer expired: a probe, no probe while data is outstanding, or the end of the connection. */
export function keepAliveTimeout(m: Machine): void {
  const { tcb } = m;
  const { idleMs, intervalMs, count } = m.settings.keepAlive;
  if (outstanding(m)) {
    // Not idle: the retransmissions tell whether the peer is alive, and its ACK restarts the idle time.
    fire(m, '3.8.4/keep-alive-deferred');
    arm(m, 'keepAlive', idleMs);
    return;
  }
  if (tcb.keepAliveProbes >= count) {
    deleteTcb(m, '3.8.4/keep-alive-give-up');
    signal(m, 'timeout');
    return;
  }
  fire(m, '3.8.4/keep-alive-probe');
  sendKeepAlive(m);
  tcb.keepAliveProbes++;
  arm(m, 'keepAlive', intervalMs);
}
