import { IpProtocol } from './ip-protocol';
import { parseIpv4Address } from './ipv4-address';

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

/** Bytes of the IPv4 pseudo-header's fixed layout (RFC 9293 §3.1, Figure 2). */
const PSEUDO_HEADER_LENGTH = 12;

/**
 * The Internet checksum of a TCP segment with the IPv4 pseudo-header prefixed (RFC 9293 §3.1): source
 * address, destination address, a zero byte, the protocol number (TCP) and the TCP length. As with
 * `internetChecksum`, it is the value to write when the segment's checksum field is zero, and 0 when
 * the segment carries a correct checksum.
 */
export function tcpChecksum(src: string, dst: string, segment: Uint8Array): number {
  if (segment.length > 0xffff) {
    throw new RangeError(`a TCP segment of ${segment.length} bytes does not fit the pseudo-header's 16-bit length`);
  }
  const pseudoHeader = new DataView(new ArrayBuffer(PSEUDO_HEADER_LENGTH));
  // Offsets 12 and 16 are where the addresses sit in the IPv4 header, which is where a bad one came from.
  pseudoHeader.setUint32(0, parseIpv4Address(src, 12));
  pseudoHeader.setUint32(4, parseIpv4Address(dst, 16));
  // Byte 8 is the zero byte.
  pseudoHeader.setUint8(9, IpProtocol.TCP);
  pseudoHeader.setUint16(10, segment.length);
  return internetChecksum(new Uint8Array(pseudoHeader.buffer), segment);
}
