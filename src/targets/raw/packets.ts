/**
 * Between the case's view of a packet and the wire's: which packets may leave, which arriving ones
 * belong to the case, and the peer's port mapped on the way (ports.ts). IPv4 and IPv6 alike. Pure: no
 * sockets here.
 */
import { IpProtocol, WireError, formatIpv4Address, formatIpv6Address, internetChecksum, pseudoHeaderChecksum, walkIpv6Extensions } from '../../wire';
import type { Endpoint } from './config';
import type { PeerPorts } from './ports';
import { withPort } from './ports';

/** ICMP's and ICMPv6's type, code, checksum and four octets before the quoted packet (RFC 792, RFC 4443). */
const ICMP_HEADER = 8;
const IPV6_HEADER = 40;

export interface Addresses {
  readonly target: string;
  readonly peer: string;
}

interface Header {
  readonly version: 4 | 6;
  readonly src: string;
  readonly dst: string;
  /** The upper-layer protocol: for IPv6, the Next Header that ends the chain of extension headers. */
  readonly protocol: number;
  /** Where the upper layer begins. */
  readonly upper: number;
  /** Where TCP begins, when the packet is long enough to hold the TCP ports. */
  readonly tcp: number | undefined;
  readonly fragment: boolean;
}

/**
 * The IP header of `packet`, either family; undefined for anything else, or an IPv6 chain of extension
 * headers that does not parse. `quoted`: the start of a packet an ICMP error quotes, which may end inside
 * its headers.
 */
function header(packet: Uint8Array, quoted = false): Header | undefined {
  const version = packet.length > 0 ? packet[0]! >> 4 : 0;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const tcpAt = (upper: number, protocol: number): number | undefined => (protocol === IpProtocol.TCP && packet.length >= upper + 4 ? upper : undefined);
  if (version === 4 && packet.length >= 20) {
    const upper = (packet[0]! & 0x0f) * 4;
    const protocol = packet[9]!;
    return {
      version,
      src: formatIpv4Address(view.getUint32(12)),
      dst: formatIpv4Address(view.getUint32(16)),
      protocol,
      upper,
      tcp: upper >= 20 ? tcpAt(upper, protocol) : undefined,
      // A later fragment has no TCP header to read ports from; the harness sends and expects none.
      fragment: (view.getUint16(6) & 0x1fff) !== 0,
    };
  }
  if (version !== 6 || packet.length < IPV6_HEADER) return undefined;
  let walked;
  try {
    walked = walkIpv6Extensions(packet.subarray(IPV6_HEADER), packet[6]!, IPV6_HEADER, quoted);
  } catch (error) {
    if (error instanceof WireError) return undefined;
    throw error;
  }
  const upper = IPV6_HEADER + walked.length;
  return {
    version,
    src: formatIpv6Address(packet.subarray(8, 24)),
    dst: formatIpv6Address(packet.subarray(24, 40)),
    protocol: walked.protocol,
    upper,
    tcp: walked.cut ? undefined : tcpAt(upper, walked.protocol),
    fragment: walked.fragment !== undefined,
  };
}

/** ICMP in the packet's own family: ICMP for IPv4, ICMPv6 for IPv6. */
function icmpOf(version: 4 | 6): number {
  return version === 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
}

/**
 * The packet as it goes on the wire: the peer's source port mapped, or for an ICMP or ICMPv6 error about
 * the target's segment, the peer's port in its quote. Throws for a packet that is neither TCP nor such an
 * error from the peer to the target: the raw target sends nothing else, to no one else.
 */
export function toWire(packet: Uint8Array, addresses: Addresses, ports: PeerPorts): Uint8Array {
  const ip = header(packet);
  if (ip !== undefined && ip.protocol === icmpOf(ip.version) && !ip.fragment && ip.src === addresses.peer && ip.dst === addresses.target) {
    return icmpToWire(packet, ip, ports);
  }
  if (ip === undefined || ip.protocol !== IpProtocol.TCP || ip.tcp === undefined || ip.fragment) {
    throw new Error('the raw target sends whole TCP segments and ICMP errors about them only');
  }
  if (ip.src !== addresses.peer || ip.dst !== addresses.target) {
    throw new Error(`the raw target sends only from ${addresses.peer} to ${addresses.target}, not from ${ip.src} to ${ip.dst}`);
  }
  const port = new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint16(ip.tcp);
  return withPort(packet, ip.tcp, 0, ports.wire(port));
}

/**
 * An ICMP error quoting a segment the target sent to the peer: the quote's destination port goes on the
 * wire as the target sent it, and the checksum is computed again over the message (ICMPv6's with its
 * pseudo-header, RFC 4443 §2.3).
 */
function icmpToWire(packet: Uint8Array, ip: Header, ports: PeerPorts): Uint8Array {
  const quoteAt = ip.upper + ICMP_HEADER;
  const quote = header(packet.subarray(quoteAt), true);
  if (quote === undefined || quote.protocol !== IpProtocol.TCP || quote.tcp === undefined || quote.fragment) {
    throw new Error('the raw target sends ICMP errors about TCP segments only, quoting their ports');
  }
  const copy = Uint8Array.from(packet);
  const view = new DataView(copy.buffer);
  const quotedPort = quoteAt + quote.tcp + 2;
  view.setUint16(quotedPort, ports.wire(view.getUint16(quotedPort)));
  view.setUint16(ip.upper + 2, 0);
  const message = copy.subarray(ip.upper);
  view.setUint16(ip.upper + 2, ip.version === 4 ? internetChecksum(message) : pseudoHeaderChecksum(ip, IpProtocol.ICMPV6, message));
  return copy;
}

/**
 * The packet as the case sees it, when it is a segment from the target to one of this case's wire ports;
 * undefined for anything else: other hosts, the agent's control connection, earlier cases' leftovers.
 */
export function fromWire(packet: Uint8Array, addresses: Addresses, ports: PeerPorts, control?: Endpoint): Uint8Array | undefined {
  const ip = header(packet);
  if (ip === undefined || ip.protocol !== IpProtocol.TCP || ip.tcp === undefined || ip.fragment) return undefined;
  if (ip.src !== addresses.target || ip.dst !== addresses.peer) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (control !== undefined && ip.src === control.host && view.getUint16(ip.tcp) === control.port) return undefined;
  const port = ports.caseOf(view.getUint16(ip.tcp + 2));
  return port === undefined ? undefined : withPort(packet, ip.tcp, 2, port);
}
