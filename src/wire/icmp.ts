/**
 * What ICMP (RFC 792) and ICMPv6 (RFC 4443) messages share: the type, code and checksum octets, four
 * octets whose meaning the type decides, and for error messages the quoted start of the invoking packet.
 * icmpv4.ts and icmpv6.ts each describe their error kinds in a table that the code here reads.
 */
import { checkUnsigned } from './check-unsigned';
import { WireError } from './errors';
import { HeaderView } from './header-view';
import type { HeaderLayout } from './header-view';
import { IpProtocol } from './ip-protocol';
import { readIpv4Header } from './ipv4';
import { readQuotedIpv6 } from './ipv6';

/** What the quote of an error message shows of the packet that caused it. */
export interface InvokingPacket {
  version: 4 | 6;
  src: string;
  dst: string;
  /** The upper-layer protocol; for IPv6, the Next Header where the quote's walk of the chain ended. */
  protocol: number;
  /** TCP ports, when the quote reaches them. */
  srcPort?: number;
  dstPort?: number;
  /** The TCP sequence number, when the quote reaches it (RFC 792 quotes 64 bits of data: always). */
  seq?: number;
}

/** What every error message has besides its kind's own fields. */
export interface IcmpErrorFields {
  /** The start of the invoking packet, from its IP header on, as the message carries it. */
  quote: Uint8Array;
  /** Decode: the value on the wire. Encode: written as is when present (to send a bad one), else computed. */
  checksum?: number;
  /** Decode only: what `quote` shows of the invoking packet. */
  invoking?: InvokingPacket;
}

/** A message that is not an error this module interprets (an echo, neighbour discovery): kept as it is. */
export interface IcmpOther {
  kind: 'other';
  type: number;
  code: number;
  /** Everything after the checksum. */
  body: Uint8Array;
  checksum?: number;
}

/** Type, code, checksum, then four octets that each error type divides its own way. */
const ICMP_FIELDS = {
  type: { at: 0, width: 1 },
  code: { at: 1, width: 1 },
  checksum: { at: 2, width: 2 },
  word: { at: 4, width: 4 },
  high16: { at: 4, width: 2 },
  low16: { at: 6, width: 2 },
  high8: { at: 4, width: 1 },
  low24: { at: 4, width: 4, shift: 0, bits: 24 },
} as const;

type IcmpField = keyof typeof ICMP_FIELDS;
/** Where an error kind keeps its own values among the four octets after the checksum. */
export type RestField = Exclude<IcmpField, 'type' | 'code' | 'checksum'>;

export function icmpLayout(name: 'ICMP' | 'ICMPv6'): HeaderLayout<IcmpField> {
  return { name, size: 8, fields: ICMP_FIELDS };
}

/**
 * One error kind: its type, its code when the kind stands for one code only, and which of its
 * properties sit where in the four octets after the checksum. A property named `unused` is optional
 * (0 when absent); the others are required.
 */
export interface ErrorKindSpec {
  readonly type: number;
  readonly code?: number;
  readonly rest: Readonly<Record<string, RestField>>;
}

/** An error message as the table-driven code sees it: its kind, its code, and its kind's own values by name. */
type AnyError = IcmpErrorFields & { kind: string; code?: number };

/**
 * Encodes a message that is not an error this module interprets: type, code, checksum, body.
 * @param checksumOf computes the checksum over the message bytes with the checksum field zero.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function encodeIcmpOther(
  layout: HeaderLayout<IcmpField>,
  message: IcmpOther,
  checksumOf: (bytes: Uint8Array) => number,
  origin: number,
): Uint8Array {
  if (message.body.length < layout.size - 4) {
    throw new WireError('malformed', origin + 4, `${layout.name} message body of ${message.body.length} bytes is shorter than the ${layout.size - 4} every message has`);
  }
  const bytes = new Uint8Array(4 + message.body.length);
  const view = HeaderView.over(layout, bytes, origin);
  view.set('type', message.type);
  view.set('code', message.code);
  bytes.set(message.body, 4);
  return finish(view, bytes, message.checksum, checksumOf);
}

/**
 * Encodes an error message of the kind `kinds` describes, quoting `message.quote`.
 * @param checksumOf computes the checksum over the message bytes with the checksum field zero.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function encodeIcmpError(
  layout: HeaderLayout<IcmpField>,
  kinds: Readonly<Record<string, ErrorKindSpec>>,
  message: AnyError,
  checksumOf: (bytes: Uint8Array) => number,
  origin: number,
): Uint8Array {
  const spec = kinds[message.kind];
  if (spec === undefined) throw new WireError('malformed', origin, `${layout.name} message kind '${message.kind}' is unknown`);
  const code = spec.code ?? message.code ?? 0;
  if (spec.code === undefined && kindOf(kinds, spec.type, code) !== message.kind) {
    throw new WireError('malformed', origin + 1, `${layout.name} ${message.kind} code ${code} is '${kindOf(kinds, spec.type, code)}'`);
  }
  const bytes = new Uint8Array(layout.size + message.quote.length);
  const view = HeaderView.over(layout, bytes, origin);
  view.set('type', spec.type);
  view.set('code', code);
  for (const [property, field] of Object.entries(spec.rest)) {
    // The kinds' types say which properties each has; the table says where they go.
    const value = (message as unknown as Record<string, unknown>)[property] ?? (property === 'unused' ? 0 : undefined);
    const { at, width, bits } = layout.fields[field];
    if (typeof value !== 'number') {
      throw new WireError('malformed', origin + at, `${layout.name} ${message.kind} needs a numeric ${property}`);
    }
    // Checked here too, so that the error names the property rather than the octets it goes in.
    checkUnsigned(value, bits ?? width * 8, () => `${layout.name} ${message.kind} ${property}`, origin + at);
    view.set(field, value);
  }
  bytes.set(message.quote, layout.size);
  return finish(view, bytes, message.checksum, checksumOf);
}

function finish(view: HeaderView<IcmpField>, bytes: Uint8Array, checksum: number | undefined, checksumOf: (bytes: Uint8Array) => number): Uint8Array {
  // The checksum field is still zero here, as its computation requires (RFC 792, RFC 4443 §2.3).
  view.set('checksum', checksum ?? checksumOf(bytes));
  return bytes;
}

/** The error kind a type and code make, the kinds that stand for one code first; `undefined` for any other message. */
function kindOf(kinds: Readonly<Record<string, ErrorKindSpec>>, type: number, code: number): string | undefined {
  const matching = Object.entries(kinds).filter(([, spec]) => spec.type === type && (spec.code === undefined || spec.code === code));
  return (matching.find(([, spec]) => spec.code !== undefined) ?? matching[0])?.[0];
}

/**
 * Decodes a message of either family; the caller checks the checksum, since ICMPv6's needs the
 * pseudo-header. Error messages must quote at least an IP header of the family: a quote too short for
 * it throws a WireError at the quote.
 * @param origin where the message starts in the packet, for error offsets.
 */
export function decodeIcmp(
  layout: HeaderLayout<IcmpField>,
  kinds: Readonly<Record<string, ErrorKindSpec>>,
  version: 4 | 6,
  bytes: Uint8Array,
  origin: number,
): AnyError | IcmpOther {
  const view = HeaderView.over(layout, bytes, origin);
  const type = view.get('type');
  const code = view.get('code');
  const checksum = view.get('checksum');
  const kind = kindOf(kinds, type, code);
  const spec = kind === undefined ? undefined : kinds[kind];
  if (kind === undefined || spec === undefined) return { kind: 'other', type, code, body: bytes.slice(4), checksum };
  const quote = bytes.slice(layout.size);
  const rest = Object.fromEntries(Object.entries(spec.rest).map(([property, field]) => [property, view.get(field)]));
  return {
    kind,
    ...(spec.code === undefined && { code }),
    ...rest,
    quote,
    checksum,
    invoking: readInvoking(quote, version, origin + layout.size),
  };
}

/**
 * What a quote shows of its packet: the addresses and protocol from its IP header (which must be
 * there), and the TCP ports and sequence number when the quote reaches them. A fragment other than
 * the first carries no TCP header, so it shows none.
 */
function readInvoking(quote: Uint8Array, version: 4 | 6, origin: number): InvokingPacket {
  if (version === 4) {
    const { header } = readIpv4Header(quote, origin);
    const upperAt = header.fragmentOffset === 0 ? header.headerLength : undefined;
    return withTcpFields({ version, src: header.src, dst: header.dst, protocol: header.protocol }, quote, upperAt);
  }
  const { header, upperAt, fragment } = readQuotedIpv6(quote, origin);
  const firstFragment = fragment === undefined || fragment.offset === 0;
  return withTcpFields({ version, src: header.src, dst: header.dst, protocol: header.protocol }, quote, firstFragment ? upperAt : undefined);
}

function withTcpFields(invoking: InvokingPacket, quote: Uint8Array, upperAt: number | undefined): InvokingPacket {
  if (invoking.protocol !== IpProtocol.TCP || upperAt === undefined || quote.length < upperAt + 4) return invoking;
  const view = new DataView(quote.buffer, quote.byteOffset + upperAt, quote.length - upperAt);
  const ports = { srcPort: view.getUint16(0), dstPort: view.getUint16(2) };
  return view.byteLength >= 8 ? { ...invoking, ...ports, seq: view.getUint32(4) } : { ...invoking, ...ports };
}
