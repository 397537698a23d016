/**
 * Keep-alive probes as the oracle sees them (RFC 9293 §3.8.4): a segment at SND.UNA-1, without SYN, FIN
 * or RST, with no data or one garbage octet (MAY-6), is the probe's form. Its timing is the target's own
 * (its timers' granularity), so the machine's probes oblige nothing and cases assert them; what no stack
 * may do is probe while data is outstanding (MUST-26). Against a zero window the same form is a window
 * probe, which some stacks send instead of an octet of data (Linux's tcp_xmit_probe_skb, gVisor's).
 */
import { seqAdd } from '../../wire/seq';
import type { Seq, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';

/** Whether `segment` has a keep-alive probe's form, given SND.UNA. */
export function isKeepAliveProbe(segment: TcpSegment, sndUna: Seq): boolean {
  return !(segment.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST)) && segment.payload.length <= 1 && segment.seq === seqAdd(sndUna, -1);
}

/** MUST-26's break, when a probe goes out while sent data awaits acknowledgment and the peer's window is open. */
export function probeWhileOutstanding(segment: TcpSegment, tcb: { readonly sndUna: Seq; readonly sndNxt: Seq; readonly sndWnd: number }): { rule: string; expected: string; message: string } | undefined {
  if (!isKeepAliveProbe(segment, tcb.sndUna) || tcb.sndNxt === tcb.sndUna || tcb.sndWnd === 0) return undefined;
  return {
    rule: 'MUST-26',
    expected: 'no keep-alive probe while data is outstanding',
    message: 'a keep-alive probe (a segment at SND.UNA-1) while sent data awaits acknowledgment: keep-alives go only on an idle connection (RFC 9293 §3.8.4)',
  };
}
