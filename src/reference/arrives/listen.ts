/**
 * RFC 9293 §3.10.7.2, SEGMENT ARRIVES in the LISTEN state.
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import { seqAdd } from '../../wire/seq';
import { ecnOnSyn } from '../ecn';
import { fire, type Machine } from '../machine';
import { startTiming } from '../rtt';
import { sendResetFor, sendSynAck } from '../segments';
import { setState } from '../state';
import { onSequenceSent } from '../timers';
import { queueForEstablished } from './in-window';
import { learnSendMss } from './mss';
import { negotiate } from '../syn-options';

export function listenState(m: Machine, seg: TcpSegment): void {
  // First, check for a RST: it "could not be valid since it could not have been sent in response to
  // anything sent by this incarnation of the connection".
  if (seg.flags & TcpFlag.RST) {
    fire(m, '3.10.7.2/rst-ignored');
    return;
  }
  // Second, check for an ACK: "Any acknowledgment is bad if it arrives on a connection still in the
  // LISTEN state": <SEQ=SEG.ACK><CTL=RST>.
  if (seg.flags & TcpFlag.ACK) {
    fire(m, '3.10.7.2/ack-reset');
    sendResetFor(m, seg);
    return;
  }
  // Third, check for a SYN. The security/compartment check does not apply: this machine has none
  // (RFC 9293 Appendix A.1).
  if (seg.flags & TcpFlag.SYN) {
    const { tcb } = m;
    m.remotePort = seg.srcPort;
    tcb.passiveOpen = true;
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    tcb.rcvUp = tcb.rcvNxt;
    tcb.rcvRead = tcb.rcvNxt;
    learnSendMss(m, seg);
    negotiate(m, seg);
    ecnOnSyn(m, seg);
    setState(m, 'SYN-RECEIVED', '3.10.7.2/syn');
    sendSynAck(m);
    tcb.sndUna = tcb.iss;
    tcb.sndNxt = seqAdd(tcb.iss, 1);
    startTiming(m, tcb.sndNxt);
    onSequenceSent(m);
    queueForEstablished(m, seg, '3.10.7.2/text-queued');
    return;
  }
  // Fourth, other data or control: "This should not be reached. Drop the segment and return."
  fire(m, '3.10.7.2/other-dropped');
}
