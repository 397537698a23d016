import { ecnBits, ecnFromBits } from './ecn';
import type { TrafficClass } from './ecn';
import { WireError } from './errors';
import { HeaderView } from './header-view';
import type { Fragment } from './ip';
import { formatIpv6Address, IPV6_ADDRESS_LENGTH, parseIpv6Address } from './ipv6-address';
import { encodeIpv6Extensions, ipv6ExtensionType, walkIpv6Extensions } from './ipv6-extensions';
import type { Ipv6Extension } from './ipv6-extensions';

/** An IPv6 header as values (RFC 8200 §3), with the extension headers that follow it (§4). */
export interface Ipv6Header extends TrafficClass {
  version: 6;
  /** RFC 5952 text; any RFC 4291 text when encoding */
  src: string;
  /** RFC 5952 text; any RFC 4291 text when encoding */
  dst: string;
  /** 20 bits; 0 when absent. */
  flowLabel?: number;
  hopLimit: number;
  /**
   * The upper-layer protocol (`IpProtocol`): the Next Header of the last header of the chain, which is
   * the fixed header's own when there are no extension headers.
   */
  protocol: number;
  /** In wire order; their Next Header fields are written from this order and `protocol`. */
  extensions?: Ipv6Extension[];
  /** Decode only: the Payload Length field, the bytes after the fixed header. */
  payloadLength?: number;
}

/** The fixed IPv6 header (RFC 8200 §3), less its two addresses, which no 32-bit word holds. */
export const IPV6_HEADER_LAYOUT = {
  name: 'IPv6',
  size: 40,
  fields: {
    version: { at: 0, width: 4, shift: 28, bits: 4 },
    // The traffic class is bits 4..11 of the first word: DSCP then ECN (RFC 2474 §3, RFC 3168 §5).
    dscp: { at: 0, width: 4, shift: 22, bits: 6 },
    ecn: { at: 0, width: 4, shift: 20, bits: 2 },
    flowLabel: { at: 0, width: 4, shift: 0, bits: 20 },
    payloadLength: { at: 4, width: 2 },
    nextHeader: { at: 6, width: 1 },
    hopLimit: { at: 7, width: 1 },
  },
} as const;

const VERSION = 6;
const SRC_AT = 8;
const DST_AT = 24;

/** The length in bytes of `header` once encoded: the fixed part and its extension headers. */
export function ipv6HeaderLength(header: Ipv6Header): number {
  return IPV6_HEADER_LAYOUT.size + encodeIpv6Extensions(header.extensions ?? [], header.protocol, IPV6_HEADER_LAYOUT.size).length;
}

/** Encodes the fixed header and the extension headers of a packet whose upper layer takes `upperLength` bytes. */
export function encodeIpv6Header(header: Ipv6Header, upperLength: number): Uint8Array {
  const extensions = header.extensions ?? [];
  const chain = encodeIpv6Extensions(extensions, header.protocol, IPV6_HEADER_LAYOUT.size);
  const bytes = new Uint8Array(IPV6_HEADER_LAYOUT.size + chain.length);
  const view = HeaderView.over(IPV6_HEADER_LAYOUT, bytes, 0);
  view.set('version', VERSION);
  view.set('dscp', header.dscp ?? 0);
  view.set('ecn', ecnBits(header.ecn ?? 'not-ect', IPV6_HEADER_LAYOUT.fields.ecn.at));
  view.set('flowLabel', header.flowLabel ?? 0);
  // A larger payload needs a jumbogram (RFC 2675), which is not supported.
  view.set('payloadLength', chain.length + upperLength);
  const [first] = extensions;
  view.set('nextHeader', first === undefined ? header.protocol : ipv6ExtensionType(first));
  view.set('hopLimit', header.hopLimit);
  bytes.set(parseIpv6Address(header.src, SRC_AT), SRC_AT);
  bytes.set(parseIpv6Address(header.dst, DST_AT), DST_AT);
  bytes.set(chain, IPV6_HEADER_LAYOUT.size);
  return bytes;
}

/** A decoded IPv6 header, with the fields that decoding always fills. */
export type DecodedIpv6Header = Required<Ipv6Header>;

/** The fixed header at the start of `bytes`, and its Next Header, which starts the chain of extension headers. */
function readFixedHeader(bytes: Uint8Array, origin: number): { header: DecodedIpv6Header; nextHeader: number } {
  const view = HeaderView.over(IPV6_HEADER_LAYOUT, bytes, origin);
  if (view.get('version') !== VERSION) {
    throw new WireError('malformed', origin, `IPv6 header has version ${view.get('version')}, expected ${VERSION}`);
  }
  const address = (at: number): string => formatIpv6Address(bytes.subarray(at, at + IPV6_ADDRESS_LENGTH));
  const nextHeader = view.get('nextHeader');
  const header: DecodedIpv6Header = {
    version: VERSION,
    src: address(SRC_AT),
    dst: address(DST_AT),
    dscp: view.get('dscp'),
    ecn: ecnFromBits(view.get('ecn')),
    flowLabel: view.get('flowLabel'),
    hopLimit: view.get('hopLimit'),
    protocol: nextHeader,
    extensions: [],
    payloadLength: view.get('payloadLength'),
  };
  return { header, nextHeader };
}

/**
 * Reads the start of an IPv6 packet that an ICMPv6 error quotes: the fixed header, and the extension
 * headers as far as the quote reaches. `protocol` is where the walk ended (the upper layer when
 * `upperAt` is set, the first header cut short otherwise).
 * @param origin where the quote starts in the packet, for error offsets.
 */
export function readQuotedIpv6(quote: Uint8Array, origin: number): { header: DecodedIpv6Header; upperAt?: number; fragment?: Fragment } {
  const { header, nextHeader } = readFixedHeader(quote, origin);
  const walked = walkIpv6Extensions(quote.subarray(IPV6_HEADER_LAYOUT.size), nextHeader, origin + IPV6_HEADER_LAYOUT.size, true);
  return {
    header: { ...header, protocol: walked.protocol, extensions: walked.extensions },
    ...(!walked.cut && { upperAt: IPV6_HEADER_LAYOUT.size + walked.length }),
    ...(walked.fragment && { fragment: walked.fragment }),
  };
}

/** An IPv6 packet split into its headers and the upper-layer bytes. */
export interface DecodedIpv6 {
  header: DecodedIpv6Header;
  /** The upper-layer bytes up to the payload length; anything after that (link padding) is dropped. */
  payload: Uint8Array;
  /** Where `payload` starts in the packet. */
  payloadAt: number;
  /** IPv6 has no header checksum (RFC 8200 §3): always true. */
  checksumOk: true;
  /** Present when a Fragment header says the packet is part of a larger one. */
  fragment?: Fragment;
}

/**
 * Decodes an IPv6 packet, which must be whole: the payload length says where it ends. The extension
 * headers are walked to the upper-layer protocol; a Next Header this module does not know ends the walk
 * as an upper-layer protocol would, and is left to the caller to report.
 */
export function decodeIpv6(bytes: Uint8Array): DecodedIpv6 {
  const { header, nextHeader } = readFixedHeader(bytes, 0);
  const end = IPV6_HEADER_LAYOUT.size + header.payloadLength;
  if (header.payloadLength === 0 && nextHeader === 0) {
    throw new WireError('unsupported', IPV6_HEADER_LAYOUT.fields.payloadLength.at, 'IPv6 jumbogram (payload length 0, RFC 2675) is not supported');
  }
  if (end > bytes.length) {
    throw new WireError(
      'truncated',
      0,
      `IPv6 packet truncated: payload length says ${end} bytes with the header, only ${bytes.length} present`,
    );
  }
  const chain = bytes.subarray(IPV6_HEADER_LAYOUT.size, end);
  const walked = walkIpv6Extensions(chain, nextHeader, IPV6_HEADER_LAYOUT.size, false);
  const payloadAt = IPV6_HEADER_LAYOUT.size + walked.length;
  return {
    header: { ...header, protocol: walked.protocol, extensions: walked.extensions },
    // A view, not a copy, as a TCP segment's payload is (src/wire/tcp.ts).
    payload: bytes.subarray(payloadAt, end),
    payloadAt,
    checksumOk: true,
    ...(walked.fragment && { fragment: walked.fragment }),
  };
}
