import { internetChecksum } from './checksum';
import { WireError } from './errors';
import { HeaderView } from './header-view';
import { ecnBits, ecnFromBits } from './ecn';
import type { TrafficClass } from './ecn';
import type { Fragment } from './ip';
import { formatIpv4Address, parseIpv4Address } from './ipv4-address';
import { decodeIpv4Options, encodeIpv4Options, NO_IPV4_OPTIONS } from './ipv4-options';
import type { Ipv4Option } from './ipv4-options';

/** An IPv4 header as values (RFC 791 §3.1); the TOS byte as RFC 2474 and RFC 3168 divide it. */
export interface Ipv4Header extends TrafficClass {
  version: 4;
  /** dotted quad */
  src: string;
  /** dotted quad */
  dst: string;
  protocol: number;
  ttl: number;
  id: number;
  dontFragment: boolean;
  moreFragments?: boolean;
  /** In 8-byte units, as on the wire. */
  fragmentOffset?: number;
  /** Flag bit 0, which RFC 791 reserves and says must be zero. Kept so that captured bytes encode back exactly. */
  reservedFlag?: boolean;
  /** In wire order. Encode pads them to a word with zeros, the End of Option List (RFC 791 §3.1, Padding). */
  options?: readonly Ipv4Option[];
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
    dscp: { at: 1, width: 1, shift: 2, bits: 6 },
    ecn: { at: 1, width: 1, shift: 0, bits: 2 },
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
/** The fields, read straight by the decoder (HeaderView.read). */
const IPV4_FIELDS = IPV4_HEADER_LAYOUT.fields;

const VERSION = 4;
/** The IHL field counts 32-bit words. */
const WORD = 4;

/** The length in bytes of `header` once encoded: the fixed part plus the options padded to a word. */
export function ipv4HeaderLength(header: Ipv4Header): number {
  return IPV4_HEADER_LAYOUT.size + encodeIpv4Options(header.options ?? [], IPV4_HEADER_LAYOUT.size).length;
}

/**
 * Encodes the header of a packet carrying `payloadLength` bytes: the header length, total length and
 * (unless given) checksum are computed.
 */
export function encodeIpv4Header(header: Ipv4Header, payloadLength: number): Uint8Array {
  const options = encodeIpv4Options(header.options ?? [], IPV4_HEADER_LAYOUT.size);
  const headerLength = IPV4_HEADER_LAYOUT.size + options.length;
  const bytes = new Uint8Array(headerLength);
  const view = HeaderView.over(IPV4_HEADER_LAYOUT, bytes, 0);
  view.set('version', VERSION);
  view.set('ihl', headerLength / WORD);
  view.set('dscp', header.dscp ?? 0);
  view.set('ecn', ecnBits(header.ecn ?? 'not-ect', IPV4_HEADER_LAYOUT.fields.ecn.at));
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

/** A decoded IPv4 header, with the fields that decoding always fills. */
export type DecodedIpv4Header = Required<Ipv4Header>;

/**
 * Reads the IPv4 header at the start of `bytes`, options included, without looking at what follows it:
 * the header an ICMP error quotes belongs to a packet of which only the start is there.
 * @param origin where `bytes` starts in the packet, for error offsets.
 */
export function readIpv4Header(bytes: Uint8Array, origin: number): { header: DecodedIpv4Header; checksumOk: boolean } {
  const view = HeaderView.over(IPV4_HEADER_LAYOUT, bytes, origin);
  if (view.read(IPV4_FIELDS.version) !== VERSION) {
    throw new WireError('malformed', origin, `IPv4 header has version ${view.read(IPV4_FIELDS.version)}, expected ${VERSION}`);
  }
  const headerLength = view.read(IPV4_FIELDS.ihl) * WORD;
  if (headerLength < IPV4_HEADER_LAYOUT.size) {
    throw new WireError(
      'malformed',
      origin + IPV4_HEADER_LAYOUT.fields.ihl.at,
      `IPv4 IHL ${view.read(IPV4_FIELDS.ihl)} says the header is ${headerLength} bytes, ` +
        `less than the ${IPV4_HEADER_LAYOUT.size}-byte minimum`,
    );
  }
  if (headerLength > bytes.length) {
    throw new WireError(
      'truncated',
      origin,
      `IPv4 header truncated: IHL says ${headerLength} bytes, only ${bytes.length} present`,
    );
  }
  const header: DecodedIpv4Header = {
    version: VERSION,
    src: formatIpv4Address(view.read(IPV4_FIELDS.src)),
    dst: formatIpv4Address(view.read(IPV4_FIELDS.dst)),
    protocol: view.read(IPV4_FIELDS.protocol),
    ttl: view.read(IPV4_FIELDS.ttl),
    id: view.read(IPV4_FIELDS.id),
    dscp: view.read(IPV4_FIELDS.dscp),
    ecn: ecnFromBits(view.read(IPV4_FIELDS.ecn)),
    dontFragment: view.read(IPV4_FIELDS.dontFragment) === 1,
    moreFragments: view.read(IPV4_FIELDS.moreFragments) === 1,
    fragmentOffset: view.read(IPV4_FIELDS.fragmentOffset),
    reservedFlag: view.read(IPV4_FIELDS.reservedFlag) === 1,
    options: headerLength === IPV4_HEADER_LAYOUT.size ? NO_IPV4_OPTIONS : decodeIpv4Options(bytes.subarray(IPV4_HEADER_LAYOUT.size, headerLength), origin + IPV4_HEADER_LAYOUT.size),
    checksum: view.read(IPV4_FIELDS.checksum),
    headerLength,
    totalLength: view.read(IPV4_FIELDS.totalLength),
  };
  return { header, checksumOk: internetChecksum(bytes.subarray(0, headerLength)) === 0 };
}

/** An IPv4 packet split into its header and the data its total length covers. */
export interface DecodedIpv4 {
  header: DecodedIpv4Header;
  /** The bytes after the header up to the total length; anything after that (link padding) is dropped. */
  payload: Uint8Array;
  /** Where `payload` starts in the packet. */
  payloadAt: number;
  /** Whether the header checksum is right (RFC 791 §3.1). */
  checksumOk: boolean;
  /** Present when the packet is a fragment rather than a whole datagram. */
  fragment?: Fragment;
}

/** Decodes an IPv4 packet, which must be whole: the total length says where it ends. */
export function decodeIpv4(bytes: Uint8Array): DecodedIpv4 {
  const { header, checksumOk } = readIpv4Header(bytes, 0);
  const { headerLength, totalLength } = header;
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
  const isFragment = header.moreFragments || header.fragmentOffset !== 0;
  return {
    header,
    // A view, not a copy, as a TCP segment's payload is (src/wire/tcp.ts).
    payload: bytes.subarray(headerLength, totalLength),
    payloadAt: headerLength,
    checksumOk,
    ...(isFragment && {
      fragment: { at: IPV4_HEADER_LAYOUT.fields.fragmentOffset.at, offset: header.fragmentOffset, more: header.moreFragments },
    }),
  };
}
