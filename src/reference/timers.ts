/**
 * Starting and stopping the timers of RFC 9293 §3.10.8 (what they do when they expire is in timeouts.ts).
 * The retransmission timer follows RFC 6298 §5; the user timeout runs while something is unacknowledged.
 */
import type { Machine } from './machine';
import type { TimerName } from './mutation';

/** Starts (or restarts) `timer` to expire `delayMs` from now: every timer starts here (a mutant's seam, mutation.ts). */
export function arm(m: Machine, timer: TimerName, delayMs: number): void {
  const arming = m.mutation?.arming;
  const delay = arming ? arming(timer, delayMs) : delayMs;
  m.tcb.timers[timer] = delay === undefined ? undefined : m.now + delay;
}

/**
 * R2 for what is in flight (§3.8.3): the application's (MUST-21), else the profile's for a SYN (MUST-23)
 * in SYN-SENT and for data (SHLD-11) elsewhere.
 */
export function userTimeoutMs(m: Machine): number {
  return m.settings.userTimeoutMs ?? (m.state === 'SYN-SENT' ? m.profile.synUserTimeoutMs : m.profile.userTimeoutMs);
}

/**
 * Sequence space (data, SYN or FIN) was just sent. RFC 6298 §5.1: start the retransmission timer if it is
 * not running. The user timeout starts with it: from now on something awaits acknowledgment.
 */
export function onSequenceSent(m: Machine): void {
  const timers = m.tcb.timers;
  if (timers.retransmission === undefined) arm(m, 'retransmission', m.tcb.rtt.rto);
  if (timers.user === undefined) arm(m, 'user', userTimeoutMs(m));
}

/**
 * An ACK advanced SND.UNA. RFC 6298 §5.2: when everything is acknowledged, stop the timer; §5.3:
 * otherwise restart it. The user timeout measures how long the oldest segment waits, so it restarts too.
 */
export function onNewAck(m: Machine): void {
  const { tcb } = m;
  if (tcb.sndNxt !== tcb.sndUna) {
    arm(m, 'retransmission', tcb.rtt.rto);
    arm(m, 'user', userTimeoutMs(m));
  } else {
    tcb.timers.retransmission = tcb.timers.user = undefined;
  }
}

/** Data waits for the window with nothing in flight: the probe timer runs, first after one RTO (SHLD-29). */
export function startProbeTimer(m: Machine): void {
  if (m.tcb.timers.probe === undefined) arm(m, 'probe', m.tcb.rtt.rto);
}

export function stopProbeTimer(m: Machine): void {
  m.tcb.timers.probe = undefined;
}
