/**
 * RFC 9293 §3.10.7.1, SEGMENT ARRIVES in the CLOSED state (no TCB exists for the segment).
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import * as machine from '../machine';
import type { Machine } from '../machine';
import * as segments from '../segments';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { sendResetFor } = segments;
const { fire } = machine;

/**
 * "All data in the incoming segment is discarded. An incoming segment containing a RST is discarded. An
 * incoming segment not containing a RST causes a RST to be sent in response", in §3.5.2's form.
 */
export function closedState(m: Machine, seg: TcpSegment): void {
  if (seg.flags & TcpFlag.RST) {
    fire(m, '3.10.7.1/rst-discarded');
    return;
  }
  fire(m, seg.flags & TcpFlag.ACK ? '3.10.7.1/reset-ack-on' : '3.10.7.1/reset-ack-off');
  sendResetFor(m, seg);
}
