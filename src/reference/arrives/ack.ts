/**
 * RFC 9293 §3.10.7.4, fifth: check the ACK field.
 */
import type { Seq, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqLt, seqSub } from '../../wire/seq';
import { eq, gt, le, lt, type Boundary } from '../boundaries';
import { fire, type Machine } from '../machine';
import { onAcknowledged } from '../rtt';
import { sendAck, sendResetFor } from '../segments';
import { deleteTcb, enterTimeWait, setState } from '../state';
import { arm, onNewAck, userTimeoutMs } from '../timers';
import { establish } from './establish';
import { onNewDataAcked, onPossibleDuplicateAck } from '../congestion';
import { resend } from '../transmit';
import { peerWindow } from '../syn-options';

/** Processes the ACK field; false when the segment is dropped or the connection ends here. */
export function ackStep(m: Machine, seg: TcpSegment): boolean {
  const { tcb } = m;
  if (!(seg.flags & TcpFlag.ACK)) {
    fire(m, '3.10.7.4/ack/off-dropped');
    return false;
  }
  if (m.state === 'SYN-RECEIVED') {
    // SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED. Otherwise <SEQ=SEG.ACK><CTL=RST>, as §3.5.2 asks of a
    // non-synchronized state; RFC 5961 §5's range check is for the synchronized states that follow.
    if (!(lt(m, '3.10.7.4 SYN-RECEIVED: SND.UNA < SEG.ACK', tcb.sndUna, seg.ack) && le(m, '3.10.7.4 SYN-RECEIVED: SEG.ACK =< SND.NXT', seg.ack, tcb.sndNxt))) {
      fire(m, '3.10.7.4/ack/syn-received-unacceptable-reset');
      sendResetFor(m, seg);
      return false;
    }
    establish(m, seg, '3.10.7.4/ack/syn-received-established');
  }
  // RFC 5961 §5.2 (MAY-12): the ACK is acceptable only in (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT;
  // any other segment is "discarded and an ACK sent back".
  if (m.profile.rfc5961Ack && !inAckRange(m, seg.ack)) {
    fire(m, '3.10.7.4/ack/outside-range-challenge');
    sendAck(m);
    return false;
  }
  // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
  if (gt(m, '3.10.7.4 fifth: SEG.ACK > SND.NXT', seg.ack, tcb.sndNxt)) {
    fire(m, '3.10.7.4/ack/not-yet-sent');
    sendAck(m);
    return false;
  }
  if (lt(m, '3.10.7.4 fifth: SND.UNA < SEG.ACK', tcb.sndUna, seg.ack)) {
    fire(m, '3.10.7.4/ack/new');
    acknowledge(m, seg.ack);
  } else {
    // "If the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be ignored." The rest of the segment is not,
    // and RFC 5681 §3.2 counts it (MUST-19).
    fire(m, '3.10.7.4/ack/duplicate');
    onPossibleDuplicateAck(m, seg, resend);
  }
  if (le(m, '3.10.7.4 fifth, window: SND.UNA =< SEG.ACK', tcb.sndUna, seg.ack)) updateSendWindow(m, seg);
  return perState(m);
}

/** RFC 5961 §5.2's acceptable range, (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT. */
function inAckRange(m: Machine, ack: Seq): boolean {
  const { tcb } = m;
  return le(m, 'RFC 5961 5.2: SND.UNA-MAX.SND.WND =< SEG.ACK', seqAdd(tcb.sndUna, -tcb.maxSndWnd), ack) && le(m, 'RFC 5961 5.2: SEG.ACK =< SND.NXT', ack, tcb.sndNxt);
}

/**
 * SND.UNA <- SEG.ACK: what is acknowledged leaves the retransmission queue, the round trip is measured
 * (RFC 6298), and the retransmission timer is restarted or stopped (RFC 6298 §5.2, §5.3).
 */
export function acknowledge(m: Machine, ack: Seq): void {
  const { tcb } = m;
  const dataEnd = seqLt(ack, tcb.sndQueueEnd) ? ack : tcb.sndQueueEnd;
  const octets = seqSub(dataEnd, tcb.sndBufferSeq);
  if (octets > 0) {
    tcb.sndBuffer.drop(octets);
    tcb.sndBufferSeq = dataEnd;
  }
  tcb.sndUna = ack;
  if (octets > 0) onNewDataAcked(m, octets);
  onAcknowledged(m, ack);
  onNewAck(m);
}

/**
 * "If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, set
 * SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK": old segments do not update the window.
 */
function updateSendWindow(m: Machine, seg: TcpSegment): void {
  const { tcb } = m;
  const newer = lt(m, '3.10.7.4 fifth, window: SND.WL1 < SEG.SEQ', tcb.sndWl1, seg.seq);
  const asNew = eq(m, '3.10.7.4 fifth, window: SND.WL1 = SEG.SEQ', tcb.sndWl1, seg.seq) && le(m, '3.10.7.4 fifth, window: SND.WL2 =< SEG.ACK', tcb.sndWl2, seg.ack);
  if (!(newer || asNew)) return;
  fire(m, '3.10.7.4/ack/window-update');
  // RFC 7323 §2.3: SND.WND <- SEG.WND << Snd.Wind.Shift.
  tcb.sndWnd = peerWindow(tcb, seg);
  tcb.sndWl1 = seg.seq;
  tcb.sndWl2 = seg.ack;
  tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
  // MUST-37: as long as the peer acknowledges the probes of its zero window, the connection stays open,
  // so the user timeout starts over.
  if (seg.window === 0 && tcb.timers.user !== undefined) {
    fire(m, '3.8.6.1/zero-window-acknowledged');
    arm(m, 'user', userTimeoutMs(m));
  }
}

/** Whether the FIN this endpoint queued is acknowledged, SND.UNA one past it, as `boundary` tests it. */
function finAcked(m: Machine, boundary: Boundary): boolean {
  return m.tcb.finQueued && eq(m, boundary, m.tcb.sndUna, seqAdd(m.tcb.sndQueueEnd, 1));
}

/** The per-state part of the fifth step. */
function perState(m: Machine): boolean {
  switch (m.state) {
    case 'FIN-WAIT-1':
      // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2 and continue processing in that state."
      if (finAcked(m, '3.10.7.4 FIN-WAIT-1: SND.UNA = FIN+1')) setState(m, 'FIN-WAIT-2', '3.10.7.4/ack/fin-wait-1-fin-acked');
      return true;
    case 'CLOSING':
      // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment."
      if (finAcked(m, '3.10.7.4 CLOSING: SND.UNA = FIN+1')) {
        enterTimeWait(m, '3.10.7.4/ack/closing-fin-acked');
        return true;
      }
      fire(m, '3.10.7.4/ack/closing-fin-not-acked');
      return false;
    case 'LAST-ACK':
      // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state, and return."
      if (finAcked(m, '3.10.7.4 LAST-ACK: SND.UNA = FIN+1')) {
        deleteTcb(m, '3.10.7.4/ack/last-ack-fin-acked');
        return false;
      }
      return true;
    default:
      // ESTABLISHED and CLOSE-WAIT: the processing above. FIN-WAIT-2: the user's CLOSE could now be
      // acknowledged, which this machine's CLOSE does not wait for. TIME-WAIT: the retransmitted FIN,
      // the one thing expected, is recognized before the first step (see other-states.ts).
      return true;
  }
}
