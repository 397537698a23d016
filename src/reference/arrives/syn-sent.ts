/**
 * RFC 9293 §3.10.7.3, SEGMENT ARRIVES in the SYN-SENT state.
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd } from '../../wire/seq';
import { gt, le } from '../boundaries';
import { ecnOnSynAck } from '../ecn';
import { fire, signal, type Machine } from '../machine';
import { sendResetFor, sendSynAck } from '../segments';
import { deleteTcb, setState } from '../state';
import { transmit } from '../transmit';
import { acknowledge } from './ack';
import { establish } from './establish';
import { inWindow, queueForEstablished } from './in-window';
import { learnSendMss } from './mss';
import { negotiate } from '../syn-options';
import { afterAckStep } from './text';

export function synSentState(m: Machine, seg: TcpSegment): void {
  const { tcb } = m;
  const hasAck = (seg.flags & TcpFlag.ACK) !== 0;
  // First, check the ACK bit: SEG.ACK =< ISS or SEG.ACK > SND.NXT acknowledges nothing this endpoint
  // sent. SND.UNA < SEG.ACK =< SND.NXT is acceptable (with SND.UNA = ISS here, the same range).
  if (hasAck && (le(m, '3.10.7.3 first: SEG.ACK =< ISS', seg.ack, tcb.iss) || gt(m, '3.10.7.3 first: SEG.ACK > SND.NXT', seg.ack, tcb.sndNxt))) {
    if (seg.flags & TcpFlag.RST) {
      fire(m, '3.10.7.3/unacceptable-ack-rst-dropped');
      return;
    }
    fire(m, '3.10.7.3/unacceptable-ack-reset');
    sendResetFor(m, seg);
    return;
  }
  // Second, check the RST bit. RFC 5961's exact-sequence check has nothing to compare against here,
  // RCV.NXT being still unknown: RFC 5961 §3.2 itself validates a RST in SYN-SENT by its ACK alone.
  if (seg.flags & TcpFlag.RST) {
    if (!hasAck) {
      fire(m, '3.10.7.3/rst-without-ack-dropped');
      return;
    }
    // "signal to the user 'error: connection reset'": a reset answering the SYN, which sockets call refused.
    deleteTcb(m, '3.10.7.3/rst-refused');
    signal(m, 'refused');
    return;
  }
  // Third, check the security: no security/compartment in this machine (RFC 9293 Appendix A.1).
  // Fourth, check the SYN bit.
  if (seg.flags & TcpFlag.SYN) {
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    tcb.rcvUp = tcb.rcvNxt;
    tcb.rcvRead = tcb.rcvNxt;
    learnSendMss(m, seg);
    negotiate(m, seg);
    if (hasAck) {
      ecnOnSynAck(m, seg);
      acknowledge(m, seg.ack);
    }
    if (gt(m, '3.10.7.3 fourth: SND.UNA > ISS', tcb.sndUna, tcb.iss)) {
      // Our SYN is acknowledged: ESTABLISHED, and on to the sixth step with the rest of the segment. The
      // ACK of the SYN is the one segment the remaining steps owe, so they send only one (MUST-58).
      establish(m, seg, '3.10.7.3/syn-ack-established');
      afterAckStep(m, seg, inWindow(m, seg));
      if (m.state !== 'CLOSED') transmit(m, true);
      return;
    }
    // A SYN without ACK: a simultaneous open (Figure 7).
    setState(m, 'SYN-RECEIVED', '3.10.7.3/simultaneous-open');
    sendSynAck(m);
    tcb.sndWnd = seg.window;
    tcb.sndWl1 = seg.seq;
    tcb.sndWl2 = seg.ack;
    queueForEstablished(m, seg, '3.10.7.3/text-queued');
    return;
  }
  // Fifth, "if neither of the SYN or RST bits is set, then drop the segment and return."
  fire(m, '3.10.7.3/other-dropped');
}
