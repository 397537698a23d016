/**
 * Golden packets of IPv6 and ICMP, written out byte by byte against the RFC figures (RFC 8200 §3, §4;
 * RFC 792; RFC 1191 §4; RFC 4443 §3.2; RFC 9293 §3.1). Their checksums were computed when they were
 * written and found good by tshark 4.0 (`tcp.checksum.status`, `icmp.checksum.status`,
 * `icmpv6.checksum.status` all 1). The peer is 198.18.0.2 / 2001:2::2, the target 198.18.0.1 / 2001:2::1,
 * a router 198.18.0.9 / 2001:2::9.
 */

/** An IPv6 SYN with ECE and CWR (an ECN-setup SYN, RFC 3168 §6.1.1) and an MSS option. */
export const GOLDEN_SYN6 = Uint8Array.from([
  // IPv6 header
  0x60, 0x01, 0x23, 0x45, // version 6, traffic class 0 (DSCP 0, Not-ECT), flow label 0x12345
  0x00, 0x18, //             payload length 24
  0x06, //                   next header 6, TCP
  0x40, //                   hop limit 64
  0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // source 2001:2::2
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
  0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // destination 2001:2::1
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  // TCP header
  0x9c, 0x40, //             source port 40000
  0x1f, 0x90, //             destination port 8080
  0x00, 0x00, 0x03, 0xe8, // sequence number 1000
  0x00, 0x00, 0x00, 0x00, // acknowledgment number 0
  0x60, //                   data offset 6 words (24 bytes)
  0xc2, //                   flags: CWR, ECE, SYN
  0xff, 0xff, //             window 65535
  0x97, 0xb9, //             checksum, over the IPv6 pseudo-header (RFC 8200 §8.1)
  0x00, 0x00, //             urgent pointer 0
  0x02, 0x04, 0x05, 0xa0, // kind 2 len 4: mss 1440
]);

/** An IPv6 SYN behind one of each extension header this module walks, the fragment header an atomic one (RFC 6946). */
export const GOLDEN_EXTENSIONS6 = Uint8Array.from([
  // IPv6 header
  0x60, 0x00, 0x00, 0x00, // version 6, traffic class 0, flow label 0
  0x00, 0x34, //             payload length 52
  0x00, //                   next header 0, hop-by-hop options
  0x40, //                   hop limit 64
  0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // source 2001:2::2
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
  0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // destination 2001:2::1
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  // Hop-by-hop options header (RFC 8200 §4.3), 8 bytes
  0x3c, //                   next header 60, destination options
  0x00, //                   hdr ext len 0: one 8-octet unit
  0x01, 0x04, 0x00, 0x00, 0x00, 0x00, // PadN of 4 data octets
  // Destination options header (§4.6), 8 bytes
  0x2b, //                   next header 43, routing
  0x00, //                   hdr ext len 0
  0x1e, 0x04, 0x01, 0x02, 0x03, 0x04, // option type 0x1e (skip if unknown), 4 data octets
  // Routing header (§4.4), 8 bytes
  0x2c, //                   next header 44, fragment
  0x00, //                   hdr ext len 0
  0xfd, //                   routing type 253 (experimental, RFC 4727)
  0x00, //                   segments left 0
  0x00, 0x00, 0x00, 0x00, // type-specific data
  // Fragment header (§4.5), 8 bytes
  0x06, //                   next header 6, TCP
  0x00, //                   reserved
  0x00, 0x00, //             fragment offset 0, res 0, M 0: an atomic fragment
  0xde, 0xad, 0xbe, 0xef, // identification
  // TCP header
  0x9c, 0x40, //             source port 40000
  0x1f, 0x90, //             destination port 8080
  0x00, 0x00, 0x03, 0xe8, // sequence number 1000
  0x00, 0x00, 0x00, 0x00, // acknowledgment number 0
  0x50, //                   data offset 5 words
  0x02, //                   flags: SYN
  0xff, 0xff, //             window 65535
  0xb0, 0x21, //             checksum
  0x00, 0x00, //             urgent pointer 0
]);

/**
 * A router's ICMP "fragmentation needed and DF set" with a next-hop MTU of 1200 (RFC 1191 §4), quoting
 * the IPv4 header and first 8 data octets of a PSH-ACK that carried "hello" (RFC 792).
 */
export const GOLDEN_FRAG_NEEDED = Uint8Array.from([
  // IPv4 header
  0x45, 0x00, //             version 4, IHL 5; TOS 0
  0x00, 0x38, //             total length 56
  0x00, 0x02, 0x00, 0x00, // identification 2; no flags, fragment offset 0
  0x40, //                   TTL 64
  0x01, //                   protocol 1, ICMP
  0xee, 0x94, //             header checksum
  0xc6, 0x12, 0x00, 0x09, // source 198.18.0.9, the router
  0xc6, 0x12, 0x00, 0x01, // destination 198.18.0.1
  // ICMP header
  0x03, //                   type 3, destination unreachable
  0x04, //                   code 4, fragmentation needed and DF set
  0x38, 0x92, //             checksum
  0x00, 0x00, //             unused
  0x04, 0xb0, //             next-hop MTU 1200
  // The quote: the invoking packet's IPv4 header
  0x45, 0x00, 0x00, 0x2d, // version 4, IHL 5, TOS 0, total length 45 (the whole packet, not the quote)
  0x00, 0x01, 0x40, 0x00, // identification 1; don't fragment
  0x40, 0x06, 0xae, 0xa2, // TTL 64, protocol TCP, header checksum
  0xc6, 0x12, 0x00, 0x02, // source 198.18.0.2
  0xc6, 0x12, 0x00, 0x01, // destination 198.18.0.1
  // and its first 8 data octets
  0x9c, 0x40, 0x1f, 0x90, // source port 40000, destination port 8080
  0x00, 0x00, 0x03, 0xe9, // sequence number 1001
]);

/** A router's ICMPv6 packet too big with an MTU of 1280, quoting the whole of `GOLDEN_SYN6` (RFC 4443 §3.2). */
export const GOLDEN_PACKET_TOO_BIG = Uint8Array.from([
  // IPv6 header
  0x60, 0x00, 0x00, 0x00, // version 6, traffic class 0, flow label 0
  0x00, 0x48, //             payload length 72
  0x3a, //                   next header 58, ICMPv6
  0x40, //                   hop limit 64
  0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // source 2001:2::9, the router
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09,
  0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, // destination 2001:2::1
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
  // ICMPv6 header
  0x02, //                   type 2, packet too big
  0x00, //                   code 0
  0x2e, 0xed, //             checksum, over the IPv6 pseudo-header (RFC 4443 §2.3)
  0x00, 0x00, 0x05, 0x00, // MTU 1280
  // The quote: all 64 bytes of GOLDEN_SYN6
  ...GOLDEN_SYN6,
]);
