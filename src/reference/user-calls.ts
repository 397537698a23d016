/**
 * RFC 9293 §3.10.1 to §3.10.6: the user calls OPEN, SEND, RECEIVE, CLOSE, ABORT and STATUS, state by state.
 */
import type { TcpState } from '../wire';
import { seqAdd } from '../wire/seq';
import type { Arrival } from './ip';
import { gt } from './boundaries';
import { fire, signal, type Machine } from './machine';
import { consume, updateReceiveWindow } from './receive-queue';
import type { Rule } from './rules';
import { startTiming } from './rtt';
import { sendAbortReset, sendAck, sendSyn } from './segments';
import { patternOctets } from './send-buffer';
import { deleteTcb, setState } from './state';
import { newTcb, type Tcb } from './tcb';
import { onSequenceSent } from './timers';
import { sendNew, transmit, unsentOctets } from './transmit';
import { UserCallError, type UserCallErrorReason } from './user-call-error';

function fail(m: Machine, rule: Rule, reason: UserCallErrorReason): never {
  fire(m, rule);
  throw new UserCallError(reason, rule);
}

/** §3.10.1 OPEN, passive: CLOSED creates a TCB and enters LISTEN; any other state "already exists". */
export function openPassive(m: Machine): void {
  if (m.state !== 'CLOSED') fail(m, '3.10.1/already-exists', 'connection already exists');
  m.tcb = newTcb(m.profile, m.passiveIss);
  setState(m, 'LISTEN', '3.10.1/closed/passive');
}

/**
 * §3.10.1 OPEN, active: from CLOSED, or from LISTEN ("change the connection from passive to active"),
 * send <SEQ=ISS><CTL=SYN>, set SND.UNA to ISS and SND.NXT to ISS+1, enter SYN-SENT. §3.9.1.1: "the TCP
 * implementation MUST reject as an error a local OPEN call for an invalid remote IP address (e.g., a
 * broadcast or multicast address)" (MUST-46).
 */
export function openActive(m: Machine, remotePort: number, iss: number, remoteTo: Arrival['to']): void {
  if (remoteTo !== 'unicast') fail(m, '3.9.1.1/open-invalid-remote', 'invalid remote address');
  let rule: Rule;
  if (m.state === 'CLOSED') rule = '3.10.1/closed/active';
  else if (m.state === 'LISTEN') rule = '3.10.1/listen/active';
  else fail(m, '3.10.1/already-exists', 'connection already exists');
  m.tcb = newTcb(m.profile, iss);
  m.remotePort = remotePort;
  setState(m, 'SYN-SENT', rule);
  sendSyn(m);
  m.tcb.sndNxt = seqAdd(iss, 1);
  startTiming(m, m.tcb.sndNxt);
  onSequenceSent(m);
}

/**
 * §3.10.2 SEND. `octets` as a count queues that many octets of the connection's pattern; as octets, the
 * endpoint keeps that very buffer until it is acknowledged, so the caller must leave it unchanged. With
 * `urgent` (the URGENT flag), SND.UP moves to the octet after them (§3.8.5, MUST-62).
 */
export function send(m: Machine, octets: number | Uint8Array, urgent = false): void {
  if (typeof octets === 'number' && !(Number.isSafeInteger(octets) && octets >= 0)) throw new RangeError(`SEND: ${octets} is not a count of octets`);
  switch (m.state) {
    case 'CLOSED':
      return fail(m, '3.10.2/closed/does-not-exist', 'connection does not exist');
    case 'LISTEN':
      // A passive OPEN here never names the remote socket, so SEND cannot make it active.
      return fail(m, '3.10.2/listen/remote-unspecified', 'remote socket unspecified');
    case 'SYN-SENT':
    case 'SYN-RECEIVED':
      // A CLOSE waiting for ESTABLISHED already said there is no more to send.
      if (m.tcb.closePending) return fail(m, '3.10.2/closing', 'connection closing');
      fire(m, '3.10.2/queue-until-established');
      return queue(m, octets, urgent);
    case 'ESTABLISHED':
    case 'CLOSE-WAIT':
      // "Segmentize the buffer and send it with a piggybacked acknowledgment", as far as the window allows.
      fire(m, '3.10.2/segmentize');
      queue(m, octets, urgent);
      return transmit(m, false);
    default:
      return fail(m, '3.10.2/closing', 'connection closing');
  }
}

function queue(m: Machine, octets: number | Uint8Array, urgent: boolean): void {
  const { tcb } = m;
  const bytes = typeof octets === 'number' ? patternOctets(tcb.sndQueuedTotal, octets) : octets;
  tcb.sndBuffer.push(bytes);
  tcb.sndQueueEnd = seqAdd(tcb.sndQueueEnd, bytes.length);
  tcb.sndQueuedTotal += bytes.length;
  // "If the urgent flag is set, then SND.UP <- SND.NXT": the pointer to the octet after the urgent data.
  if (urgent) {
    fire(m, '3.10.2/urgent');
    tcb.sndUp = tcb.sndQueueEnd;
  }
}

/** Whether the peer's FIN has been processed, so no more data will come. */
function peerClosed(state: TcpState): boolean {
  return state === 'CLOSE-WAIT' || state === 'CLOSING' || state === 'LAST-ACK' || state === 'TIME-WAIT';
}

/**
 * §3.10.3 RECEIVE: up to `max` octets received in order (all when undefined); how many came back.
 * Data on hand is delivered in every synchronized state: the RFC's CLOSING, LAST-ACK and TIME-WAIT
 * branches answer "connection closing" only because their RECEIVEs were satisfied before, and §3.6 has
 * users "keep reading ... until the TCP implementation indicates there is no more data".
 */
export function receive(m: Machine, max: number | undefined): number {
  switch (m.state) {
    case 'CLOSED':
      return fail(m, '3.10.3/closed/does-not-exist', 'connection does not exist');
    case 'LISTEN':
    case 'SYN-SENT':
    case 'SYN-RECEIVED':
      fire(m, '3.10.3/queue-until-established');
      return 0;
  }
  const taken = consume(m.tcb, max);
  if (taken > 0) {
    fire(m, '3.10.3/deliver');
    // Buffer space freed: a window update when the right edge may move (RFC 9293 §3.8.6.2.2).
    if (!peerClosed(m.state) && updateReceiveWindow(m)) {
      fire(m, '3.8.6.2.2/window-update');
      sendAck(m);
    }
    return taken;
  }
  if (peerClosed(m.state)) {
    // "If no text is awaiting delivery, the RECEIVE will get an 'error: connection closing' response": end of data.
    fire(m, '3.10.3/closing-eof');
    signal(m, 'eof');
    return 0;
  }
  // "If insufficient incoming segments are queued to satisfy the request, queue the request": nothing yet.
  fire(m, '3.10.3/nothing-on-hand');
  return 0;
}

/** §3.10.4 CLOSE: no more data will be sent. The user may go on receiving (§3.6). */
export function close(m: Machine): void {
  const { tcb } = m;
  switch (m.state) {
    case 'CLOSED':
      return fail(m, '3.10.4/closed/does-not-exist', 'connection does not exist');
    case 'LISTEN':
      return deleteTcb(m, '3.10.4/listen/delete');
    case 'SYN-SENT':
      return deleteTcb(m, '3.10.4/syn-sent/delete');
    case 'SYN-RECEIVED':
      // "If no SENDs have been issued and there is no pending data to send, then form a FIN segment and
      // send it, and enter FIN-WAIT-1 state; otherwise, queue for processing after entering ESTABLISHED."
      if (gt(m, '3.10.4 SYN-RECEIVED: D > 0', unsentOctets(m), 0)) {
        fire(m, '3.10.4/syn-received/queued');
        tcb.closePending = true;
        return;
      }
      tcb.finQueued = true;
      setState(m, 'FIN-WAIT-1', '3.10.4/syn-received/fin');
      return sendNew(m, 0, true);
    case 'ESTABLISHED':
      return closeEstablished(m);
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
      // "An 'ok' response would be acceptable, too, as long as a second FIN is not emitted."
      return fire(m, '3.10.4/fin-wait/ok');
    case 'CLOSE-WAIT':
      // "Queue this request until all preceding SENDs have been segmentized; then send a FIN segment,
      // enter LAST-ACK state."
      tcb.finQueued = true;
      setState(m, 'LAST-ACK', '3.10.4/close-wait/last-ack');
      return transmit(m, false);
    default:
      return fail(m, '3.10.4/closing', 'connection closing');
  }
}

/**
 * CLOSE in ESTABLISHED: "Queue this until all preceding SENDs have been segmentized, then form a FIN
 * segment and send it. In any case, enter FIN-WAIT-1 state."
 */
export function closeEstablished(m: Machine): void {
  m.tcb.finQueued = true;
  setState(m, 'FIN-WAIT-1', '3.10.4/established/fin-wait-1');
  transmit(m, false);
}

/**
 * CLOSE that also ends reading, a "half-duplex" close (RFC 9293 §3.6.1, MAY-1), as a socket's close()
 * does. Received data still unread means data lost, which a RST shows the peer (SHLD-3); after it, data
 * that arrives draws a RST too (see the seventh step).
 */
export function closeBothWays(m: Machine): void {
  const holdsUnread = gt(m, '3.6.1 close: RCV.USER > 0', m.tcb.rcvUser, 0) && (m.state === 'ESTABLISHED' || m.state === 'FIN-WAIT-1' || m.state === 'FIN-WAIT-2' || m.state === 'CLOSE-WAIT');
  if (holdsUnread) {
    sendAbortReset(m);
    return deleteTcb(m, '3.6.1/unread-data-reset');
  }
  close(m);
  m.tcb.readClosed = true;
}

/** §3.10.5 ABORT. */
export function abort(m: Machine): void {
  switch (m.state) {
    case 'CLOSED':
      return fail(m, '3.10.5/closed/does-not-exist', 'connection does not exist');
    case 'LISTEN':
      return deleteTcb(m, '3.10.5/listen/delete');
    case 'SYN-SENT':
      return deleteTcb(m, '3.10.5/syn-sent/delete');
    case 'CLOSING':
    case 'LAST-ACK':
    case 'TIME-WAIT':
      // "Respond with 'ok' and delete the TCB, enter CLOSED state, and return."
      return deleteTcb(m, '3.10.5/closing/delete');
    default:
      // SYN-RECEIVED to CLOSE-WAIT: "Send a reset segment: <SEQ=SND.NXT><CTL=RST>", flush every queue.
      sendAbortReset(m);
      return deleteTcb(m, '3.10.5/reset');
  }
}

/** §3.10.6 STATUS: the state and the TCB, or "connection does not exist" in CLOSED. */
export function status(m: Machine): { state: TcpState; tcb: Readonly<Tcb> } {
  if (m.state === 'CLOSED') fail(m, '3.10.6/closed/does-not-exist', 'connection does not exist');
  return { state: m.state, tcb: m.tcb };
}
