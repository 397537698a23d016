/**
 * IANA "Assigned Internet Protocol Numbers" that this module knows by name: the IPv4 Protocol field
 * (RFC 791 §3.1) and the IPv6 Next Header field (RFC 8200 §3) share them.
 */
export const IpProtocol = {
  ICMP: 1,
  TCP: 6,
  ICMPV6: 58,
  /** Nothing follows this header (RFC 8200 §4.7). */
  NO_NEXT_HEADER: 59,
} as const;
