import { tcpChecksum } from './checksum';
import { WireError } from './errors';
import { decodeIcmpv4, encodeIcmpv4 } from './icmpv4';
import type { Icmpv4Message } from './icmpv4';
import { decodeIcmpv6, encodeIcmpv6 } from './icmpv6';
import type { Icmpv6Message } from './icmpv6';
import { decodeIp, encodeIpHeader, ipHeaderLength } from './ip';
import type { IpHeader } from './ip';
import { IpProtocol } from './ip-protocol';
import type { Ipv4Header } from './ipv4';
import type { Ipv6Header } from './ipv6';
import { decodeTcpSegment, encodeTcpSegment } from './tcp';
import type { TcpSegment } from './tcp';

/** What an IP packet may carry. A packet carries exactly one of them; see `Packet`. */
interface Carried {
  tcp: TcpSegment;
  /** ICMP for IPv4 (RFC 792). */
  icmp: Icmpv4Message;
  /** ICMP for IPv6 (RFC 4443), a protocol of its own. */
  icmpv6: Icmpv6Message;
  /** The bytes of an upper-layer protocol this module does not decode; `ip.protocol` names it. */
  payload: Uint8Array;
}

/** `K` of `T`, the other properties absent: so that `packet.tcp` (or `.icmp`, ...) tells which one a packet is. */
type Only<T, K extends keyof T> = Pick<T, K> & { [Other in Exclude<keyof T, K>]?: never };

export type TcpPacket = { ip: IpHeader } & Only<Carried, 'tcp'>;
export type Icmpv4Packet = { ip: Ipv4Header } & Only<Carried, 'icmp'>;
export type Icmpv6Packet = { ip: Ipv6Header } & Only<Carried, 'icmpv6'>;
export type OtherPacket = { ip: IpHeader } & Only<Carried, 'payload'>;

/** An IP packet of either family (`ip.version`) carrying TCP, ICMP of its family, or another protocol. */
export type Packet = TcpPacket | Icmpv4Packet | Icmpv6Packet | OtherPacket;

/** The checksum verdicts of a decoded packet, each on the packets that have that checksum. */
interface Verdicts {
  /** Whether the TCP checksum is right. */
  tcpChecksumOk: boolean;
  /** Whether the ICMP or ICMPv6 checksum is right. */
  icmpChecksumOk: boolean;
}

/** Whether the IPv4 header checksum is right; IPv6 has none, so always true there. */
type IpVerdict = { ipChecksumOk: boolean };

export type DecodedPacket =
  | (TcpPacket & IpVerdict & Only<Verdicts, 'tcpChecksumOk'>)
  | (Icmpv4Packet & IpVerdict & Only<Verdicts, 'icmpChecksumOk'>)
  | (Icmpv6Packet & IpVerdict & Only<Verdicts, 'icmpChecksumOk'>)
  | (OtherPacket & IpVerdict & { tcpChecksumOk?: never; icmpChecksumOk?: never });

/**
 * Encodes a packet. Lengths are computed; each checksum is computed unless the packet gives one, so that
 * a case can send a wrong one on purpose. `ip.protocol` is written as given, even when it does not name
 * what the packet carries, so that a case can send that too.
 */
export function encodePacket(packet: Packet): Uint8Array {
  const upper = encodeUpper(packet, ipHeaderLength(packet.ip));
  const header = encodeIpHeader(packet.ip, upper.length);
  const bytes = new Uint8Array(header.length + upper.length);
  bytes.set(header);
  bytes.set(upper, header.length);
  return bytes;
}

function encodeUpper(packet: Packet, origin: number): Uint8Array {
  if (packet.tcp) return encodeTcpSegment(packet.tcp, packet.ip, origin);
  if (packet.icmp) return encodeIcmpv4(packet.icmp, origin);
  if (packet.icmpv6) return encodeIcmpv6(packet.icmpv6, packet.ip, origin);
  return packet.payload;
}

/**
 * Decodes a packet of either family. A bad checksum does not stop decoding: it is reported in the
 * verdicts, never silently accepted, and the rest is decoded so that the report can show it. An
 * upper-layer protocol other than TCP and the family's ICMP is kept as bytes.
 * Throws a `WireError`, and nothing else, for bytes that are not a whole IP packet.
 */
export function decodePacket(bytes: Uint8Array): DecodedPacket {
  const { header: ip, payload, payloadAt, checksumOk: ipChecksumOk, fragment } = decodeIp(bytes);
  const icmpProtocol = ip.version === 4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
  if (ip.protocol !== IpProtocol.TCP && ip.protocol !== icmpProtocol) return { ip, payload, ipChecksumOk };
  if (fragment) {
    // A fragment holds only part of a segment or message, which could not be decoded or checked on its own.
    throw new WireError(
      'unsupported',
      fragment.at,
      `IPv${ip.version} fragment (offset ${fragment.offset} × 8 bytes${fragment.more ? ', more fragments' : ''}): ` +
        'reassembly is not supported',
    );
  }
  if (ip.protocol === IpProtocol.TCP) {
    const tcp = decodeTcpSegment(payload, payloadAt);
    return { ip, tcp, ipChecksumOk, tcpChecksumOk: tcpChecksum(ip, payload) === 0 };
  }
  if (ip.version === 4) {
    const { message, checksumOk } = decodeIcmpv4(payload, payloadAt);
    return { ip, icmp: message, ipChecksumOk, icmpChecksumOk: checksumOk };
  }
  const { message, checksumOk } = decodeIcmpv6(payload, ip, payloadAt);
  return { ip, icmpv6: message, ipChecksumOk, icmpChecksumOk: checksumOk };
}
