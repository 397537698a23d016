import { WireError } from './errors';

/**
 * Reads a dotted quad (`198.18.0.1`) into the 32-bit number that goes on the wire. Strict: four decimal
 * parts 0..255 without leading zeros, since `010` means 8 to some parsers and 10 to others.
 * @param offset where the address goes in the packet, for the error.
 */
export function parseIpv4Address(text: string, offset: number): number {
  // A character loop rather than split and a regular expression: every encoded packet parses two addresses.
  let address = 0;
  let parts = 0;
  let i = 0;
  while (i <= text.length && parts < 4) {
    const start = i;
    let part = 0;
    for (; i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39; i++) part = part * 10 + text.charCodeAt(i) - 0x30;
    const digits = i - start;
    const leadingZero = digits > 1 && text.charCodeAt(start) === 0x30;
    const ends = parts < 3 ? text.charCodeAt(i) === 0x2e : i === text.length;
    if (digits === 0 || digits > 3 || leadingZero || part > 255 || !ends) break;
    address = address * 256 + part;
    parts++;
    i++; // past the dot
  }
  if (parts !== 4) {
    throw new WireError('malformed', offset, `IPv4 address must be a dotted quad like 198.18.0.1, got '${text}'`);
  }
  return address;
}

/**
 * Addresses converted already, one way: a capture's datagrams carry the same few again and again. Emptied
 * when it grows past a capture's worth of hosts, so it never holds much.
 */
class Remembered<K, V> {
  private readonly known = new Map<K, V>();

  get(key: K): V | undefined {
    return this.known.get(key);
  }

  /** Remembers `value` for `key`, and returns it. */
  set(key: K, value: V): V {
    if (this.known.size >= 4096) this.known.clear();
    this.known.set(key, value);
    return value;
  }
}

const parsed = new Remembered<string, number>();
/** `parseIpv4Address` for text seen often: every checksum of a conversation parses the same two again. */
export function parseIpv4AddressOften(text: string, offset: number): number {
  return parsed.get(text) ?? parsed.set(text, parseIpv4Address(text, offset));
}

/** Dotted quads by address: each decoded header holding the same string, not a copy of its own, keeps millions of them small. */
const formatted = new Remembered<number, string>();

/** Writes a 32-bit address as a dotted quad. */
export function formatIpv4Address(address: number): string {
  return formatted.get(address) ?? formatted.set(address, `${address >>> 24}.${(address >>> 16) & 0xff}.${(address >>> 8) & 0xff}.${address & 0xff}`);
}

/**
 * What an IPv4 address is for (RFC 1122 §3.2.1.3, RFC 1112, RFC 5735): one host, all hosts of a network
 * (the limited broadcast, or `subnetBroadcast`, the directed broadcast of the interface's subnet, when it
 * has one), a multicast group, or a form no datagram may carry as its source: "this network" (0/8),
 * loopback (127/8), or the reserved class E (240/4).
 */
export type Ipv4AddressKind = 'unicast' | 'broadcast' | 'multicast' | 'this-network' | 'loopback' | 'reserved';

export function ipv4AddressKind(address: string, subnetBroadcast?: string): Ipv4AddressKind {
  if (address === '255.255.255.255' || address === subnetBroadcast) return 'broadcast';
  const first = parseIpv4Address(address, 0) >>> 24;
  if (first === 0) return 'this-network';
  if (first === 127) return 'loopback';
  if (first >= 224 && first < 240) return 'multicast';
  if (first >= 240) return 'reserved';
  return 'unicast';
}
