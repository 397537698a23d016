/**
 * The target's urgent pointer against the reference machine's SND.UP (RFC 9293 §3.8.5): while urgent
 * data the application sent lies at or beyond a segment, the segment carries URG and the pointer to the
 * octet after that data (MUST-62); with no urgent data there, no URG.
 */
import { urgentPointerAt } from '../../reference';
import type { Seq, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';

export interface UrgentViolation {
  readonly rule: string;
  readonly expected: string;
  readonly message: string;
}

export function urgentViolation(segment: TcpSegment, sndUp: Seq, relative: (seq: Seq) => number): UrgentViolation | undefined {
  if (segment.flags & (TcpFlag.SYN | TcpFlag.RST)) return undefined;
  const urg = (segment.flags & TcpFlag.URG) !== 0;
  const expected = urgentPointerAt(sndUp, segment.seq);
  if (expected === undefined) {
    if (!urg) return undefined;
    return { rule: 'RFC 9293 §3.8.5', expected: 'no URG', message: `URG with urgent pointer ${segment.urgentPointer} at seq ${relative(segment.seq)}, but the application sent no urgent data from there on` };
  }
  // A pure ACK may leave the flag off; a segment carrying data or a FIN is what the peer reads it from.
  if (!urg) {
    if (segment.payload.length === 0 && !(segment.flags & TcpFlag.FIN)) return undefined;
    return { rule: 'MUST-62', expected: `URG, urgent pointer ${expected}`, message: `a segment at seq ${relative(segment.seq)} without URG, while urgent data ends at ${relative(sndUp)} (SND.UP)` };
  }
  if (segment.urgentPointer === expected) return undefined;
  return {
    rule: 'MUST-62',
    expected: `urgent pointer ${expected}`,
    message: `an urgent pointer of ${segment.urgentPointer} at seq ${relative(segment.seq)}, pointing to ${relative(segment.seq) + segment.urgentPointer}; the octet after the urgent data is ${relative(sndUp)} (RFC 9293 §3.8.5)`,
  };
}
