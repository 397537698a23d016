import { internetChecksum } from './checksum';
import { decodeIcmp, encodeIcmpError, encodeIcmpOther, icmpLayout } from './icmp';
import type { ErrorKindSpec, IcmpErrorFields, IcmpOther } from './icmp';
import { readIpv4Header } from './ipv4';

/** ICMP types of the error messages this module interprets (RFC 792). */
export const Icmpv4Type = {
  DESTINATION_UNREACHABLE: 3,
  SOURCE_QUENCH: 4,
  TIME_EXCEEDED: 11,
  PARAMETER_PROBLEM: 12,
} as const;

/**
 * Destination unreachable codes by index, as reports name them: 0-5 from RFC 792, 6-12 from RFC 1122
 * §3.2.2.1, 13-15 from RFC 1812 §5.2.7.1. Code 4 is its own kind, `frag-needed` (RFC 1191).
 */
export const ICMPV4_UNREACHABLE_CODES = [
  'net-unreachable',
  'host-unreachable',
  'protocol-unreachable',
  'port-unreachable',
  'frag-needed',
  'source-route-failed',
  'net-unknown',
  'host-unknown',
  'source-host-isolated',
  'net-prohibited',
  'host-prohibited',
  'net-tos-unreachable',
  'host-tos-unreachable',
  'admin-prohibited',
  'host-precedence-violation',
  'precedence-cutoff',
] as const;

/** Time exceeded codes (RFC 792): in transit, or while reassembling fragments. */
export const ICMPV4_TIME_EXCEEDED_CODES = ['ttl-exceeded', 'reassembly-time-exceeded'] as const;

/** Parameter problem codes: 0 from RFC 792, 1 and 2 from RFC 1812 §5.2.7.4 (code 1 is RFC 1108's). */
export const ICMPV4_PARAMETER_PROBLEM_CODES = ['pointer', 'missing-option', 'bad-length'] as const;

/**
 * An ICMP message (RFC 792). The error kinds quote the invoking packet; `unused` holds the octets their
 * type leaves unused, which RFC 792 says are zero (decode: as on the wire; encode: 0 when absent).
 */
export type Icmpv4Message =
  | (IcmpErrorFields & { kind: 'unreachable'; code: number; unused?: number })
  /** Destination unreachable, code 4: fragmentation needed and DF set, with the next hop's MTU (RFC 1191 §4). */
  | (IcmpErrorFields & { kind: 'frag-needed'; nextHopMtu: number; unused?: number })
  | (IcmpErrorFields & { kind: 'source-quench'; code: number; unused?: number })
  | (IcmpErrorFields & { kind: 'time-exceeded'; code: number; unused?: number })
  /** `pointer`: the octet of the invoking packet's header where the problem is. */
  | (IcmpErrorFields & { kind: 'parameter-problem'; code: number; pointer: number; unused?: number })
  | IcmpOther;

/** Where each kind's values sit in the four octets after the checksum (RFC 792, RFC 1191 §4). */
const KINDS = {
  unreachable: { type: Icmpv4Type.DESTINATION_UNREACHABLE, rest: { unused: 'word' } },
  'frag-needed': { type: Icmpv4Type.DESTINATION_UNREACHABLE, code: 4, rest: { unused: 'high16', nextHopMtu: 'low16' } },
  'source-quench': { type: Icmpv4Type.SOURCE_QUENCH, rest: { unused: 'word' } },
  'time-exceeded': { type: Icmpv4Type.TIME_EXCEEDED, rest: { unused: 'word' } },
  'parameter-problem': { type: Icmpv4Type.PARAMETER_PROBLEM, rest: { pointer: 'high8', unused: 'low24' } },
} as const satisfies Record<Exclude<Icmpv4Message['kind'], 'other'>, ErrorKindSpec>;

/** The ICMP type of each error kind (RFC 792), for reports that show type and code. */
export const ICMPV4_KIND_TYPES: Readonly<Record<keyof typeof KINDS, number>> = Object.fromEntries(
  Object.entries(KINDS).map(([kind, spec]) => [kind, spec.type]),
) as Record<keyof typeof KINDS, number>;

const LAYOUT = icmpLayout('ICMP');

/**
 * Encodes a message; its checksum covers the message alone (RFC 792) and is computed unless given.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function encodeIcmpv4(message: Icmpv4Message, origin = 0): Uint8Array {
  const checksumOf = (bytes: Uint8Array): number => internetChecksum(bytes);
  return message.kind === 'other'
    ? encodeIcmpOther(LAYOUT, message, checksumOf, origin)
    : encodeIcmpError(LAYOUT, KINDS, message, checksumOf, origin);
}

/**
 * Decodes a message: pass exactly its bytes (the IP total length says where it ends). An error message
 * must quote a whole IPv4 header; a shorter quote throws a WireError at the quote.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function decodeIcmpv4(bytes: Uint8Array, origin = 0): { message: Icmpv4Message; checksumOk: boolean } {
  const message = decodeIcmp(LAYOUT, KINDS, 4, bytes, origin) as Icmpv4Message;
  return { message, checksumOk: internetChecksum(bytes) === 0 };
}

/**
 * The quote for an error about `invoking` (an IPv4 packet's bytes): its header and the first
 * `dataOctets` octets of its data, 8 by RFC 792, which hold the TCP ports and sequence number.
 */
export function quoteForIcmpv4(invoking: Uint8Array, dataOctets = 8): Uint8Array {
  const { header } = readIpv4Header(invoking, 0);
  return invoking.slice(0, header.headerLength + dataOctets);
}
