import { internetChecksum } from './checksum';
import { WireError } from './errors';
import { HeaderView } from './header-view';
import { formatIpv4Address, parseIpv4Address } from './ipv4-address';

/** An IPv4 header as values (RFC 791 §3.1). */
export interface Ipv4Header {
  /** dotted quad */
  src: string;
  /** dotted quad */
  dst: string;
  protocol: number;
  ttl: number;
  id: number;
  /** The whole Type of Service byte (DSCP and ECN, RFC 2474 and RFC 3168). */
  tos: number;
  dontFragment: boolean;
  moreFragments?: boolean;
  /** In 8-byte units, as on the wire. */
  fragmentOffset?: number;
  /** Flag bit 0, which RFC 791 reserves and says must be zero. Kept so that captured bytes encode back exactly. */
  reservedFlag?: boolean;
  /** Raw option bytes. Encode pads them to a word with zeros, the End of Option List (RFC 791 §3.1, Padding). */
  options?: Uint8Array;
  /** Decode: the value on the wire. Encode: written as is when present, else computed. */
  checksum?: number;
  /** Decode only: the header length in bytes (the IHL field times 4). */
  headerLength?: number;
  /** Decode only: the Total Length field, header and data in bytes. */
  totalLength?: number;
}

/** The fixed part of the IPv4 header (RFC 791 §3.1, "Example Internet Datagram Header"). */
export const IPV4_HEADER_LAYOUT = {
  name: 'IPv4',
  size: 20,
  fields: {
    version: { at: 0, width: 1, shift: 4, bits: 4 },
    ihl: { at: 0, width: 1, shift: 0, bits: 4 },
    tos: { at: 1, width: 1 },
    totalLength: { at: 2, width: 2 },
    id: { at: 4, width: 2 },
    reservedFlag: { at: 6, width: 2, shift: 15, bits: 1 },
    dontFragment: { at: 6, width: 2, shift: 14, bits: 1 },
    moreFragments: { at: 6, width: 2, shift: 13, bits: 1 },
    fragmentOffset: { at: 6, width: 2, shift: 0, bits: 13 },
    ttl: { at: 8, width: 1 },
    protocol: { at: 9, width: 1 },
    checksum: { at: 10, width: 2 },
    src: { at: 12, width: 4 },
    dst: { at: 16, width: 4 },
  },
} as const;

const VERSION = 4;
/** The IHL field counts 32-bit words. */
const WORD = 4;
/** The IHL field is 4 bits, so the header is at most 15 words. */
const MAX_OPTIONS_LENGTH = 15 * WORD - IPV4_HEADER_LAYOUT.size;

/** The length in bytes of `header` once encoded: the fixed part plus the options padded to a word. */
export function ipv4HeaderLength(header: Ipv4Header): number {
  const optionsLength = header.options?.length ?? 0;
  if (optionsLength > MAX_OPTIONS_LENGTH) {
    throw new WireError(
      'malformed',
      IPV4_HEADER_LAYOUT.size,
      `IPv4 options take ${optionsLength} bytes, at most ${MAX_OPTIONS_LENGTH} fit in the header (RFC 791 §3.1)`,
    );
  }
  return IPV4_HEADER_LAYOUT.size + Math.ceil(optionsLength / WORD) * WORD;
}

/**
 * Encodes the header of a packet carrying `payloadLength` bytes: the header length, total length and
 * (unless given) checksum are computed.
 */
export function encodeIpv4Header(header: Ipv4Header, payloadLength: number): Uint8Array {
  const options = header.options ?? new Uint8Array(0);
  const headerLength = ipv4HeaderLength(header);
  const bytes = new Uint8Array(headerLength);
  const view = HeaderView.over(IPV4_HEADER_LAYOUT, bytes, 0);
  view.set('version', VERSION);
  view.set('ihl', headerLength / WORD);
  view.set('tos', header.tos);
  view.set('totalLength', headerLength + payloadLength);
  view.set('id', header.id);
  view.set('reservedFlag', Number(header.reservedFlag ?? false));
  view.set('dontFragment', Number(header.dontFragment));
  view.set('moreFragments', Number(header.moreFragments ?? false));
  view.set('fragmentOffset', header.fragmentOffset ?? 0);
  view.set('ttl', header.ttl);
  view.set('protocol', header.protocol);
  view.set('src', parseIpv4Address(header.src, IPV4_HEADER_LAYOUT.fields.src.at));
  view.set('dst', parseIpv4Address(header.dst, IPV4_HEADER_LAYOUT.fields.dst.at));
  bytes.set(options, IPV4_HEADER_LAYOUT.size);
  // The checksum field is still zero here, as its computation requires (RFC 791 §3.1, Header Checksum).
  view.set('checksum', header.checksum ?? internetChecksum(bytes));
  return bytes;
}

/** An IPv4 packet split into its header and the data its total length covers. */
export interface DecodedIpv4 {
  header: Ipv4Header & { headerLength: number; totalLength: number };
  /** The bytes after the header up to the total length; anything after that (link padding) is dropped. */
  payload: Uint8Array;
  /** Whether the header checksum is right (RFC 791 §3.1). */
  checksumOk: boolean;
}

/** Decodes an IPv4 packet; throws `unsupported` for any other IP version. */
export function decodeIpv4(bytes: Uint8Array): DecodedIpv4 {
  // The version is read before anything else, so that an IPv6 packet is reported as such, not as a
  // truncated or malformed IPv4 one.
  const firstByte = bytes[0];
  if (firstByte === undefined) {
    throw new WireError('truncated', 0, 'IPv4 header truncated: needs at least 20 bytes, the packet is empty');
  }
  const version = firstByte >> 4;
  if (version !== VERSION) {
    throw new WireError('unsupported', 0, `IP version ${version} is not supported, only ${VERSION}`);
  }
  const view = HeaderView.over(IPV4_HEADER_LAYOUT, bytes, 0);
  const headerLength = view.get('ihl') * WORD;
  if (headerLength < IPV4_HEADER_LAYOUT.size) {
    throw new WireError(
      'malformed',
      IPV4_HEADER_LAYOUT.fields.ihl.at,
      `IPv4 IHL ${view.get('ihl')} says the header is ${headerLength} bytes, ` +
        `less than the ${IPV4_HEADER_LAYOUT.size}-byte minimum`,
    );
  }
  if (headerLength > bytes.length) {
    throw new WireError(
      'truncated',
      0,
      `IPv4 header truncated: IHL says ${headerLength} bytes, only ${bytes.length} present`,
    );
  }
  const totalLength = view.get('totalLength');
  if (totalLength < headerLength) {
    throw new WireError(
      'malformed',
      IPV4_HEADER_LAYOUT.fields.totalLength.at,
      `IPv4 total length ${totalLength} is less than the header length ${headerLength}`,
    );
  }
  if (totalLength > bytes.length) {
    throw new WireError(
      'truncated',
      0,
      `IPv4 packet truncated: total length says ${totalLength} bytes, only ${bytes.length} present`,
    );
  }
  return {
    header: {
      src: formatIpv4Address(view.get('src')),
      dst: formatIpv4Address(view.get('dst')),
      protocol: view.get('protocol'),
      ttl: view.get('ttl'),
      id: view.get('id'),
      tos: view.get('tos'),
      dontFragment: view.get('dontFragment') === 1,
      moreFragments: view.get('moreFragments') === 1,
      fragmentOffset: view.get('fragmentOffset'),
      reservedFlag: view.get('reservedFlag') === 1,
      options: bytes.slice(IPV4_HEADER_LAYOUT.size, headerLength),
      checksum: view.get('checksum'),
      headerLength,
      totalLength,
    },
    payload: bytes.slice(headerLength, totalLength),
    checksumOk: internetChecksum(bytes.subarray(0, headerLength)) === 0,
  };
}
