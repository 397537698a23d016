/** One-line forms of segments and expectations, shared by failure messages, traces and reports. */
import { formatFlags, formatOptions, TcpFlag, type TcpSegment } from '../wire';
import type { Range, SegmentMatch, OptionExpectation } from '../suite/case';
import type { SegmentSummary } from './result';
import type { Numbering } from './numbering';

/** A segment with its sequence number relative to the sender's ISN and its ACK to the receiver's. */
function summarize(segment: TcpSegment, senderRelative: (seq: number) => number, receiverRelative: (seq: number) => number, checksumOk: boolean): SegmentSummary {
  return {
    flags: formatFlags(segment.flags),
    seq: senderRelative(segment.seq),
    // Without the ACK bit the field means nothing (RFC 9293 §3.1): shown as on the wire, not made relative.
    ack: segment.flags & TcpFlag.ACK ? receiverRelative(segment.ack) : segment.ack,
    window: segment.window,
    length: segment.payload.length,
    ...(segment.flags & TcpFlag.URG && { urgent: segment.urgentPointer }),
    options: formatOptions(segment.options),
    srcPort: segment.srcPort,
    dstPort: segment.dstPort,
    checksumOk,
  };
}

export function summarizeFromTarget(segment: TcpSegment, numbering: Numbering, checksumOk: boolean): SegmentSummary {
  return summarize(segment, (seq) => numbering.targetRelative(seq), (seq) => numbering.peerRelative(seq), checksumOk);
}

export function summarizeToTarget(segment: TcpSegment, numbering: Numbering, checksumOk: boolean): SegmentSummary {
  return summarize(segment, (seq) => numbering.peerRelative(seq), (seq) => numbering.targetRelative(seq), checksumOk);
}

/** `SA seq 0 ack 1 win 64240 len 0 <mss 1460>` */
export function segmentText(s: SegmentSummary): string {
  const options = s.options === '' ? '' : ` <${s.options}>`;
  const checksum = s.checksumOk ? '' : ' [bad checksum]';
  const urgent = s.urgent === undefined ? '' : ` urg ${s.urgent}`;
  return `${s.flags} seq ${s.seq} ack ${s.ack} win ${s.window} len ${s.length}${urgent}${options}${checksum}`;
}

export function rangeText(range: Range): string {
  if (range.min === range.max) return String(range.min);
  if (range.max === Number.MAX_SAFE_INTEGER) return `>=${range.min}`;
  return range.min === 0 ? `<=${range.max}` : `${range.min}..${range.max}`;
}

function optionExpectationText(o: OptionExpectation): string {
  switch (o.kind) {
    case 'mss': return `mss ${typeof o.mss === 'string' ? o.mss : rangeText(o.mss)}`;
    case 'wscale': return `wscale ${typeof o.shift === 'string' ? o.shift : rangeText(o.shift)}`;
    case 'sack-permitted': return `sackOK ${o.presence}`;
    case 'timestamps': return `ts ${o.presence}`;
  }
}

/** `SA ack 1 <mss present>`: only what the case asserts, in segmentText's order. */
export function matchText(m: SegmentMatch): string {
  const parts = [m.flags];
  if (m.seq !== undefined) parts.push(`seq ${m.seq}`);
  if (m.ack !== undefined) parts.push(`ack ${m.ack}`);
  if (m.window) parts.push(`win ${rangeText(m.window)}`);
  if (m.length) parts.push(`len ${rangeText(m.length)}`);
  if (m.urgentPointer !== undefined) parts.push(`urg ${m.urgentPointer}`);
  if (m.options.length > 0) parts.push(`<${m.options.map(optionExpectationText).join(',')}>`);
  return parts.join(' ');
}
