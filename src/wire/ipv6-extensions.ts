import { checkUnsigned } from './check-unsigned';
import { WireError } from './errors';
import type { Fragment } from './ip';

/** The Next Header values of the extension headers this module walks (RFC 8200 §4). */
export const Ipv6ExtensionType = {
  HOP_BY_HOP: 0,
  ROUTING: 43,
  FRAGMENT: 44,
  DESTINATION_OPTIONS: 60,
} as const;

/**
 * One extension header (RFC 8200 §4), less its Next Header octet: the chain's links are written from the
 * order of the headers and the packet's upper-layer protocol.
 */
export type Ipv6Extension =
  /**
   * Hop-by-Hop or Destination Options (§4.3, §4.6): `options` is the area of type-length-value options,
   * padding (Pad1, PadN) included, so that the header with its two leading octets is a multiple of 8.
   */
  | { kind: 'hop-by-hop' | 'destination-options'; options: Uint8Array }
  /** Routing (§4.4): `data` is what follows the four fixed octets, as its routing type lays it out. */
  | { kind: 'routing'; routingType: number; segmentsLeft: number; data: Uint8Array }
  /**
   * Fragment (§4.5): `fragmentOffset` in 8-octet units. `reserved` (the octet after Next Header) and
   * `res` (the two bits before M) are kept so that captured bytes encode back exactly; 0 when absent.
   */
  | { kind: 'fragment'; fragmentOffset: number; moreFragments: boolean; identification: number; reserved?: number; res?: number };

export type Ipv6ExtensionKind = Ipv6Extension['kind'];

const TYPES: Readonly<Record<Ipv6ExtensionKind, number>> = {
  'hop-by-hop': Ipv6ExtensionType.HOP_BY_HOP,
  routing: Ipv6ExtensionType.ROUTING,
  fragment: Ipv6ExtensionType.FRAGMENT,
  'destination-options': Ipv6ExtensionType.DESTINATION_OPTIONS,
};
const KINDS = new Map(Object.entries(TYPES).map(([kind, type]) => [type, kind as Ipv6ExtensionKind]));

/** Extension headers come in 8-octet units; Hdr Ext Len counts them, not counting the first (§4.3). */
const UNIT = 8;
const FRAGMENT_LENGTH = 8;

/** The Next Header value that names an extension of this kind. */
export function ipv6ExtensionType(extension: Ipv6Extension): number {
  return TYPES[extension.kind];
}

/**
 * Encodes the chain: each header's Next Header names the one after it, the last one's names `protocol`.
 * @param origin where the chain starts in the packet, for error offsets.
 */
export function encodeIpv6Extensions(extensions: readonly Ipv6Extension[], protocol: number, origin: number): Uint8Array {
  const encoded: Uint8Array[] = [];
  let length = 0;
  extensions.forEach((extension, i) => {
    const next = extensions[i + 1];
    const bytes = encodeExtension(extension, next === undefined ? protocol : ipv6ExtensionType(next), origin + length);
    encoded.push(bytes);
    length += bytes.length;
  });
  const chain = new Uint8Array(length);
  let at = 0;
  for (const bytes of encoded) {
    chain.set(bytes, at);
    at += bytes.length;
  }
  return chain;
}

function encodeExtension(extension: Ipv6Extension, nextHeader: number, offset: number): Uint8Array {
  const fits = (value: number, bits: number, what: string, at: number): number => {
    checkUnsigned(value, bits, () => `IPv6 ${extension.kind} header ${what}`, offset + at);
    return value;
  };
  fits(nextHeader, 8, 'next header', 0);
  if (extension.kind === 'fragment') {
    const bytes = new Uint8Array(FRAGMENT_LENGTH);
    const view = new DataView(bytes.buffer);
    view.setUint8(0, nextHeader);
    view.setUint8(1, fits(extension.reserved ?? 0, 8, 'reserved', 1));
    const offsetAndFlags =
      fits(extension.fragmentOffset, 13, 'fragment offset', 2) * 8 + fits(extension.res ?? 0, 2, 'res', 3) * 2 + Number(extension.moreFragments);
    view.setUint16(2, offsetAndFlags);
    view.setUint32(4, fits(extension.identification, 32, 'identification', 4));
    return bytes;
  }
  const body =
    extension.kind === 'routing'
      ? [fits(extension.routingType, 8, 'routing type', 2), fits(extension.segmentsLeft, 8, 'segments left', 3), ...extension.data]
      : [...extension.options];
  const length = 2 + body.length;
  if (length % UNIT !== 0 || length / UNIT - 1 > 0xff) {
    throw new WireError(
      'malformed',
      offset + 1,
      `IPv6 ${extension.kind} header of ${length} bytes is not a multiple of ${UNIT} up to ${256 * UNIT} (RFC 8200 §4)`,
    );
  }
  return Uint8Array.from([nextHeader, length / UNIT - 1, ...body]);
}

/** What walking the chain found. */
export interface WalkedExtensions {
  extensions: Ipv6Extension[];
  /** The Next Header that ends the walk: the upper-layer protocol, or for a cut-short walk the header it stopped at. */
  protocol: number;
  /** Bytes the extensions take. */
  length: number;
  /** Present when a Fragment header says the packet is part of a larger one (RFC 6946: an atomic fragment is whole). */
  fragment?: Fragment;
  /** True when the bytes ended inside the chain and `partial` allowed it. */
  cut: boolean;
}

/**
 * Walks the extension headers after the fixed header to the first Next Header that is not one of them:
 * the upper-layer protocol, or a protocol this module does not know, which ends the walk the same way.
 * @param nextHeader the fixed header's Next Header.
 * @param origin where `bytes` starts in the packet, for error offsets.
 * @param partial true for the quoted start of a packet, where the bytes may end inside the chain: the walk
 *   then stops there instead of throwing `truncated`.
 */
export function walkIpv6Extensions(bytes: Uint8Array, nextHeader: number, origin: number, partial: boolean): WalkedExtensions {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const extensions: Ipv6Extension[] = [];
  let fragment: Fragment | undefined;
  let protocol = nextHeader;
  let at = 0;
  // Where the Next Header octet naming the current header sits: first the fixed header's (byte 6 of 40).
  let namedAt = origin - 34;
  for (let kind = KINDS.get(protocol); kind !== undefined; kind = KINDS.get(protocol)) {
    const where = origin + at;
    if (kind === 'hop-by-hop' && at !== 0) {
      throw new WireError('malformed', namedAt, 'IPv6 hop-by-hop options header anywhere but first (RFC 8200 §4.3)');
    }
    const length = kind === 'fragment' ? FRAGMENT_LENGTH : bytes.length >= at + 2 ? (view.getUint8(at + 1) + 1) * UNIT : 2;
    if (at + length > bytes.length) {
      if (partial) return { extensions, protocol, length: at, ...(fragment && { fragment }), cut: true };
      throw new WireError('truncated', where, `IPv6 ${kind} header truncated: needs ${length} bytes, only ${bytes.length - at} present`);
    }
    const extension = decodeExtension(kind, new DataView(bytes.buffer, bytes.byteOffset + at, length));
    if (extension.kind === 'fragment' && (extension.fragmentOffset !== 0 || extension.moreFragments)) {
      fragment = { at: where + 2, offset: extension.fragmentOffset, more: extension.moreFragments };
    }
    extensions.push(extension);
    protocol = view.getUint8(at);
    namedAt = where;
    at += length;
  }
  return { extensions, protocol, length: at, ...(fragment && { fragment }), cut: false };
}

function decodeExtension(kind: Ipv6ExtensionKind, view: DataView): Ipv6Extension {
  const body = (from: number): Uint8Array => new Uint8Array(view.buffer, view.byteOffset + from, view.byteLength - from).slice();
  switch (kind) {
    case 'fragment': {
      const offsetAndFlags = view.getUint16(2);
      return {
        kind,
        fragmentOffset: offsetAndFlags >> 3,
        moreFragments: (offsetAndFlags & 1) === 1,
        identification: view.getUint32(4),
        reserved: view.getUint8(1),
        res: (offsetAndFlags >> 1) & 0b11,
      };
    }
    case 'routing':
      return { kind, routingType: view.getUint8(2), segmentsLeft: view.getUint8(3), data: body(4) };
    case 'hop-by-hop':
    case 'destination-options':
      return { kind, options: body(2) };
  }
}
