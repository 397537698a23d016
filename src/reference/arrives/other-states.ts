/**
 * RFC 9293 §3.10.7.4, SEGMENT ARRIVES in the other states: SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1,
 * FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK, TIME-WAIT. The checks run in the RFC's order.
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd } from '../../wire/seq';
import { acceptable, segLen } from '../acceptable';
import { eq, gt } from '../boundaries';
import { ecnOnSegment } from '../ecn';
import { fire, signal, type Machine } from '../machine';
import { sendAck, sendResetFor } from '../segments';
import { deleteTcb, reopenFromTimeWait, restartTimeWait, returnToListen } from '../state';
import { transmit } from '../transmit';
import { ackStep } from './ack';
import { inWindow, type InWindow } from './in-window';
import { listenState } from './listen';
import { afterAckStep } from './text';
import { newerTimestamp, pawsRejects, recordTimestamp } from '../timestamps';

export function otherStates(m: Machine, arrived: TcpSegment): void {
  if (retransmittedFinInTimeWait(m, arrived)) return;
  if (newSynInTimeWait(m, arrived)) return listenState(m, arrived);
  const seg = withoutCrossingSyn(m, arrived);
  // RFC 7323 §5.3 R1: PAWS before the sequence number check (R2).
  if (pawsRejects(m, seg)) return;
  const part = sequenceCheck(m, seg);
  if (part === undefined) return;
  // R3: an acceptable segment's TSval may become TS.Recent.
  recordTimestamp(m, seg);
  if (seg.flags & TcpFlag.RST) return rstCheck(m, seg);
  // Third, check security: this machine has no security/compartment (RFC 9293 Appendix A.1), so no
  // segment can fail it.
  if (seg.flags & TcpFlag.SYN) return synCheck(m, seg);
  // RFC 3168 §6.1: the ECN flags and field of an acceptable segment (§6.1.5: those outside the window
  // are ignored, as the first check dropped them).
  ecnOnSegment(m, seg);
  if (!ackStep(m, seg)) return;
  const owes = afterAckStep(m, seg, part) || part.textDropped;
  if (m.state !== 'CLOSED') transmit(m, owes);
}

/**
 * TIME-WAIT, fifth and eighth steps: "The only thing that can arrive in this state is a retransmission of
 * the remote FIN. Acknowledge it, and restart the 2 MSL timeout." That FIN lies just before RCV.NXT, so
 * Table 6 would reject it in the first step and the restart could never happen: it is recognized here,
 * by ending exactly at RCV.NXT.
 */
function retransmittedFinInTimeWait(m: Machine, seg: TcpSegment): boolean {
  if (m.state !== 'TIME-WAIT' || (seg.flags & (TcpFlag.FIN | TcpFlag.SYN | TcpFlag.RST)) !== TcpFlag.FIN) return false;
  if (!eq(m, '3.10.7.4 TIME-WAIT, retransmitted FIN: SEG.SEQ+SEG.LEN = RCV.NXT', seqAdd(seg.seq, segLen(seg)), m.tcb.rcvNxt)) return false;
  fire(m, '3.10.7.4/fin/time-wait-restart');
  restartTimeWait(m);
  sendAck(m);
  return true;
}

/**
 * §3.6.1, MAY-2: TIME-WAIT "MAY accept a new SYN from the remote TCP endpoint to reopen the connection
 * directly", if the new ISS lies above every sequence number the old connection used. Such a SYN comes
 * without ACK and above RCV.NXT (an old duplicate lies below); the endpoint is made a listener again
 * with that ISS, and the SYN is processed as in LISTEN. RFC 6191 lets timestamps tell a new SYN from an
 * old duplicate instead. Where the profile does not reopen, the SYN goes through the checks below as any
 * other segment.
 */
function newSynInTimeWait(m: Machine, seg: TcpSegment): boolean {
  if (!m.profile.reopenFromTimeWait || m.state !== 'TIME-WAIT') return false;
  if ((seg.flags & (TcpFlag.SYN | TcpFlag.ACK | TcpFlag.RST)) !== TcpFlag.SYN) return false;
  if (gt(m, '3.6.1 TIME-WAIT, new SYN: SEG.SEQ > RCV.NXT', seg.seq, m.tcb.rcvNxt)) {
    reopenFromTimeWait(m, '3.6.1/time-wait-reopen');
    return true;
  }
  // RFC 6191 §2 (SHLD-4): where the old connection used timestamps, a SYN whose TSval is newer than
  // TS.Recent is no old duplicate, whatever its sequence number: it reopens the connection too.
  if (!newerTimestamp(m, seg)) return false;
  reopenFromTimeWait(m, 'rfc6191/2/time-wait-reopen-by-timestamp');
  return true;
}

/**
 * Simultaneous open (Figure 7, line 6): in SYN-RECEIVED the peer's SYN-ACK repeats the SYN already
 * received, one before RCV.NXT. Taken whole, Table 6 would reject it; §3.10.7.4 first has the parts
 * outside the window trimmed off, "including SYN and FIN", and what remains, an ACK at RCV.NXT, goes on
 * and reaches ESTABLISHED as the figure shows.
 */
function withoutCrossingSyn(m: Machine, seg: TcpSegment): TcpSegment {
  const synAck = TcpFlag.SYN | TcpFlag.ACK;
  if (m.state !== 'SYN-RECEIVED' || (seg.flags & (synAck | TcpFlag.RST)) !== synAck) return seg;
  if (!eq(m, '3.10.7.4 SYN-RECEIVED, crossing SYN: SEG.SEQ+1 = RCV.NXT', seqAdd(seg.seq, 1), m.tcb.rcvNxt)) return seg;
  fire(m, '3.10.7.4/seq/crossing-syn-trimmed');
  return { ...seg, seq: m.tcb.rcvNxt, flags: seg.flags & ~TcpFlag.SYN };
}

/**
 * First, check sequence number (Table 6, `acceptable`). An unacceptable segment gets
 * <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> unless it is a RST. With RCV.WND zero, "special allowance should be
 * made to accept valid ACKs, URGs, and RSTs": a segment at RCV.NXT goes on without its text and FIN,
 * and its ACK shows the zero window (§3.8.6.1). Returns the part of the segment to process, if any.
 */
function sequenceCheck(m: Machine, seg: TcpSegment): InWindow | undefined {
  const { tcb } = m;
  if (acceptable(seg, tcb.rcvNxt, tcb.rcvWnd, m)) return inWindow(m, seg);
  if (tcb.rcvWnd === 0 && eq(m, '3.10.7.4 first, zero window: SEG.SEQ = RCV.NXT', seg.seq, tcb.rcvNxt)) {
    fire(m, '3.10.7.4/seq/zero-window-allowance');
    return { start: tcb.rcvNxt, end: tcb.rcvNxt, fin: false, finSeq: tcb.rcvNxt, textDropped: true };
  }
  if (seg.flags & TcpFlag.RST) {
    fire(m, '3.10.7.4/seq/unacceptable-rst-dropped');
    return undefined;
  }
  fire(m, '3.10.7.4/seq/unacceptable-ack');
  sendAck(m);
  return undefined;
}

/**
 * Second, check the RST bit. With RFC 5961 (§3.2), a RST in the window but not exactly at RCV.NXT only
 * draws a challenge ACK, and one outside the window was dropped by the first check; only a RST at RCV.NXT
 * resets. Without it (RFC 793), any RST the first check accepted resets. How a reset ends the connection
 * depends on the state. A profile with RFC 1337's remedy ignores every RST in TIME-WAIT, so that an old
 * duplicate RST cannot cut TIME-WAIT short ("TIME-WAIT assassination", RFC 1337 §3, fix 1).
 */
function rstCheck(m: Machine, seg: TcpSegment): void {
  if (m.profile.rfc1337 && m.state === 'TIME-WAIT') {
    fire(m, 'rfc1337/3/time-wait-rst-ignored');
    return;
  }
  if (m.profile.rfc5961Rst && !eq(m, '3.10.7.4 second, RFC 5961: SEG.SEQ = RCV.NXT', seg.seq, m.tcb.rcvNxt)) {
    fire(m, '3.10.7.4/rst/in-window-not-exact');
    sendAck(m);
    return;
  }
  switch (m.state) {
    case 'SYN-RECEIVED':
      // A passive OPEN returns to LISTEN, the user not informed (MUST-11); an active one was refused.
      if (m.tcb.passiveOpen) return returnToListen(m, '3.10.7.4/rst/syn-received-passive-listen');
      deleteTcb(m, '3.10.7.4/rst/syn-received-active-refused');
      signal(m, 'refused');
      return;
    case 'ESTABLISHED':
    case 'FIN-WAIT-1':
    case 'FIN-WAIT-2':
    case 'CLOSE-WAIT':
      // Outstanding calls get "reset", queues are flushed, the user gets "connection reset".
      deleteTcb(m, '3.10.7.4/rst/reset');
      signal(m, 'reset');
      return;
    default:
      // CLOSING, LAST-ACK, TIME-WAIT: "enter the CLOSED state, delete the TCB, and return." RFC 1337
      // would have TIME-WAIT ignore it (above, where the profile says so); RFC 9293 does not.
      deleteTcb(m, '3.10.7.4/rst/closed');
  }
}

/**
 * Fourth, check the SYN bit. In SYN-RECEIVED after a passive OPEN: back to LISTEN. Elsewhere, with
 * RFC 5961 (§4.2) a challenge ACK whatever the sequence number; without it (RFC 793), a SYN the first
 * check let through is in the window, "an error": a reset (§3.5.2's form), and the connection ends.
 */
function synCheck(m: Machine, seg: TcpSegment): void {
  if (m.state === 'SYN-RECEIVED' && m.tcb.passiveOpen) return returnToListen(m, '3.10.7.4/syn/syn-received-passive-listen');
  if (m.profile.rfc5961Syn) {
    fire(m, '3.10.7.4/syn/challenge-ack');
    sendAck(m);
    return;
  }
  sendResetFor(m, seg);
  deleteTcb(m, '3.10.7.4/syn/in-window-reset');
  signal(m, 'reset');
}
