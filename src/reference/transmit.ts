/**
 * Sending: what goes out after each event. New data and the FIN follow the sender's SWS avoidance rules
 * (RFC 9293 §3.8.6.2.1, MUST-38) and the Nagle algorithm (§3.7.4, SHLD-7); an ACK the event owes rides
 * on the first segment, else goes alone (§3.10.7.4 seventh: "piggybacked ... if possible").
 *
 * Every SEND counts as pushed: SEND has no PUSH flag here (MAY-15), so the last segment of what is queued
 * carries PSH (MUST-61) and nothing is held indefinitely (MUST-60).
 *
 * Congestion control (RFC 5681, MUST-19, congestion.ts) lowers the usable window to the congestion
 * window; an oracle holds a target's sending to its own, more lenient, bounds (runner/oracle).
 */
import type { TcpState } from '../wire';
import { seqAdd, seqSub } from '../wire/seq';
import { eq, ge, gt, le, lt } from './boundaries';
import { fire, type Machine } from './machine';
import type { Rule } from './rules';
import { startTiming } from './rtt';
import { sendAck, sendData } from './segments';
import { effSndMss, finSent } from './tcb';
import { onSequenceSent, startProbeTimer, stopProbeTimer } from './timers';

/** States in which queued data and a queued FIN go out: SEND's ESTABLISHED and CLOSE-WAIT (§3.10.2), and what CLOSE left to send. */
function sendsData(state: TcpState): boolean {
  return state === 'ESTABLISHED' || state === 'CLOSE-WAIT' || state === 'FIN-WAIT-1' || state === 'CLOSING' || state === 'LAST-ACK';
}

/** D: octets queued and not yet sent. */
export function unsentOctets(m: Machine): number {
  return Math.max(0, seqSub(m.tcb.sndQueueEnd, m.tcb.sndNxt));
}

/** Whether the queued FIN is still to be sent (all data before it is). */
function finWaiting(m: Machine): boolean {
  return m.tcb.finQueued && m.tcb.sndNxt === m.tcb.sndQueueEnd;
}

/**
 * U: the usable window, SND.UNA + min(SND.WND, cwnd) - SND.NXT, negative when the peer shrank its window
 * (MUST-34): the peer's window, lowered by the congestion window (RFC 5681 §3, MUST-19).
 */
export function usableWindow(m: Machine): number {
  const { tcb } = m;
  return seqSub(seqAdd(tcb.sndUna, Math.min(tcb.sndWnd, tcb.cc.cwnd)), tcb.sndNxt);
}

/** Whether the congestion window, not the peer's, is what closes the usable window. */
function congestionLimited(m: Machine): boolean {
  return m.tcb.cc.cwnd < m.tcb.sndWnd;
}

/**
 * Sends what may go now, then the ACK `ackOwed` asks for when no segment carried it. Data waiting for the
 * window with nothing in flight starts the probe timer; anything in flight will bring an ACK instead.
 */
export function transmit(m: Machine, ackOwed: boolean): void {
  let owed = ackOwed;
  if (sendsData(m.state)) {
    while (sendNext(m)) owed = false;
    const waiting = unsentOctets(m) > 0 || finWaiting(m);
    if (waiting && eq(m, '3.8.6.1 probe timer: SND.NXT = SND.UNA', m.tcb.sndNxt, m.tcb.sndUna)) startProbeTimer(m);
    else stopProbeTimer(m);
  }
  if (owed) sendAck(m);
}

/** Sends one segment of new data, or the FIN, when the rules allow it; false when nothing went. */
function sendNext(m: Machine): boolean {
  const unsent = unsentOctets(m);
  const usable = usableWindow(m);
  if (unsent === 0) {
    if (!finWaiting(m)) return false;
    // The FIN takes a sequence number, which a receiver accepts only inside its window (§3.4 Table 6).
    if (lt(m, '3.8.6.1 FIN: U < 1', usable, 1)) {
      hold(m, '3.8.6.1/window-closed');
      return false;
    }
    sendNew(m, 0, true);
    return true;
  }
  const rule = sendRule(m, unsent, usable);
  if (rule === undefined) return false;
  fire(m, rule);
  const count = Math.min(unsent, usable, effSndMss(m.tcb, m.ip));
  sendNew(m, count, gt(m, '3.6 FIN fits: U > count', usable, count));
  return true;
}

/**
 * RFC 9293 §3.8.6.2.1's rules for sending data, the Nagle algorithm's condition in brackets there
 * (§3.7.4): (1) a full segment fits; (2) [nothing in flight and] everything queued fits; (3) [nothing in
 * flight and] at least half the largest window the peer offered fits. Rule (4), the override timeout, is
 * the probe timer's. Undefined, after recording why, when data must wait.
 */
function sendRule(m: Machine, unsent: number, usable: number): Rule | undefined {
  if (le(m, '3.8.6.1: U =< 0', usable, 0)) return hold(m, congestionLimited(m) ? 'rfc5681/3.1/congestion-window-full' : '3.8.6.1/window-closed');
  const sendable = Math.min(unsent, usable);
  if (ge(m, '3.8.6.2.1 (1): min(D,U) >= Eff.snd.MSS', sendable, effSndMss(m.tcb, m.ip))) return '3.8.6.2.1/full-segment';
  if (m.settings.nagle && !eq(m, '3.7.4 Nagle: SND.NXT = SND.UNA', m.tcb.sndNxt, m.tcb.sndUna)) return hold(m, '3.7.4/nagle');
  if (le(m, '3.8.6.2.1 (2): D =< U', unsent, usable)) return '3.8.6.2.1/pushed';
  if (ge(m, '3.8.6.2.1 (3): min(D,U) >= Fr*Max(SND.WND)', sendable, m.tcb.maxSndWnd / 2)) return '3.8.6.2.1/half-max-window';
  return hold(m, '3.8.6.2.1/sws-avoidance');
}

function hold(m: Machine, rule: Rule): undefined {
  fire(m, rule);
  return undefined;
}

/**
 * Sends `count` new octets at SND.NXT, with the FIN when they are the last queued and `finFits`, and
 * advances SND.NXT over them. Also what the probe timer uses to step past a closed window.
 */
export function sendNew(m: Machine, count: number, finFits: boolean): void {
  const { tcb } = m;
  const last = count === unsentOctets(m);
  const fin = tcb.finQueued && last && finFits;
  if (fin) fire(m, '3.6/fin-sent');
  const seq = tcb.sndNxt;
  sendData(m, seq, tcb.sndBuffer.read(seqSub(seq, tcb.sndBufferSeq), count), fin, last && count > 0);
  tcb.sndNxt = seqAdd(seq, count + (fin ? 1 : 0));
  startTiming(m, tcb.sndNxt);
  onSequenceSent(m);
}

/**
 * Sends again at most `limit` octets from SND.UNA, with the FIN when it follows them (RFC 9293 §3.10.8:
 * "send the segment at the front of the retransmission queue again"; repackaged, as §3.8.6 allows).
 */
export function resend(m: Machine, limit: number): void {
  const { tcb } = m;
  const sentData = seqSub(finSent(tcb) ? tcb.sndQueueEnd : tcb.sndNxt, tcb.sndUna);
  const count = Math.min(limit, sentData);
  const fin = finSent(tcb) && count === sentData;
  const last = count > 0 && seqAdd(tcb.sndUna, count) === tcb.sndQueueEnd;
  sendData(m, tcb.sndUna, tcb.sndBuffer.read(seqSub(tcb.sndUna, tcb.sndBufferSeq), count), fin, last);
}
