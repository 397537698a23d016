import { IpProtocol } from './ip-protocol';
import { parseIpv4Address } from './ipv4-address';
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
    for (const byte of chunk) {
      sum += highByte ? byte * 256 : byte;
      highByte = !highByte;
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
 * The pseudo-header of RFC 9293 §3.1 (IPv4, Figure 2) or RFC 8200 §8.1 (IPv6) that the TCP and ICMPv6
 * checksums cover, for `length` bytes of upper-layer protocol `protocol`.
 */
function pseudoHeader({ version, src, dst }: PseudoHeaderAddresses, protocol: number, length: number): Uint8Array {
  if (version === 4) {
    if (length > 0xffff) throw new RangeError(`${length} bytes do not fit the IPv4 pseudo-header's 16-bit length`);
    const view = new DataView(new ArrayBuffer(12));
    // Offsets 12 and 16 are where the addresses sit in the IPv4 header, which is where a bad one came from.
    view.setUint32(0, parseIpv4Address(src, 12));
    view.setUint32(4, parseIpv4Address(dst, 16));
    // Byte 8 is the zero byte.
    view.setUint8(9, protocol);
    view.setUint16(10, length);
    return new Uint8Array(view.buffer);
  }
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
  return internetChecksum(pseudoHeader(addresses, protocol, packet.length), packet);
}

/** The TCP checksum (RFC 9293 §3.1) over either family's pseudo-header; see `pseudoHeaderChecksum`. */
export function tcpChecksum(addresses: PseudoHeaderAddresses, segment: Uint8Array): number {
  return pseudoHeaderChecksum(addresses, IpProtocol.TCP, segment);
}
