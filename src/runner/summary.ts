/** One-line forms of segments and expectations, shared by failure messages, traces and reports. */
import { formatFlags, formatOptions, ICMPV4_KIND_TYPES, IpProtocol, TcpFlag, type Icmpv4Message, type TcpSegment } from '../wire';
import type { Range, SegmentMatch, OptionExpectation } from '../suite/case';
import { icmpMessageName } from '../suite/icmp-message';
import type { IcmpSummary, SegmentSummary } from './result';
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

/** A segment of a connection the case does not number (an `isn` step's): its numbers as on the wire. */
export function summarizeAbsolute(segment: TcpSegment, checksumOk: boolean): SegmentSummary {
  return summarize(segment, (seq) => seq, (seq) => seq, checksumOk);
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

/**
 * An ICMP message for the trace: named as a case names it, with what its quote shows of the segment it
 * is about; `relative` turns the quoted sequence number into the numbers a case writes.
 */
export function summarizeIcmp(message: Icmpv4Message, checksumOk: boolean, relative: (seq: number) => number): IcmpSummary {
  if (message.kind === 'other') return { message: `type ${message.type} code ${message.code}`, type: message.type, code: message.code, checksumOk };
  const code = message.kind === 'frag-needed' ? 4 : message.code;
  const invoking = message.invoking;
  const quotesTcp = invoking?.protocol === IpProtocol.TCP && invoking.srcPort !== undefined && invoking.dstPort !== undefined;
  return {
    message: icmpMessageName(message.kind, code) ?? `${message.kind} code ${code}`,
    type: ICMPV4_KIND_TYPES[message.kind],
    code,
    ...(message.kind === 'frag-needed' && { nextHopMtu: message.nextHopMtu }),
    ...(message.kind === 'parameter-problem' && { pointer: message.pointer }),
    ...(quotesTcp && {
      quoted: { srcPort: invoking.srcPort as number, dstPort: invoking.dstPort as number, ...(invoking.seq !== undefined && { seq: relative(invoking.seq) }) },
    }),
    checksumOk,
  };
}

/** `ICMP frag-needed (3/4) mtu 552 about 8080 > 40000 seq 1`: one line for ladders and failures. */
export function icmpText(s: IcmpSummary): string {
  const fields = [s.nextHopMtu !== undefined ? ` mtu ${s.nextHopMtu}` : '', s.pointer !== undefined ? ` pointer ${s.pointer}` : ''].join('');
  const about = s.quoted ? ` about ${s.quoted.srcPort} > ${s.quoted.dstPort}${s.quoted.seq !== undefined ? ` seq ${s.quoted.seq}` : ''}` : '';
  const checksum = s.checksumOk ? '' : ' [bad checksum]';
  return `ICMP ${s.message} (${s.type}/${s.code})${fields}${about}${checksum}`;
}
