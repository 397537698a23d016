import { WireError } from './errors';

/**
 * Reads a dotted quad (`198.18.0.1`) into the 32-bit number that goes on the wire. Strict: four decimal
 * parts 0..255 without leading zeros, since `010` means 8 to some parsers and 10 to others.
 * @param offset where the address goes in the packet, for the error.
 */
export function parseIpv4Address(text: string, offset: number): number {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)) {
    throw new WireError('malformed', offset, `IPv4 address must be a dotted quad like 198.18.0.1, got '${text}'`);
  }
  return parts.reduce((address, part) => address * 256 + Number(part), 0);
}

/** Writes a 32-bit address as a dotted quad. */
export function formatIpv4Address(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}
