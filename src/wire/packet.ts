import { tcpChecksum } from './checksum';
import { WireError } from './errors';
import { IpProtocol } from './ip-protocol';
import { IPV4_HEADER_LAYOUT, decodeIpv4, encodeIpv4Header, ipv4HeaderLength } from './ipv4';
import type { Ipv4Header } from './ipv4';
import { decodeTcpSegment, encodeTcpSegment } from './tcp';
import type { TcpSegment } from './tcp';

/** An IPv4 packet carrying a TCP segment. */
export interface Packet {
  ip: Ipv4Header;
  tcp: TcpSegment;
}

export interface DecodedPacket {
  ip: Ipv4Header;
  /** Absent when the IPv4 protocol is not TCP (6). */
  tcp?: TcpSegment;
  /** Whether the IPv4 header checksum is right. */
  ipChecksumOk: boolean;
  /** Whether the TCP checksum is right; true when there is no TCP segment. */
  tcpChecksumOk: boolean;
}

/**
 * Encodes a packet. Lengths are computed; each checksum is computed unless the packet gives one, so that
 * a case can send a wrong one on purpose.
 */
export function encodePacket(packet: Packet): Uint8Array {
  const segment = encodeTcpSegment(packet.tcp, packet.ip, ipv4HeaderLength(packet.ip));
  const header = encodeIpv4Header(packet.ip, segment.length);
  const bytes = new Uint8Array(header.length + segment.length);
  bytes.set(header);
  bytes.set(segment, header.length);
  return bytes;
}

/**
 * Decodes a packet. A bad checksum does not stop decoding: it is reported in `ipChecksumOk` and
 * `tcpChecksumOk`, never silently accepted, and the rest is decoded so that the report can show it.
 * Throws a `WireError`, and nothing else, for bytes that are not a whole IPv4 packet.
 */
export function decodePacket(bytes: Uint8Array): DecodedPacket {
  const { header: ip, payload, checksumOk: ipChecksumOk } = decodeIpv4(bytes);
  if (ip.protocol !== IpProtocol.TCP) return { ip, ipChecksumOk, tcpChecksumOk: true };
  if (ip.moreFragments || ip.fragmentOffset !== 0) {
    // A fragment holds only part of a segment, which could not be decoded or checked on its own.
    throw new WireError(
      'unsupported',
      IPV4_HEADER_LAYOUT.fields.fragmentOffset.at,
      `IPv4 fragment (offset ${ip.fragmentOffset} × 8 bytes${ip.moreFragments ? ', more fragments' : ''}): ` +
        'reassembly is not supported',
    );
  }
  return {
    ip,
    tcp: decodeTcpSegment(payload, ip.headerLength),
    ipChecksumOk,
    tcpChecksumOk: tcpChecksum(ip.src, ip.dst, payload) === 0,
  };
}
