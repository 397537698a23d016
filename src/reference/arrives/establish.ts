/**
 * Entering ESTABLISHED from SYN-SENT (RFC 9293 §3.10.7.3 fourth) or SYN-RECEIVED (§3.10.7.4 fifth).
 */
import type { TcpSegment } from '../../wire';
import { signal, type Machine } from '../machine';
import type { Rule } from '../rules';
import { startCongestionControl } from '../congestion';
import { onEstablished } from '../rtt';
import { setState } from '../state';
import { peerWindow } from '../syn-options';
import { closeEstablished } from '../user-calls';

/**
 * ESTABLISHED, with the send window taken from the segment that got us here (SND.WND <- SEG.WND,
 * SND.WL1 <- SEG.SEQ, SND.WL2 <- SEG.ACK), and the user told: `connected` after an active OPEN,
 * `accepted` after a passive one. A CLOSE that waited for ESTABLISHED (§3.10.4, SYN-RECEIVED) goes on.
 */
export function establish(m: Machine, seg: TcpSegment, rule: Rule): void {
  const { tcb } = m;
  setState(m, 'ESTABLISHED', rule);
  // RFC 7323 §2.2: a SYN-ACK's window is not scaled, the ACK of SYN-RECEIVED's is.
  tcb.sndWnd = peerWindow(tcb, seg);
  tcb.sndWl1 = seg.seq;
  tcb.sndWl2 = seg.ack;
  tcb.maxSndWnd = Math.max(tcb.maxSndWnd, tcb.sndWnd);
  signal(m, tcb.passiveOpen ? 'accepted' : 'connected');
  onEstablished(m);
  startCongestionControl(m);
  if (tcb.closePending) {
    tcb.closePending = false;
    closeEstablished(m);
  }
}
