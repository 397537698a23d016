import { formatFlags, TcpFlag } from './flags';
import type { IcmpErrorFields, IcmpOther, InvokingPacket } from './icmp';
import { ICMPV4_PARAMETER_PROBLEM_CODES, ICMPV4_TIME_EXCEEDED_CODES, ICMPV4_UNREACHABLE_CODES } from './icmpv4';
import type { Icmpv4Message } from './icmpv4';
import { ICMPV6_PARAMETER_PROBLEM_CODES, ICMPV6_TIME_EXCEEDED_CODES, ICMPV6_UNREACHABLE_CODES } from './icmpv6';
import type { Icmpv6Message } from './icmpv6';
import type { Packet } from './packet';
import type { TcpSegment } from './tcp';
import type { TcpOption } from './tcp-options';

/**
 * Short, tcpdump-like text for options, for reports and error messages: `mss 1460,sackOK,ts 100 0,nop,wscale 7`.
 * Raw bytes are shown in hex, so malformed and unknown options can be told apart by eye.
 */
export function formatOptions(options: readonly TcpOption[]): string {
  return options.map(formatOption).join(',');
}

function formatOption(option: TcpOption): string {
  switch (option.kind) {
    case 'eol':
    case 'nop':
      return option.kind;
    case 'mss':
      return `mss ${option.mss}`;
    case 'wscale':
      return `wscale ${option.shift}`;
    case 'sack-permitted':
      return 'sackOK';
    case 'sack':
      return `sack ${option.blocks.map(({ left, right }) => `{${left}:${right}}`).join('')}`;
    case 'timestamps':
      return `ts ${option.tsval} ${option.tsecr}`;
    case 'unknown':
      return option.data.length === 0 ? `opt-${option.type}` : `opt-${option.type} ${hex(option.data)}`;
    case 'malformed':
      return `malformed ${hex(option.bytes)} (${option.reason})`;
  }
}

/**
 * One line per segment: `40000 > 80 SA seq 7000 ack 1001 win 65535 [mss 1460] len 0`. The ack and
 * urgent pointer appear only when their flags make them significant (RFC 9293 §3.1).
 */
export function formatSegment(segment: TcpSegment): string {
  return `${segment.srcPort} > ${segment.dstPort} ${segmentDetails(segment)}`;
}

/** What `formatSegment` writes after the ports. */
function segmentDetails(segment: TcpSegment): string {
  const parts = [formatFlags(segment.flags), `seq ${segment.seq}`];
  if ((segment.flags & TcpFlag.ACK) !== 0) parts.push(`ack ${segment.ack}`);
  parts.push(`win ${segment.window}`);
  if ((segment.flags & TcpFlag.URG) !== 0) parts.push(`urg ${segment.urgentPointer}`);
  if (segment.options.length > 0) parts.push(`[${formatOptions(segment.options)}]`);
  parts.push(`len ${segment.payload.length}`);
  return parts.join(' ');
}

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * One line per packet of either family, addresses first, the ECN codepoint last when it is not Not-ECT:
 * `198.18.0.2:40000 > 198.18.0.1:80 S seq 1000 win 65535 len 0`,
 * `198.18.0.9 > 198.18.0.2 ICMP frag-needed mtu 1200 quoting 198.18.0.2:40000 > 198.18.0.1:8080 seq 1001`,
 * `[2001:2::2]:40000 > [2001:2::1]:80 SA seq 5000 ack 1001 win 65535 len 0 ecn ect0`.
 */
export function formatPacket(packet: Packet): string {
  const { ip } = packet;
  const ecn = ip.ecn === undefined || ip.ecn === 'not-ect' ? '' : ` ecn ${ip.ecn}`;
  if (packet.tcp) {
    const { tcp } = packet;
    return `${formatEndpoint(ip.version, ip.src, tcp.srcPort)} > ${formatEndpoint(ip.version, ip.dst, tcp.dstPort)} ${segmentDetails(tcp)}${ecn}`;
  }
  const addresses = `${ip.src} > ${ip.dst}`;
  if (packet.icmp) return `${addresses} ${formatIcmpv4(packet.icmp)}${ecn}`;
  if (packet.icmpv6) return `${addresses} ${formatIcmpv6(packet.icmpv6)}${ecn}`;
  return `${addresses} protocol ${ip.protocol} len ${packet.payload.length}${ecn}`;
}

/** An address and port: `198.18.0.1:80`, and for IPv6 with the address in brackets, `[2001:2::1]:80` (RFC 5952 §6). */
export function formatEndpoint(version: 4 | 6, address: string, port: number): string {
  return version === 4 ? `${address}:${port}` : `[${address}]:${port}`;
}

/** `ICMP frag-needed mtu 1200 quoting 198.18.0.2:40000 > 198.18.0.1:8080 seq 1001`; codes by their RFC names. */
export function formatIcmpv4(message: Icmpv4Message): string {
  switch (message.kind) {
    case 'unreachable':
      return icmpText('ICMP', codeName(ICMPV4_UNREACHABLE_CODES, message.code, 'unreachable'), message);
    case 'frag-needed':
      return icmpText('ICMP', `frag-needed mtu ${message.nextHopMtu}`, message);
    case 'source-quench':
      return icmpText('ICMP', message.code === 0 ? 'source-quench' : `source-quench code ${message.code}`, message);
    case 'time-exceeded':
      return icmpText('ICMP', codeName(ICMPV4_TIME_EXCEEDED_CODES, message.code, 'time-exceeded'), message);
    case 'parameter-problem':
      return icmpText('ICMP', parameterProblem(ICMPV4_PARAMETER_PROBLEM_CODES, message.code, message.pointer), message);
    case 'other':
      return otherText('ICMP', message);
  }
}

/** `ICMPv6 packet-too-big mtu 1280 quoting [2001:2::2]:40000 > [2001:2::1]:8080 seq 1001`. */
export function formatIcmpv6(message: Icmpv6Message): string {
  switch (message.kind) {
    case 'unreachable':
      return icmpText('ICMPv6', codeName(ICMPV6_UNREACHABLE_CODES, message.code, 'unreachable'), message);
    case 'packet-too-big':
      return icmpText('ICMPv6', `packet-too-big mtu ${message.mtu}`, message);
    case 'time-exceeded':
      return icmpText('ICMPv6', codeName(ICMPV6_TIME_EXCEEDED_CODES, message.code, 'time-exceeded'), message);
    case 'parameter-problem':
      return icmpText('ICMPv6', parameterProblem(ICMPV6_PARAMETER_PROBLEM_CODES, message.code, message.pointer), message);
    case 'other':
      return otherText('ICMPv6', message);
  }
}

/** The code's name, or `kind code N` for a code no RFC this module knows names. */
function codeName(names: readonly string[], code: number, kind: string): string {
  return names[code] ?? `${kind} code ${code}`;
}

function parameterProblem(names: readonly string[], code: number, pointer: number): string {
  const what = code === 0 ? '' : ` ${codeName(names, code, 'code')}`;
  return `parameter-problem${what} pointer ${pointer}`;
}

function icmpText(protocol: string, what: string, message: IcmpErrorFields): string {
  const quoted = message.invoking === undefined ? `${message.quote.length} bytes` : formatInvoking(message.invoking);
  return `${protocol} ${what} quoting ${quoted}`;
}

function otherText(protocol: string, message: IcmpOther): string {
  return `${protocol} type ${message.type} code ${message.code} len ${message.body.length}`;
}

/** The quoted packet: its TCP endpoints and sequence number as far as the quote shows them, else its addresses and protocol. */
function formatInvoking(invoking: InvokingPacket): string {
  const { version, src, dst, srcPort, dstPort, seq } = invoking;
  if (srcPort === undefined || dstPort === undefined) return `${src} > ${dst} protocol ${invoking.protocol}`;
  const ends = `${formatEndpoint(version, src, srcPort)} > ${formatEndpoint(version, dst, dstPort)}`;
  return seq === undefined ? ends : `${ends} seq ${seq}`;
}
