/**
 * RFC 9293 §3.10.7.4, sixth to eighth: the URG bit, the segment text, the FIN bit.
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqSub } from '../../wire/seq';
import { fire, signal, type Machine } from '../machine';
import { advanceRcvNxt, holdRange, takeHeld, takeOctets } from '../receive-queue';
import { sendAbortReset } from '../segments';
import { deleteTcb, enterTimeWait, restartTimeWait, setState } from '../state';
import type { InWindow } from './in-window';
import { eq } from '../boundaries';

/** The sixth to eighth steps. Returns whether they owe the peer an ACK. */
export function afterAckStep(m: Machine, seg: TcpSegment, part: InWindow): boolean {
  urgStep(m, seg);
  const textOwes = textStep(m, part);
  if (m.state === 'CLOSED') return false;
  return finStep(m, part) || textOwes;
}

/** The states in which the peer has not yet sent its FIN, so its urgent data and text are still news. */
function peerStillSending(m: Machine): boolean {
  return m.state === 'ESTABLISHED' || m.state === 'FIN-WAIT-1' || m.state === 'FIN-WAIT-2';
}

/**
 * Sixth, check the URG bit: RCV.UP <- max(RCV.UP, SEG.UP), and the user is told when the pointer advances
 * (MUST-32), once for each advance. After the peer's FIN, "Ignore the URG."
 */
function urgStep(m: Machine, seg: TcpSegment): void {
  if (!(seg.flags & TcpFlag.URG)) return;
  if (!peerStillSending(m)) {
    fire(m, '3.10.7.4/urg/ignored-after-fin');
    return;
  }
  // SEG.UP is an offset from SEG.SEQ to the octet after the urgent data (MUST-62).
  const pointer = seqAdd(seg.seq, seg.urgentPointer);
  if (!seqGt(pointer, m.tcb.rcvUp)) return;
  fire(m, '3.10.7.4/urg/signal');
  m.tcb.rcvUp = pointer;
  signal(m, 'urgent');
}

/**
 * Seventh, process the segment text: new octets at RCV.NXT are taken, octets beyond it held for later
 * (SHLD-31) and acknowledged at once with RCV.NXT (MAY-13), and held octets the new ones reach are taken
 * too. After the peer's FIN, "Ignore the segment text."
 */
function textStep(m: Machine, part: InWindow): boolean {
  const { tcb } = m;
  const octets = seqSub(part.end, part.start);
  if (!peerStillSending(m)) {
    if (octets > 0) fire(m, '3.10.7.4/text/ignored-after-fin');
    return false;
  }
  let owes = false;
  if (octets > 0) {
    if (tcb.readClosed) {
      // RFC 9293 §3.6.1: a host whose CLOSE also ends reading (MAY-1) SHOULD send a RST when new data
      // arrives after it, "to show that data was lost" (SHLD-3).
      sendAbortReset(m);
      deleteTcb(m, '3.6.1/data-after-close-reset');
      return false;
    }
    if (eq(m, '3.10.7.4 seventh: SEG.SEQ = RCV.NXT', part.start, tcb.rcvNxt)) {
      fire(m, '3.10.7.4/text/taken');
      takeOctets(m, octets);
    } else {
      fire(m, '3.10.7.4/text/out-of-order-held');
      holdRange(tcb, part.start, part.end);
    }
    owes = true;
  }
  if (part.fin) {
    tcb.heldFin = part.finSeq;
    owes = true;
  }
  if (takeHeld(m)) {
    fire(m, '3.10.7.4/text/gap-filled');
    owes = true;
  }
  return owes;
}

/**
 * Eighth, check the FIN bit, once RCV.NXT has reached the FIN: advance RCV.NXT over it, tell the user
 * "connection closing", acknowledge it, and change state. SYN-RECEIVED's branch cannot be reached: the
 * fifth step leaves that state or drops the segment.
 */
function finStep(m: Machine, part: InWindow): boolean {
  const { tcb } = m;
  switch (m.state) {
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2': {
      if (tcb.heldFin !== tcb.rcvNxt) return false;
      tcb.heldFin = undefined;
      advanceRcvNxt(tcb, 1);
      signal(m, 'closing');
      if (m.state === 'ESTABLISHED') setState(m, 'CLOSE-WAIT', '3.10.7.4/fin/close-wait');
      else if (m.state === 'FIN-WAIT-2') enterTimeWait(m, '3.10.7.4/fin/fin-wait-2-time-wait');
      // FIN-WAIT-1: "If our FIN has been ACKed (perhaps in this segment), then enter TIME-WAIT ...;
      // otherwise, enter the CLOSING state." A FIN ACKed, even by this segment, has already moved the
      // connection on to FIN-WAIT-2 in the fifth step, whose branch above leads to TIME-WAIT.
      else setState(m, 'CLOSING', '3.10.7.4/fin/fin-wait-1-closing');
      return true;
    }
    case 'TIME-WAIT':
      if (!part.fin) return false;
      // "Remain in the TIME-WAIT state. Restart the 2 MSL time-wait timeout."
      fire(m, '3.10.7.4/fin/time-wait-restart');
      restartTimeWait(m);
      return true;
    default:
      // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state." The peer's FIN is behind RCV.NXT
      // already, so a FIN at or beyond it is acknowledged but not counted again.
      if (!part.fin) return false;
      fire(m, '3.10.7.4/fin/repeated');
      return true;
  }
}
