/**
 * The MSS option of a SYN (RFC 9293 §3.7.1).
 */
import type { TcpSegment } from '../../wire';
import { fire, type Machine } from '../machine';

/** SendMSS: the peer's MSS option, or when its SYN has none the family's default, 536 or 1220 (MUST-15). */
export function learnSendMss(m: Machine, syn: TcpSegment): void {
  const option = syn.options.find((o) => o.kind === 'mss');
  if (option === undefined) {
    fire(m, '3.7.1/mss-default');
    m.tcb.sndMss = m.ip.defaultSendMss;
    return;
  }
  fire(m, '3.7.1/mss-option');
  // An MSS of 0 would let no octet through; one octet per segment is the least that still makes progress.
  m.tcb.sndMss = Math.max(1, option.mss);
}
