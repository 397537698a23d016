import { WireError } from './errors';
import { formatIpv4Address, parseIpv4Address } from './ipv4-address';

/** An IPv6 address is 128 bits (RFC 4291 §2). */
export const IPV6_ADDRESS_LENGTH = 16;
const GROUPS = 8;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * Reads an IPv6 address in any text form RFC 4291 §2.2 allows: eight groups of one to four hex digits,
 * one `::` standing for one or more groups of zeros, and a dotted quad for the last 32 bits
 * (`::ffff:198.18.0.1`). Strict otherwise: no zone (`%eth0`), no brackets, no prefix length, since those
 * are not addresses and a packet cannot carry them.
 * @param offset where the address goes in the packet, for the error.
 */
export function parseIpv6Address(text: string, offset: number): Uint8Array {
  const bytes = new Uint8Array(IPV6_ADDRESS_LENGTH);
  const fail = (): never => {
    throw new WireError('malformed', offset, `IPv6 address must be RFC 4291 text like 2001:2::1, got '${text}'`);
  };
  const halves = text.split('::');
  if (halves.length > 2) fail();
  const compressed = halves.length === 2;
  // Only the very last group of the text may be a dotted quad; it stands for two groups.
  const parts = halves.map((half, i) => parseGroups(half, i === halves.length - 1, offset, fail));
  const head = parts[0] ?? [];
  const tail = parts[1] ?? [];
  const count = head.length + tail.length;
  if (compressed ? count > GROUPS - 1 : count !== GROUPS) fail();
  const view = new DataView(bytes.buffer);
  head.forEach((group, i) => view.setUint16(i * 2, group));
  tail.forEach((group, i) => view.setUint16((GROUPS - tail.length + i) * 2, group));
  return bytes;
}

/** The 16-bit groups of one side of `::` (or of the whole text); `''` has none. */
function parseGroups(text: string, endsAddress: boolean, offset: number, fail: () => never): number[] {
  if (text === '') return [];
  const texts = text.split(':');
  return texts.flatMap((group, i) => {
    if (endsAddress && i === texts.length - 1 && group.includes('.')) return dottedQuadGroups(group, offset, fail);
    return HEX_GROUP.test(group) ? [parseInt(group, 16)] : fail();
  });
}

function dottedQuadGroups(text: string, offset: number, fail: () => never): number[] {
  let quad: number;
  try {
    quad = parseIpv4Address(text, offset);
  } catch {
    return fail();
  }
  return [Math.floor(quad / 0x10000), quad % 0x10000];
}

/** The first 96 bits of an IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2): 80 zeros, then 16 ones. */
const IPV4_MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

/**
 * Writes an address in RFC 5952's canonical text: lowercase hex without leading zeros (§4.1, §4.3), the
 * longest run of two or more zero groups shortened to `::`, the first such run on a tie (§4.2), and an
 * IPv4-mapped address with its last 32 bits as a dotted quad (§5), as `ip` and tshark show them.
 */
export function formatIpv6Address(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, IPV6_ADDRESS_LENGTH);
  if (IPV4_MAPPED_PREFIX.every((byte, i) => bytes[i] === byte)) return `::ffff:${formatIpv4Address(view.getUint32(12))}`;
  const groups = Array.from({ length: GROUPS }, (_, i) => view.getUint16(i * 2));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never shortened (§4.2.2)
  for (let start = 0; start < GROUPS; start++) {
    let length = 0;
    while (start + length < GROUPS && groups[start + length] === 0) length++;
    if (length > bestLength) [bestStart, bestLength] = [start, length];
    start += length;
  }
  const hex = (part: number[]): string => part.map((group) => group.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
