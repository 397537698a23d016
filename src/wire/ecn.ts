import { WireError } from './errors';

/**
 * The ECN field's four codepoints (RFC 3168 §5), indexed by the value of its two bits: 00 Not-ECT,
 * 01 ECT(1), 10 ECT(0), 11 CE. The field is the two low bits of the IPv4 TOS byte and of the IPv6
 * traffic class; the six above them are the DS field's codepoint (RFC 2474 §3).
 */
export const ECN_CODEPOINTS = ['not-ect', 'ect1', 'ect0', 'ce'] as const;

export type Ecn = (typeof ECN_CODEPOINTS)[number];

/**
 * The traffic class byte of either family as RFC 2474 and RFC 3168 split it. Both are optional when
 * encoding (0 and `not-ect`) and always present once decoded.
 */
export interface TrafficClass {
  /** The Differentiated Services codepoint, the byte's six high bits. */
  dscp?: number;
  ecn?: Ecn;
}

/** The ECN codepoint that the two bits `bits` (0..3) hold. */
export function ecnFromBits(bits: number): Ecn {
  return ECN_CODEPOINTS[bits & 0b11] as Ecn;
}

/**
 * The two bits of an ECN codepoint. The name is checked, since it may come from a case file.
 * @param offset where the field sits in the packet, for the error.
 */
export function ecnBits(ecn: Ecn, offset: number): number {
  const bits = ECN_CODEPOINTS.indexOf(ecn);
  if (bits < 0) {
    throw new WireError('malformed', offset, `ECN codepoint must be one of ${ECN_CODEPOINTS.join(', ')}, got '${String(ecn)}'`);
  }
  return bits;
}
