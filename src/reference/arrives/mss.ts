/**
 * The MSS option of a SYN (RFC 9293 §3.7.1).
 */
import type { TcpSegment } from '../../wire';
import * as machine from '../machine';
import type { Machine } from '../machine';
import * as tcbModule from '../tcb';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { DEFAULT_SEND_MSS } = tcbModule;
const { fire } = machine;

/** SendMSS: the peer's MSS option, or 536 when its SYN has none (MUST-15). */
export function learnSendMss(m: Machine, syn: TcpSegment): void {
  const option = syn.options.find((o) => o.kind === 'mss');
  if (option === undefined) {
    fire(m, '3.7.1/mss-default');
    m.tcb.sndMss = DEFAULT_SEND_MSS;
    return;
  }
  fire(m, '3.7.1/mss-option');
  // An MSS of 0 would let no octet through; one octet per segment is the least that still makes progress.
  m.tcb.sndMss = Math.max(1, option.mss);
}
