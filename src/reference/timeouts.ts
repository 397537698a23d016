/**
 * RFC 9293 §3.10.8 Timeouts, the zero-window probe of §3.8.6.1, and the keep-alives of §3.8.4.
 */
import { keepAliveTimeout } from './keep-alive';
import { eq, gt } from './boundaries';
import { fire, signal, type Machine } from './machine';
import { skippable } from './mutation';
import { onRetransmissionTimeout } from './congestion';
import { abandonTiming, backOff } from './rtt';
import { sendSyn, sendSynAck } from './segments';
import { deleteTcb } from './state';
import { effSndMss, type Timers } from './tcb';
import { arm } from './timers';
import { resend, sendNew, unsentOctets, usableWindow } from './transmit';

/** Every timer, in the order timers due at the same moment fire in: an expired connection is not retransmitted. */
export const TIMER_ORDER: readonly (keyof Timers)[] = ['timeWait', 'user', 'retransmission', 'probe', 'keepAlive'];

/** The earliest running timer's deadline, if any timer runs. */
export function nextDeadline(m: Machine): number | undefined {
  const timers = m.tcb.timers;
  return earlier(earlier(earlier(timers.timeWait, timers.user), earlier(timers.retransmission, timers.probe)), timers.keepAlive);
}

function earlier(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined || a <= b ? a : b;
}

/** Fires every timer due at or before `now`, each at its own deadline, earliest first. */
export function fireDueTimers(m: Machine, now: number): void {
  for (;;) {
    const deadline = nextDeadline(m);
    if (deadline === undefined || deadline > now) break;
    m.now = deadline;
    const timers = m.tcb.timers;
    const name = TIMER_ORDER.find((t) => timers[t] === deadline) as keyof Timers;
    timers[name] = undefined;
    skippable(() => EXPIRE[name](m));
  }
  m.now = now;
}

const EXPIRE: Record<keyof Timers, (m: Machine) => void> = {
  // TIME-WAIT TIMEOUT: "delete the TCB, enter the CLOSED state, and return."
  timeWait: (m) => deleteTcb(m, '3.10.8/time-wait'),
  // USER TIMEOUT: "flush all queues, signal the user 'error: connection aborted due to user timeout' ...,
  // delete the TCB, enter the CLOSED state". R2 has passed for the oldest unacknowledged segment (§3.8.3).
  user: (m) => {
    deleteTcb(m, '3.10.8/user-timeout');
    signal(m, 'timeout');
  },
  retransmission: retransmissionTimeout,
  probe: probeTimeout,
  keepAlive: keepAliveTimeout,
};

/**
 * RETRANSMISSION TIMEOUT: "send the segment at the front of the retransmission queue again,
 * reinitialize the retransmission timer". The RTO doubles first (RFC 6298 §5.5-§5.6) and the segment
 * being timed is abandoned (Karn). A SYN is retransmitted the same way as data (MUST-22). With a zero
 * send window the retransmission is the zero-window probe, one octet (§3.8.6.1, MUST-36).
 */
function retransmissionTimeout(m: Machine): void {
  const { tcb } = m;
  backOff(m);
  abandonTiming(m);
  if (eq(m, '3.10.8 retransmission: SND.UNA = ISS', tcb.sndUna, tcb.iss)) {
    tcb.rtt.synRetransmitted = true;
    if (m.state === 'SYN-SENT') {
      fire(m, '3.10.8/retransmission/syn');
      sendSyn(m);
    } else {
      fire(m, '3.10.8/retransmission/syn-ack');
      sendSynAck(m);
    }
  } else if (eq(m, '3.8.6.1 retransmission: SND.WND = 0', tcb.sndWnd, 0)) {
    fire(m, '3.8.6.1/probe-again');
    resend(m, 1);
  } else {
    fire(m, '3.10.8/retransmission/data');
    onRetransmissionTimeout(m);
    resend(m, effSndMss(tcb, m.ip));
  }
  arm(m, 'retransmission', tcb.rtt.rto);
}

/**
 * The probe timer: data has waited for the window with nothing in flight for one RTO. A window too small
 * for the sender's SWS rules gets what fits (§3.8.6.2.1 rule 4, the override timeout); a closed window
 * gets one new octet, or the FIN, beyond it (§3.8.6.1, "at least one octet of new data"). The RTO backs
 * off as for a retransmission, so successive probes come at exponentially growing intervals (SHLD-30);
 * from now on the octet is in flight and the retransmission timer repeats it.
 */
function probeTimeout(m: Machine): void {
  backOff(m);
  const usable = usableWindow(m);
  if (gt(m, '3.8.6.1 probe: U > 0', usable, 0)) {
    fire(m, '3.8.6.2.1/override');
    const count = Math.min(unsentOctets(m), usable, effSndMss(m.tcb, m.ip));
    sendNew(m, count, usable > count);
  } else {
    fire(m, '3.8.6.1/probe');
    const count = Math.min(1, unsentOctets(m));
    sendNew(m, count, count === 0);
  }
}
