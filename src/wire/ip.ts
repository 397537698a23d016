import { WireError } from './errors';
import { decodeIpv4, encodeIpv4Header, ipv4HeaderLength } from './ipv4';
import type { DecodedIpv4, Ipv4Header } from './ipv4';
import { decodeIpv6, encodeIpv6Header, ipv6HeaderLength } from './ipv6';
import type { DecodedIpv6, Ipv6Header } from './ipv6';

/** The IP header of either family, told apart by `version` as on the wire. */
export type IpHeader = Ipv4Header | Ipv6Header;

/** Where a fragment sits in its datagram, for a packet that is one (IPv4 flags, IPv6 Fragment header). */
export interface Fragment {
  /** Where the fragment offset field is in the packet. */
  at: number;
  /** In 8-octet units. */
  offset: number;
  more: boolean;
}

export type DecodedIp = DecodedIpv4 | DecodedIpv6;

/** The length of `header` once encoded: everything before the upper-layer protocol's bytes. */
export function ipHeaderLength(header: IpHeader): number {
  return header.version === 4 ? ipv4HeaderLength(header) : ipv6HeaderLength(header);
}

/** Encodes the header (IPv6: with its extension headers) of a packet whose upper layer takes `upperLength` bytes. */
export function encodeIpHeader(header: IpHeader, upperLength: number): Uint8Array {
  return header.version === 4 ? encodeIpv4Header(header, upperLength) : encodeIpv6Header(header, upperLength);
}

/**
 * Decodes the IP layer of a packet of either family. The version is read before anything else, so that
 * a packet of another version is reported as such, not as a truncated or malformed one.
 */
export function decodeIp(bytes: Uint8Array): DecodedIp {
  const firstByte = bytes[0];
  if (firstByte === undefined) {
    throw new WireError('truncated', 0, 'IP header truncated: needs at least 20 bytes, the packet is empty');
  }
  const version = firstByte >> 4;
  if (version === 4) return decodeIpv4(bytes);
  if (version === 6) return decodeIpv6(bytes);
  throw new WireError('unsupported', 0, `IP version ${version} is not supported, only 4 and 6`);
}
