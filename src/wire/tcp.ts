import { tcpChecksum } from './checksum';
import type { PseudoHeaderAddresses } from './checksum';
import { WireError } from './errors';
import { HeaderView } from './header-view';
import { decodeTcpOptions, encodeTcpOptions, NO_TCP_OPTIONS } from './tcp-options';
import type { TcpOption } from './tcp-options';

export type { TcpOption } from './tcp-options';

/** A TCP segment as values (RFC 9293 §3.1); `encodeTcpSegment` and `decodeTcpSegment` give its bytes. */
export interface TcpSegment {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** `TcpFlag` bits */
  flags: number;
  /** The raw 16-bit field, unsigned (RFC 9293 MUST-1) and not scaled: scaling is connection state. */
  window: number;
  urgentPointer: number;
  /** In wire order. Decoding leaves out the EOL and zeros that merely pad the area to a word. */
  options: readonly TcpOption[];
  payload: Uint8Array;
  /** Decode: the value on the wire. Encode: written as is when present (to send a bad checksum), else computed. */
  checksum?: number;
  /**
   * The header length in 32-bit words. Decode: as on the wire. Encode: when absent, the least that holds
   * the options; when present, at least that many words, the extra ones zeros. That reproduces captured
   * headers whose EOL is followed by whole words of zeros, and lets a case send such a header.
   */
  dataOffset?: number;
  /** The 4 reserved bits (RFC 9293 §3.1, Rsrvd). Decode: as on the wire. Encode: written, 0 when absent. */
  reserved?: number;
}

/** The fixed part of the TCP header (RFC 9293 §3.1, Figure 1). */
export const TCP_HEADER_LAYOUT = {
  name: 'TCP',
  size: 20,
  fields: {
    srcPort: { at: 0, width: 2 },
    dstPort: { at: 2, width: 2 },
    seq: { at: 4, width: 4 },
    ack: { at: 8, width: 4 },
    dataOffset: { at: 12, width: 1, shift: 4, bits: 4 },
    reserved: { at: 12, width: 1, shift: 0, bits: 4 },
    flags: { at: 13, width: 1 },
    window: { at: 14, width: 2 },
    checksum: { at: 16, width: 2 },
    urgentPointer: { at: 18, width: 2 },
  },
} as const;
/** The fields, read straight by the decoder (HeaderView.read). */
const TCP_FIELDS = TCP_HEADER_LAYOUT.fields;

/** The data offset counts 32-bit words. */
const WORD = 4;

/** The pseudo-header holds the segment's length in 16 bits (RFC 9293 §3.1). */
const MAX_SEGMENT_LENGTH = 0xffff;

/**
 * Encodes a segment: header, options padded to a word, payload.
 * @param origin where the segment starts in the packet, for error offsets.
 */
export function encodeTcpSegment(segment: TcpSegment, addresses: PseudoHeaderAddresses, origin = 0): Uint8Array {
  const options = encodeTcpOptions(segment.options, origin + TCP_HEADER_LAYOUT.size);
  const headerLength = encodedHeaderLength(segment, options.length, origin);
  const length = headerLength + segment.payload.length;
  if (length > MAX_SEGMENT_LENGTH) {
    throw new WireError(
      'malformed',
      origin,
      `TCP segment of ${length} bytes is longer than the ${MAX_SEGMENT_LENGTH} ` +
        "that the pseudo-header's TCP Length can say",
    );
  }
  const bytes = new Uint8Array(length);
  const header = HeaderView.over(TCP_HEADER_LAYOUT, bytes, origin);
  header.set('srcPort', segment.srcPort);
  header.set('dstPort', segment.dstPort);
  header.set('seq', segment.seq);
  header.set('ack', segment.ack);
  header.set('dataOffset', headerLength / WORD);
  header.set('reserved', segment.reserved ?? 0);
  header.set('flags', segment.flags);
  header.set('window', segment.window);
  header.set('urgentPointer', segment.urgentPointer);
  bytes.set(options, TCP_HEADER_LAYOUT.size);
  bytes.set(segment.payload, headerLength);
  // The checksum field is still zero here, as its computation requires (RFC 9293 §3.1, Checksum).
  header.set('checksum', segment.checksum ?? tcpChecksum(addresses, bytes));
  return bytes;
}

/** The header length `encodeTcpSegment` writes: see `TcpSegment.dataOffset`. */
function encodedHeaderLength(segment: TcpSegment, optionsLength: number, origin: number): number {
  const needed = TCP_HEADER_LAYOUT.size + optionsLength;
  if (segment.dataOffset === undefined) return needed;
  if (segment.dataOffset * WORD < needed) {
    throw new WireError(
      'malformed',
      origin + TCP_HEADER_LAYOUT.fields.dataOffset.at,
      `TCP data offset ${segment.dataOffset} words is too small for a header of ${needed} bytes`,
    );
  }
  return segment.dataOffset * WORD;
}

/**
 * Decodes a segment: every byte up to the end of `bytes` is header or payload, so pass exactly the
 * segment (the IP length fields, not the buffer, say where it ends). The checksum is not checked
 * here, since that needs the pseudo-header: `decodePacket` does it.
 * @param origin where the segment starts in the packet, for error offsets.
 */
export function decodeTcpSegment(bytes: Uint8Array, origin = 0): TcpSegment {
  const header = HeaderView.over(TCP_HEADER_LAYOUT, bytes, origin);
  const dataOffset = header.read(TCP_FIELDS.dataOffset);
  const headerLength = dataOffset * WORD;
  if (headerLength < TCP_HEADER_LAYOUT.size) {
    throw new WireError(
      'malformed',
      origin + TCP_HEADER_LAYOUT.fields.dataOffset.at,
      `TCP data offset ${dataOffset} says the header is ${headerLength} bytes, ` +
        `less than the ${TCP_HEADER_LAYOUT.size}-byte minimum`,
    );
  }
  if (headerLength > bytes.length) {
    throw new WireError(
      'truncated',
      origin,
      `TCP header truncated: data offset says ${headerLength} bytes, only ${bytes.length} present`,
    );
  }
  return {
    srcPort: header.read(TCP_FIELDS.srcPort),
    dstPort: header.read(TCP_FIELDS.dstPort),
    seq: header.read(TCP_FIELDS.seq),
    ack: header.read(TCP_FIELDS.ack),
    flags: header.read(TCP_FIELDS.flags),
    window: header.read(TCP_FIELDS.window),
    urgentPointer: header.read(TCP_FIELDS.urgentPointer),
    options: headerLength === TCP_HEADER_LAYOUT.size ? NO_TCP_OPTIONS : decodeTcpOptions(bytes.subarray(TCP_HEADER_LAYOUT.size, headerLength), origin + TCP_HEADER_LAYOUT.size),
    // A view, not a copy: a decoded segment is read, never written, like the packet it was read from
    // (which a trace keeps as it came), and a capture's millions of payloads would each be copied.
    payload: bytes.subarray(headerLength),
    checksum: header.read(TCP_FIELDS.checksum),
    dataOffset,
    reserved: header.read(TCP_FIELDS.reserved),
  };
}
