/** IANA "Assigned Internet Protocol Numbers" that this module knows by name (RFC 791 §3.1, Protocol). */
export const IpProtocol = {
  TCP: 6,
} as const;
