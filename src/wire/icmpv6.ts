import { pseudoHeaderChecksum } from './checksum';
import type { PseudoHeaderAddresses } from './checksum';
import { decodeIcmp, encodeIcmpError, encodeIcmpOther, icmpLayout } from './icmp';
import type { ErrorKindSpec, IcmpErrorFields, IcmpOther } from './icmp';
import { IpProtocol } from './ip-protocol';

/** ICMPv6 types of the error messages this module interprets (RFC 4443 §3). */
export const Icmpv6Type = {
  DESTINATION_UNREACHABLE: 1,
  PACKET_TOO_BIG: 2,
  TIME_EXCEEDED: 3,
  PARAMETER_PROBLEM: 4,
} as const;

/** Destination unreachable codes by index: 0-6 from RFC 4443 §3.1, 7 from RFC 6554 §6.4. */
export const ICMPV6_UNREACHABLE_CODES = [
  'no-route',
  'admin-prohibited',
  'beyond-scope',
  'address-unreachable',
  'port-unreachable',
  'source-policy-failed',
  'reject-route',
  'source-routing-error',
] as const;

/** Time exceeded codes (RFC 4443 §3.3). */
export const ICMPV6_TIME_EXCEEDED_CODES = ['hop-limit-exceeded', 'reassembly-time-exceeded'] as const;

/** Parameter problem codes: 0-2 from RFC 4443 §3.4, 3 from RFC 7112 §6. */
export const ICMPV6_PARAMETER_PROBLEM_CODES = ['header-field', 'unrecognized-next-header', 'unrecognized-option', 'incomplete-chain'] as const;

/**
 * An ICMPv6 message (RFC 4443). The error kinds quote the invoking packet; `unused` holds the octets
 * their type leaves unused, which RFC 4443 says are zero (decode: as on the wire; encode: 0 when absent).
 */
export type Icmpv6Message =
  | (IcmpErrorFields & { kind: 'unreachable'; code: number; unused?: number })
  /** The MTU of the next-hop link (RFC 4443 §3.2). */
  | (IcmpErrorFields & { kind: 'packet-too-big'; code: number; mtu: number })
  | (IcmpErrorFields & { kind: 'time-exceeded'; code: number; unused?: number })
  /** `pointer`: the octet of the invoking packet where the problem is. */
  | (IcmpErrorFields & { kind: 'parameter-problem'; code: number; pointer: number })
  | IcmpOther;

/** Where each kind's values sit in the four octets after the checksum (RFC 4443 §3). */
const KINDS = {
  unreachable: { type: Icmpv6Type.DESTINATION_UNREACHABLE, rest: { unused: 'word' } },
  'packet-too-big': { type: Icmpv6Type.PACKET_TOO_BIG, rest: { mtu: 'word' } },
  'time-exceeded': { type: Icmpv6Type.TIME_EXCEEDED, rest: { unused: 'word' } },
  'parameter-problem': { type: Icmpv6Type.PARAMETER_PROBLEM, rest: { pointer: 'word' } },
} as const satisfies Record<Exclude<Icmpv6Message['kind'], 'other'>, ErrorKindSpec>;

const LAYOUT = icmpLayout('ICMPv6');

/**
 * Encodes a message; its checksum covers the IPv6 pseudo-header too (RFC 4443 §2.3) and is computed
 * unless given.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function encodeIcmpv6(message: Icmpv6Message, addresses: PseudoHeaderAddresses, origin = 0): Uint8Array {
  const checksumOf = (bytes: Uint8Array): number => pseudoHeaderChecksum(addresses, IpProtocol.ICMPV6, bytes);
  return message.kind === 'other'
    ? encodeIcmpOther(LAYOUT, message, checksumOf, origin)
    : encodeIcmpError(LAYOUT, KINDS, message, checksumOf, origin);
}

/**
 * Decodes a message: pass exactly its bytes (the payload length says where they end). An error message
 * must quote a whole fixed IPv6 header; a shorter quote throws a WireError at the quote.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function decodeIcmpv6(bytes: Uint8Array, addresses: PseudoHeaderAddresses, origin = 0): { message: Icmpv6Message; checksumOk: boolean } {
  const message = decodeIcmp(LAYOUT, KINDS, 6, bytes, origin) as Icmpv6Message;
  return { message, checksumOk: pseudoHeaderChecksum(addresses, IpProtocol.ICMPV6, bytes) === 0 };
}

/** An error message may not make a packet larger than the minimum IPv6 MTU (RFC 4443 §2.4 (c), RFC 8200 §5). */
export const IPV6_MINIMUM_MTU = 1280;
const ICMPV6_HEADER_LENGTH = 8;

/**
 * The quote for an error about `invoking` (an IPv6 packet's bytes): as much of it as fits in a packet
 * of 1280 bytes after the error's own IPv6 headers (`headerLength`, 40 without extension headers) and
 * the 8-byte ICMPv6 header.
 */
export function quoteForIcmpv6(invoking: Uint8Array, headerLength = 40): Uint8Array {
  return invoking.slice(0, Math.max(0, IPV6_MINIMUM_MTU - headerLength - ICMPV6_HEADER_LENGTH));
}
