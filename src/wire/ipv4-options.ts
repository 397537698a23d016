import { checkUnsigned } from './check-unsigned';
import { WireError } from './errors';
import { formatIpv4Address, parseIpv4Address } from './ipv4-address';

/** IPv4 option types (the whole type octet: copied flag, class, number) that this module interprets (RFC 791 §3.1). */
export const Ipv4OptionType = {
  EOL: 0,
  NOP: 1,
  RECORD_ROUTE: 7,
  TIMESTAMP: 68,
  LOOSE_SOURCE_ROUTE: 131,
  STRICT_SOURCE_ROUTE: 137,
} as const;

/** One Internet Timestamp entry: milliseconds since midnight UT, after the address that stamped it when the flag asks for one. */
export interface TimestampEntry {
  address?: string;
  timestamp: number;
}

/** The three route options share one layout: type, length, pointer, route data (RFC 791 §3.1). */
export type RouteOptionKind = 'lsrr' | 'ssrr' | 'rr';

export type Ipv4Option =
  | { kind: 'eol' }
  | { kind: 'nop' }
  /**
   * Loose or strict source and record route, or record route. `pointer` counts from the option's type
   * octet, 4 for the first address; `route` holds every slot, filled or not.
   */
  | { kind: RouteOptionKind; pointer: number; route: string[] }
  /**
   * Internet Timestamp. `flag` 0: timestamps only; 1: each after the address that stamped it; 3: the
   * addresses prespecified. `overflow` counts the modules that could not stamp for lack of room.
   */
  | { kind: 'timestamp'; pointer: number; overflow: number; flag: 0 | 1 | 3; entries: TimestampEntry[] }
  /** A type/length/data option that is not interpreted, kept verbatim (a Security option, a Router Alert, a timestamp with another flag). */
  | { kind: 'unknown'; type: number; data: Uint8Array };

/** The IHL counts at most 15 words, 5 of them the fixed header: 40 bytes are left for options (RFC 791 §3.1). */
export const MAX_IPV4_OPTIONS_LENGTH = 40;

const ROUTE_TYPES: Readonly<Record<RouteOptionKind, number>> = {
  lsrr: Ipv4OptionType.LOOSE_SOURCE_ROUTE,
  ssrr: Ipv4OptionType.STRICT_SOURCE_ROUTE,
  rr: Ipv4OptionType.RECORD_ROUTE,
};
const ADDRESS = 4;
/** Type, length and pointer octets before a route's addresses. */
const ROUTE_PREFIX = 3;
/** Type, length, pointer and overflow/flag octets before the timestamp entries. */
const TIMESTAMP_PREFIX = 4;

/**
 * Encodes an options area in the order given, padded to a word with zeros (End of Option List octets,
 * RFC 791 §3.1, Padding).
 * @param origin where the area starts in the packet, for error offsets.
 */
export function encodeIpv4Options(options: readonly Ipv4Option[], origin: number): Uint8Array {
  const bytes: number[] = [];
  for (const option of options) bytes.push(...encodeOption(option, origin + bytes.length));
  if (bytes.length > MAX_IPV4_OPTIONS_LENGTH) {
    throw new WireError(
      'malformed',
      origin,
      `IPv4 options take ${bytes.length} bytes, at most ${MAX_IPV4_OPTIONS_LENGTH} fit in the header (RFC 791 §3.1)`,
    );
  }
  const area = new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  area.set(bytes);
  return area;
}

function encodeOption(option: Ipv4Option, offset: number): number[] {
  const uint = (value: number, octets: 1 | 4, what: string): number[] => {
    checkUnsigned(value, octets * 8, () => `IPv4 option ${option.kind} ${what}`, offset);
    return Array.from({ length: octets }, (_, i) => Math.floor(value / 256 ** (octets - 1 - i)) % 256);
  };
  const address = (text: string): number[] => uint(parseIpv4Address(text, offset), 4, 'address');
  const withLength = (type: number, body: number[]): number[] => [type, ...uint(2 + body.length, 1, 'length'), ...body];
  switch (option.kind) {
    case 'eol':
      return [Ipv4OptionType.EOL];
    case 'nop':
      return [Ipv4OptionType.NOP];
    case 'lsrr':
    case 'ssrr':
    case 'rr':
      return withLength(ROUTE_TYPES[option.kind], [...uint(option.pointer, 1, 'pointer'), ...option.route.flatMap(address)]);
    case 'timestamp': {
      checkUnsigned(option.overflow, 4, () => 'IPv4 timestamp option overflow', offset + 3);
      const withAddress = option.flag !== 0;
      if (![0, 1, 3].includes(option.flag) || option.entries.some((entry) => (entry.address !== undefined) !== withAddress)) {
        throw new WireError(
          'malformed',
          offset + 3,
          `IPv4 timestamp option with flag ${option.flag} needs entries ${withAddress ? 'with' : 'without'} an address (RFC 791 §3.1)`,
        );
      }
      const entries = option.entries.flatMap(({ address: stamper, timestamp }) => [
        ...(stamper === undefined ? [] : address(stamper)),
        ...uint(timestamp, 4, 'timestamp'),
      ]);
      return withLength(Ipv4OptionType.TIMESTAMP, [...uint(option.pointer, 1, 'pointer'), option.overflow * 16 + option.flag, ...entries]);
    }
    case 'unknown':
      // Types 0 and 1 are a single octet (RFC 791 §3.1): they cannot carry a length or data.
      if (option.type === Ipv4OptionType.EOL || option.type === Ipv4OptionType.NOP) {
        throw new WireError('malformed', offset, `IPv4 option type ${option.type} is a single octet and cannot be 'unknown'`);
      }
      return withLength(uint(option.type, 1, 'type')[0] ?? 0, [...option.data]);
  }
}

/** The options of a datagram that carries none: one list all such datagrams share (a capture holds millions). */
export const NO_IPV4_OPTIONS: readonly Ipv4Option[] = Object.freeze([]);

/**
 * Decodes an options area, which every byte of belongs to (the IHL says where it ends). Throws a
 * `malformed` WireError at the offending octet for a length that cannot frame its option (below 2, past
 * the header, not the layout of its type) and for non-zero octets after End of Option List.
 * @param origin where the area starts in the packet, for error offsets.
 */
export function decodeIpv4Options(area: Uint8Array, origin: number): readonly Ipv4Option[] {
  if (area.length === 0) return NO_IPV4_OPTIONS;
  const options: Ipv4Option[] = [];
  let at = 0;
  while (at < area.length) {
    const type = area[at] as number;
    if (type === Ipv4OptionType.EOL) {
      const junk = area.findIndex((byte, i) => i > at && byte !== 0);
      if (junk >= 0) {
        throw new WireError('malformed', origin + junk, `IPv4 options: non-zero octet after End of Option List (RFC 791 §3.1 pads with zeros)`);
      }
      // The EOL that only starts the padding `encodeIpv4Options` writes is left out, so decode(encode(x)) is x.
      if (at % 4 === 0 || Math.ceil(at / 4) * 4 !== area.length) options.push({ kind: 'eol' });
      return options;
    }
    if (type === Ipv4OptionType.NOP) {
      options.push({ kind: 'nop' });
      at += 1;
      continue;
    }
    const length = area[at + 1];
    if (length === undefined) {
      throw new WireError('malformed', origin + at, `IPv4 option type ${type} has no room for its length octet`);
    }
    if (length < 2 || at + length > area.length) {
      throw new WireError(
        'malformed',
        origin + at + 1,
        `IPv4 option type ${type} has length ${length}, ` +
          (length < 2 ? 'the least is 2' : `only ${area.length - at} bytes left in the header`),
      );
    }
    options.push(interpretOption(area.subarray(at, at + length), origin + at));
    at += length;
  }
  return options;
}

/** Interprets one option whose length frames it; `option` holds its type and length octets too. */
function interpretOption(option: Uint8Array, offset: number): Ipv4Option {
  const view = new DataView(option.buffer, option.byteOffset, option.byteLength);
  const type = view.getUint8(0);
  // The number of `size`-byte items after a `prefix`-byte start; a length that frames no whole number is malformed.
  const items = (prefix: number, size: number, what: string): number => {
    if (option.length < prefix || (option.length - prefix) % size !== 0) {
      throw new WireError('malformed', offset + 1, `IPv4 ${what} option has length ${option.length}, expected ${prefix} + ${size}n (RFC 791 §3.1)`);
    }
    return (option.length - prefix) / size;
  };
  const addressAt = (at: number): string => formatIpv4Address(view.getUint32(at));
  const routeKind = (Object.keys(ROUTE_TYPES) as RouteOptionKind[]).find((kind) => ROUTE_TYPES[kind] === type);
  if (routeKind !== undefined) {
    const route = Array.from({ length: items(ROUTE_PREFIX, ADDRESS, 'route') }, (_, i) => addressAt(ROUTE_PREFIX + i * ADDRESS));
    return { kind: routeKind, pointer: view.getUint8(2), route };
  }
  if (type === Ipv4OptionType.TIMESTAMP) {
    items(TIMESTAMP_PREFIX, 1, 'timestamp');
    const flag = view.getUint8(3) % 16;
    // Another flag has no layout in RFC 791: the option is kept verbatim below.
    if (flag === 0 || flag === 1 || flag === 3) {
      const size = flag === 0 ? 4 : 8;
      const entries = Array.from({ length: items(TIMESTAMP_PREFIX, size, 'timestamp') }, (_, i): TimestampEntry => {
        const at = TIMESTAMP_PREFIX + i * size;
        return flag === 0 ? { timestamp: view.getUint32(at) } : { address: addressAt(at), timestamp: view.getUint32(at + 4) };
      });
      return { kind: 'timestamp', pointer: view.getUint8(2), overflow: view.getUint8(3) >> 4, flag, entries };
    }
  }
  return { kind: 'unknown', type, data: option.slice(2) };
}
