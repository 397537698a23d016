/**
 * RFC 9293 §3.10.7.4, fifth: check the ACK field.
 */
import type { Seq, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLe, seqLt, seqSub } from '../../wire/seq';
import { fire, type Machine } from '../machine';
import { onAcknowledged } from '../rtt';
import { sendAck, sendResetFor } from '../segments';
import { deleteTcb, enterTimeWait, setState } from '../state';
import { finAcked, type Tcb } from '../tcb';
import { onNewAck, userTimeoutMs } from '../timers';
import { establish } from './establish';

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
    if (!(seqLt(tcb.sndUna, seg.ack) && seqLe(seg.ack, tcb.sndNxt))) {
      fire(m, '3.10.7.4/ack/syn-received-unacceptable-reset');
      sendResetFor(m, seg);
      return false;
    }
    establish(m, seg, '3.10.7.4/ack/syn-received-established');
  }
  // RFC 5961 §5.2 (MAY-12): the ACK is acceptable only in (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT;
  // any other segment is "discarded and an ACK sent back".
  if (m.profile.rfc5961Ack && !inAckRange(tcb, seg.ack)) {
    fire(m, '3.10.7.4/ack/outside-range-challenge');
    sendAck(m);
    return false;
  }
  // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
  if (seqGt(seg.ack, tcb.sndNxt)) {
    fire(m, '3.10.7.4/ack/not-yet-sent');
    sendAck(m);
    return false;
  }
  if (seqLt(tcb.sndUna, seg.ack)) {
    fire(m, '3.10.7.4/ack/new');
    acknowledge(m, seg.ack);
  } else {
    // "If the ACK is a duplicate (SEG.ACK =< SND.UNA), it can be ignored." The rest of the segment is not.
    fire(m, '3.10.7.4/ack/duplicate');
  }
  if (seqLe(tcb.sndUna, seg.ack)) updateSendWindow(m, seg);
  return perState(m);
}

/** RFC 5961 §5.2's acceptable range, (SND.UNA - MAX.SND.WND) =< SEG.ACK =< SND.NXT. */
function inAckRange(tcb: Tcb, ack: Seq): boolean {
  return seqLe(seqAdd(tcb.sndUna, -tcb.maxSndWnd), ack) && seqLe(ack, tcb.sndNxt);
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
  onAcknowledged(m, ack);
  onNewAck(m);
}

/**
 * "If (SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK)), set SND.WND <- SEG.WND, set
 * SND.WL1 <- SEG.SEQ, and set SND.WL2 <- SEG.ACK": old segments do not update the window.
 */
function updateSendWindow(m: Machine, seg: TcpSegment): void {
  const { tcb } = m;
  if (!(seqLt(tcb.sndWl1, seg.seq) || (tcb.sndWl1 === seg.seq && seqLe(tcb.sndWl2, seg.ack)))) return;
  fire(m, '3.10.7.4/ack/window-update');
  tcb.sndWnd = seg.window;
  tcb.sndWl1 = seg.seq;
  tcb.sndWl2 = seg.ack;
  tcb.maxSndWnd = Math.max(tcb.maxSndWnd, seg.window);
  // MUST-37: as long as the peer acknowledges the probes of its zero window, the connection stays open,
  // so the user timeout starts over.
  if (seg.window === 0 && tcb.timers.user !== undefined) {
    fire(m, '3.8.6.1/zero-window-acknowledged');
    tcb.timers.user = m.now + userTimeoutMs(m);
  }
}

/** The per-state part of the fifth step. */
function perState(m: Machine): boolean {
  const { tcb } = m;
  switch (m.state) {
    case 'FIN-WAIT-1':
      // "if the FIN segment is now acknowledged, then enter FIN-WAIT-2 and continue processing in that state."
      if (finAcked(tcb)) setState(m, 'FIN-WAIT-2', '3.10.7.4/ack/fin-wait-1-fin-acked');
      return true;
    case 'CLOSING':
      // "if the ACK acknowledges our FIN, then enter the TIME-WAIT state; otherwise, ignore the segment."
      if (finAcked(tcb)) {
        enterTimeWait(m, '3.10.7.4/ack/closing-fin-acked');
        return true;
      }
      fire(m, '3.10.7.4/ack/closing-fin-not-acked');
      return false;
    case 'LAST-ACK':
      // "If our FIN is now acknowledged, delete the TCB, enter the CLOSED state, and return."
      if (finAcked(tcb)) {
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
