import { IpProtocol } from './ip-protocol';
import { parseIpv4AddressOften } from './ipv4-address';
import { parseIpv6Address } from './ipv6-address';

/**
 * The ones' complement sum of 16-bit big-endian words (RFC 1071 §1 and §2), folded to 16 bits. The
 * chunks are summed as if they were one concatenated array, so a chunk may have an odd length; a final
 * odd byte is padded with zero on its right (RFC 1071 §1, step 1).
 */
export function onesComplementSum(chunks: readonly Uint8Array[]): number {
  let sum = 0;
  let highByte = true;
  for (const chunk of chunks) {
    let i = 0;
    // A chunk that starts on a low byte (the one before it had an odd length) finishes that word first.
    if (!highByte && chunk.length > 0) {
      sum += chunk[0]!;
      i = 1;
      highByte = true;
    }
    // Then whole words, two bytes at a time: checksums lie on every packet's path, so this loop is hot.
    const pairsEnd = i + ((chunk.length - i) & ~1);
    for (; i < pairsEnd; i += 2) sum += (chunk[i]! << 8) | chunk[i + 1]!;
    if (i < chunk.length) {
      sum += chunk[i]! * 256;
      highByte = false;
    }
  }
  // RFC 1071 §2 (B): the sum may be taken wide and the carries folded back in at the end. A JS number
  // stays exact far beyond any packet's worth of words.
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return sum;
}

/**
 * The Internet checksum: the ones' complement of the ones' complement sum (RFC 1071 §1).
 *
 * Over bytes whose checksum field is zero, the result is the value to write there. Over bytes that
 * include their checksum field, the result is 0 exactly when the checksum is right, because the sum is
 * then all ones (RFC 1071 §1, step 3). Checking it that way accepts both encodings of zero
 * (0x0000 and 0xffff), as the RFC's check does.
 */
export function internetChecksum(...chunks: Uint8Array[]): number {
  return ~onesComplementSum(chunks) & 0xffff;
}

/**
 * The addresses a pseudo-header takes from the IP header, with the family that says its layout. The
 * destination is the header's own: the final destination whenever the packet reaches its endpoint.
 */
export interface PseudoHeaderAddresses {
  version: 4 | 6;
  src: string;
  dst: string;
}

/**
 * The IPv6 pseudo-header of RFC 8200 §8.1 that the TCP and ICMPv6 checksums cover, for `length` bytes
 * of upper-layer protocol `protocol`. IPv4's (RFC 9293 §3.1, Figure 2) is summed in place, below.
 */
function pseudoHeader({ src, dst }: PseudoHeaderAddresses, protocol: number, length: number): Uint8Array {
  const bytes = new Uint8Array(40);
  // Offsets 8 and 24 are where the addresses sit in the IPv6 header.
  bytes.set(parseIpv6Address(src, 8), 0);
  bytes.set(parseIpv6Address(dst, 24), 16);
  const view = new DataView(bytes.buffer);
  view.setUint32(32, length); // the upper-layer packet length
  // Three zero bytes, then the next header.
  view.setUint8(39, protocol);
  return bytes;
}

/**
 * The Internet checksum of an upper-layer packet with its pseudo-header prefixed: the value to write
 * when the packet's checksum field is zero, and 0 when the packet carries a correct checksum.
 */
export function pseudoHeaderChecksum(addresses: PseudoHeaderAddresses, protocol: number, packet: Uint8Array): number {
  if (addresses.version === 6) return internetChecksum(pseudoHeader(addresses, protocol, packet.length), packet);
  if (packet.length > 0xffff) throw new RangeError(`${packet.length} bytes do not fit the IPv4 pseudo-header's 16-bit length`);
  // IPv4's pseudo-header is six words, summed without building it: every segment is checksummed.
  const src = parseIpv4AddressOften(addresses.src, 12);
  const dst = parseIpv4AddressOften(addresses.dst, 16);
  let sum = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + packet.length + onesComplementSum([packet]);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The TCP checksum (RFC 9293 §3.1) over either family's pseudo-header; see `pseudoHeaderChecksum`. */
export function tcpChecksum(addresses: PseudoHeaderAddresses, segment: Uint8Array): number {
  return pseudoHeaderChecksum(addresses, IpProtocol.TCP, segment);
}
