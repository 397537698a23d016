/** One-line forms of segments and expectations, shared by failure messages, traces and reports. */
import { formatFlags, formatOptions, ICMPV4_KIND_TYPES, ICMPV6_PARAMETER_PROBLEM_CODES, ICMPV6_TIME_EXCEEDED_CODES, ICMPV6_UNREACHABLE_CODES, Icmpv6Type, IpProtocol, TcpFlag, type DecodedPacket, type Icmpv4Message, type Icmpv6Message, type InvokingPacket, type IpHeader, type Ipv4Option, type TcpSegment } from '../wire';
import type { Range, SegmentMatch, OptionExpectation } from '../suite/case';
import { icmpMessageName } from '../suite/icmp-message';
import type { IcmpSummary, SegmentSummary } from './result';
import type { Numbering } from './numbering';

function ipOptionText(option: Ipv4Option): string {
  switch (option.kind) {
    case 'eol':
    case 'nop':
      return option.kind;
    case 'lsrr':
    case 'ssrr':
    case 'rr':
      return `${option.kind} ${option.route.join(' ')} ptr ${option.pointer}`;
    case 'timestamp':
      return `ts ${option.entries.length} slots`;
    case 'unknown':
      return `type ${option.type}`;
  }
}

/**
 * `ect0`, `198.18.0.2 > 198.18.0.255`, `lsrr 198.18.0.2 ptr 4`: what a datagram's IPv4 header says beyond
 * the plain one between `from` and `to` (Not-ECT, no options); empty when nothing.
 */
export function ipText(ip: IpHeader | undefined, from: string, to: string): string {
  if (ip === undefined || ip.version !== 4) return '';
  const parts: string[] = [];
  if (ip.src !== from || ip.dst !== to) parts.push(`${ip.src} > ${ip.dst}`);
  if (ip.ecn !== undefined && ip.ecn !== 'not-ect') parts.push(ip.ecn);
  if (ip.dscp !== undefined && ip.dscp !== 0) parts.push(`dscp ${ip.dscp}`);
  parts.push(...(ip.options ?? []).filter((o) => o.kind !== 'eol').map(ipOptionText));
  return parts.join(', ');
}

/** A segment with its sequence number relative to the sender's ISN and its ACK to the receiver's. */
function summarize(segment: TcpSegment, senderRelative: (seq: number) => number, receiverRelative: (seq: number) => number, checksumOk: boolean, ip: string): SegmentSummary {
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
    ...(ip !== '' && { ip }),
  };
}

/** A segment of a connection the case does not number (an `isn` step's): its numbers as on the wire. */
export function summarizeAbsolute(segment: TcpSegment, checksumOk: boolean): SegmentSummary {
  return summarize(segment, (seq) => seq, (seq) => seq, checksumOk, '');
}

/** `ip` is what the datagram's header says beyond the plain one (ipText). */
export function summarizeFromTarget(segment: TcpSegment, numbering: Numbering, checksumOk: boolean, ip = ''): SegmentSummary {
  return summarize(segment, (seq) => numbering.targetRelative(seq), (seq) => numbering.peerRelative(seq), checksumOk, ip);
}

export function summarizeToTarget(segment: TcpSegment, numbering: Numbering, checksumOk: boolean, ip = ''): SegmentSummary {
  return summarize(segment, (seq) => numbering.peerRelative(seq), (seq) => numbering.targetRelative(seq), checksumOk, ip);
}

/** `SA seq 0 ack 1 win 64240 len 0 <mss 1460>` */
export function segmentText(s: SegmentSummary): string {
  const options = s.options === '' ? '' : ` <${s.options}>`;
  const checksum = s.checksumOk ? '' : ' [bad checksum]';
  const urgent = s.urgent === undefined ? '' : ` urg ${s.urgent}`;
  const ip = s.ip === undefined ? '' : ` [ip ${s.ip}]`;
  return `${s.flags} seq ${s.seq} ack ${s.ack} win ${s.window} len ${s.length}${urgent}${options}${checksum}${ip}`;
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
    case 'tsecr': return `tsecr ${o.tsecr}`;
    case 'sack': return `sack ${typeof o.blocks === 'string' ? o.blocks : sackText(o.blocks)}`;
  }
}

/** `1001:2001 3001:4001`: SACK blocks as a case writes them, relative. */
export function sackText(blocks: readonly (readonly [number, number])[]): string {
  return blocks.map(([left, right]) => `${left}:${right}`).join(' ');
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
  const ip = [
    ...(m.ip?.ecn !== undefined ? [m.ip.ecn] : []),
    ...(m.ip?.sourceRoute !== undefined ? [`route ${m.ip.sourceRoute === 'absent' ? 'absent' : m.ip.sourceRoute.join(' ')}`] : []),
    ...(m.ip?.idRepeated !== undefined ? [m.ip.idRepeated ? 'id repeated' : 'new id'] : []),
    ...(m.ip?.dscp !== undefined ? [`dscp ${m.ip.dscp}`] : []),
  ];
  if (ip.length > 0) parts.push(`[ip ${ip.join(', ')}]`);
  if (m.preceded) parts.push(`after at most ${m.preceded.max} other(s)`);
  return parts.join(' ');
}

/** What a quote shows of the segment an error is about, its sequence number as a case writes it. */
function quotedOf(invoking: InvokingPacket | undefined, relative: (seq: number) => number): Pick<IcmpSummary, 'quoted'> {
  if (invoking?.protocol !== IpProtocol.TCP || invoking.srcPort === undefined || invoking.dstPort === undefined) return {};
  return { quoted: { srcPort: invoking.srcPort, dstPort: invoking.dstPort, ...(invoking.seq !== undefined && { seq: relative(invoking.seq) }) } };
}

/**
 * An ICMP message for the trace: named as a case names it, with what its quote shows of the segment it
 * is about; `relative` turns the quoted sequence number into the numbers a case writes.
 */
export function summarizeIcmp(message: Icmpv4Message, checksumOk: boolean, relative: (seq: number) => number): IcmpSummary {
  if (message.kind === 'other') return { message: `type ${message.type} code ${message.code}`, type: message.type, code: message.code, checksumOk };
  const code = message.kind === 'frag-needed' ? 4 : message.code;
  return {
    message: icmpMessageName(message.kind, code) ?? `${message.kind} code ${code}`,
    type: ICMPV4_KIND_TYPES[message.kind],
    code,
    ...(message.kind === 'frag-needed' && { nextHopMtu: message.nextHopMtu }),
    ...(message.kind === 'parameter-problem' && { pointer: message.pointer }),
    ...quotedOf(message.invoking, relative),
    checksumOk,
  };
}

const ICMPV6_TYPES = { unreachable: Icmpv6Type.DESTINATION_UNREACHABLE, 'packet-too-big': Icmpv6Type.PACKET_TOO_BIG, 'time-exceeded': Icmpv6Type.TIME_EXCEEDED, 'parameter-problem': Icmpv6Type.PARAMETER_PROBLEM } as const;

/** An ICMPv6 message for the trace, named by RFC 4443's codes (`port-unreachable`, `packet-too-big`), as summarizeIcmp does for ICMP. */
export function summarizeIcmpv6(message: Icmpv6Message, checksumOk: boolean, relative: (seq: number) => number): IcmpSummary {
  const base = { version: 6 as const, checksumOk };
  if (message.kind === 'other') return { ...base, message: `type ${message.type} code ${message.code}`, type: message.type, code: message.code };
  const names: Record<typeof message.kind, readonly string[]> = { unreachable: ICMPV6_UNREACHABLE_CODES, 'packet-too-big': ['packet-too-big'], 'time-exceeded': ICMPV6_TIME_EXCEEDED_CODES, 'parameter-problem': ICMPV6_PARAMETER_PROBLEM_CODES.map((c) => `parameter-problem-${c}`) };
  return {
    ...base,
    message: names[message.kind][message.code] ?? `${message.kind} code ${message.code}`,
    type: ICMPV6_TYPES[message.kind],
    code: message.code,
    ...(message.kind === 'packet-too-big' && { nextHopMtu: message.mtu }),
    ...(message.kind === 'parameter-problem' && { pointer: message.pointer }),
    ...quotedOf(message.invoking, relative),
  };
}

/** The ICMP or ICMPv6 message a decoded packet carries, for the trace; undefined for a packet that carries none. */
export function summarizeIcmpIn(decoded: DecodedPacket, relative: (seq: number) => number): IcmpSummary | undefined {
  const checksumOk = decoded.icmpChecksumOk === true;
  if (decoded.icmp) return summarizeIcmp(decoded.icmp, checksumOk, relative);
  if (decoded.icmpv6) return summarizeIcmpv6(decoded.icmpv6, checksumOk, relative);
  return undefined;
}

/** `ICMP frag-needed (3/4) mtu 552 about 8080 > 40000 seq 1`: one line for ladders and failures. */
export function icmpText(s: IcmpSummary): string {
  const fields = [s.nextHopMtu !== undefined ? ` mtu ${s.nextHopMtu}` : '', s.pointer !== undefined ? ` pointer ${s.pointer}` : ''].join('');
  const about = s.quoted ? ` about ${s.quoted.srcPort} > ${s.quoted.dstPort}${s.quoted.seq !== undefined ? ` seq ${s.quoted.seq}` : ''}` : '';
  const checksum = s.checksumOk ? '' : ' [bad checksum]';
  return `${s.version === 6 ? 'ICMPv6' : 'ICMP'} ${s.message} (${s.type}/${s.code})${fields}${about}${checksum}`;
}
