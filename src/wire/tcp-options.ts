import { checkUnsigned } from './check-unsigned';
import { WireError } from './errors';

/** Option kinds from the IANA "TCP Option Kind Numbers" registry that this module interprets. */
export const TcpOptionKind = {
  /** End of Option List, RFC 9293 §3.2 */
  EOL: 0,
  /** No-Operation, RFC 9293 §3.2 */
  NOP: 1,
  /** Maximum Segment Size, RFC 9293 §3.2 and §3.7.1 */
  MSS: 2,
  /** Window Scale, RFC 7323 §2.2 */
  WSCALE: 3,
  /** SACK-Permitted, RFC 2018 §2 */
  SACK_PERMITTED: 4,
  /** SACK, RFC 2018 §3 */
  SACK: 5,
  /** Timestamps, RFC 7323 §3.2 */
  TIMESTAMPS: 8,
} as const;

/** A SACK block: the received bytes from `left` up to, not including, `right` (RFC 2018 §3). */
export interface SackBlock {
  left: number;
  right: number;
}

export type TcpOption =
  | { kind: 'eol' }
  | { kind: 'nop' }
  | { kind: 'mss'; mss: number }
  /** The shift as on the wire. RFC 7323 §2.3 has a receiver use 14 for anything larger: connection state, not ours. */
  | { kind: 'wscale'; shift: number }
  | { kind: 'sack-permitted' }
  | { kind: 'sack'; blocks: SackBlock[] }
  | { kind: 'timestamps'; tsval: number; tsecr: number }
  /** A well-formed kind/length/data that is not interpreted, kept raw: receivers must ignore it (RFC 9293 MUST-6). */
  | { kind: 'unknown'; type: number; data: Uint8Array }
  /**
   * Bytes that do not make a valid option (RFC 9293 MUST-7). On decode: the rest of the option area from
   * where its framing breaks (a length of 0 or 1, a length past the header, no room for the length, junk
   * after EOL), or just the one option when its length frames it but does not fit its kind (an MSS option
   * of length 6), in which case decoding goes on after it. On encode: written verbatim, so that cases can
   * send illegal options.
   */
  | { kind: 'malformed'; bytes: Uint8Array; reason: string };

/** The option area may hold at most 40 bytes: the data offset counts at most 15 words (RFC 9293 §3.1). */
export const MAX_OPTIONS_LENGTH = 40;

/** Length of an option of each fixed-size kind, counting its kind and length bytes. */
const FIXED_LENGTH = { mss: 4, wscale: 3, 'sack-permitted': 2, timestamps: 10 } as const;

/** A SACK option is 2 bytes plus 8 per block (RFC 2018 §3). */
const SACK_BLOCK_LENGTH = 8;

/**
 * Encodes options in the order given and pads the area to a 4-byte boundary with zeros. The zeros are
 * End of Option List bytes, which RFC 9293 MUST-69 requires after an EOL anyway.
 * @param origin where the option area starts in the packet, for error offsets.
 */
export function encodeTcpOptions(options: readonly TcpOption[], origin: number): Uint8Array {
  const bytes: number[] = [];
  for (const option of options) bytes.push(...encodeOption(option, origin + bytes.length));
  if (bytes.length > MAX_OPTIONS_LENGTH) {
    throw new WireError(
      'malformed',
      origin,
      `TCP options take ${bytes.length} bytes, at most ${MAX_OPTIONS_LENGTH} fit in the header (RFC 9293 §3.1)`,
    );
  }
  const area = new Uint8Array(roundUpToWord(bytes.length));
  area.set(bytes);
  return area;
}

function encodeOption(option: TcpOption, offset: number): number[] {
  const uint = (value: number, bytes: 1 | 2 | 4, what: string): number[] => {
    checkUnsigned(value, bytes * 8, () => `TCP option ${option.kind} ${what}`, offset);
    return Array.from({ length: bytes }, (_, i) => Math.floor(value / 256 ** (bytes - 1 - i)) % 256);
  };
  switch (option.kind) {
    case 'eol':
      return [TcpOptionKind.EOL];
    case 'nop':
      return [TcpOptionKind.NOP];
    case 'mss':
      return [TcpOptionKind.MSS, FIXED_LENGTH.mss, ...uint(option.mss, 2, 'mss')];
    case 'wscale':
      return [TcpOptionKind.WSCALE, FIXED_LENGTH.wscale, ...uint(option.shift, 1, 'shift')];
    case 'sack-permitted':
      return [TcpOptionKind.SACK_PERMITTED, FIXED_LENGTH['sack-permitted']];
    case 'sack':
      return [
        TcpOptionKind.SACK,
        ...uint(2 + SACK_BLOCK_LENGTH * option.blocks.length, 1, 'length'),
        ...option.blocks.flatMap(({ left, right }) => [...uint(left, 4, 'left edge'), ...uint(right, 4, 'right edge')]),
      ];
    case 'timestamps':
      return [
        TcpOptionKind.TIMESTAMPS,
        FIXED_LENGTH.timestamps,
        ...uint(option.tsval, 4, 'tsval'),
        ...uint(option.tsecr, 4, 'tsecr'),
      ];
    case 'unknown':
      // Kinds 0 and 1 have no length byte (RFC 9293 MUST-68), so they cannot carry data: an illegal
      // option like that is written with `malformed`.
      if (option.type === TcpOptionKind.EOL || option.type === TcpOptionKind.NOP) {
        throw new WireError(
          'malformed',
          offset,
          `TCP option kind ${option.type} has no length field and cannot be 'unknown'`,
        );
      }
      return [...uint(option.type, 1, 'type'), ...uint(2 + option.data.length, 1, 'length'), ...option.data];
    case 'malformed':
      return [...option.bytes];
  }
}

/** The options of a segment that carries none: one list all such segments share (a capture holds millions). */
export const NO_TCP_OPTIONS: readonly TcpOption[] = Object.freeze([]);

/**
 * Decodes an option area. Never throws, so that a segment with bad options can still be reported and
 * answered (RFC 9293 MUST-7): where the kind/length framing breaks, the rest of the area becomes one
 * `malformed` entry and decoding stops; an option whose length frames it but does not fit its kind (an
 * MSS option of length 6) becomes a `malformed` entry of its own and decoding goes on after it.
 * Options are read at any byte position, aligned or not (RFC 9293 MUST-64).
 * @param origin where the area starts in the packet, for the offsets in `malformed` reasons.
 */
export function decodeTcpOptions(area: Uint8Array, origin: number): readonly TcpOption[] {
  if (area.length === 0) return NO_TCP_OPTIONS;
  const view = new DataView(area.buffer, area.byteOffset, area.byteLength);
  const options: TcpOption[] = [];
  let at = 0;
  const rest = (reason: string): TcpOption => ({ kind: 'malformed', bytes: area.slice(at), reason });
  while (at < area.length) {
    const kind = view.getUint8(at);
    const where = `at byte ${origin + at}`;
    if (kind === TcpOptionKind.EOL) {
      if (area.subarray(at + 1).some((byte) => byte !== 0)) {
        options.push({ kind: 'eol' });
        at += 1;
        options.push(rest(`non-zero bytes after End of Option List ${where}, RFC 9293 MUST-69 requires zeros`));
      } else if (!isPadding(at, area.length)) {
        options.push({ kind: 'eol' });
      }
      return options;
    }
    if (kind === TcpOptionKind.NOP) {
      options.push({ kind: 'nop' });
      at += 1;
      continue;
    }
    // Every other kind has a length byte, which counts the kind and length bytes too (RFC 9293 §3.1,
    // MUST-68).
    if (at + 1 === area.length) {
      options.push(rest(`option kind ${kind} ${where} has no room for its length byte`));
      return options;
    }
    const length = view.getUint8(at + 1);
    if (length < 2) {
      options.push(rest(`option kind ${kind} ${where} has illegal length ${length}, the least is 2`));
      return options;
    }
    if (at + length > area.length) {
      const left = area.length - at;
      options.push(rest(`option kind ${kind} ${where} has length ${length}, only ${left} bytes left in the header`));
      return options;
    }
    options.push(interpretOption(kind, area.slice(at, at + length), where));
    at += length;
  }
  return options;
}

/**
 * Whether an EOL at `at`, followed only by zeros to the end of an area of `areaLength` bytes, is exactly
 * the padding `encodeTcpOptions` writes after options ending at `at`. Such an EOL is left out of the
 * decoded list, so that decode(encode(options)) gives the options back; an EOL followed by a whole zero
 * word or more is kept, since leaving it out would shrink the header when encoded again.
 */
function isPadding(at: number, areaLength: number): boolean {
  return at % 4 !== 0 && roundUpToWord(at) === areaLength;
}

/** Interprets one option whose kind/length framing is sound; `option` holds its kind and length bytes too. */
function interpretOption(kind: number, option: Uint8Array, where: string): TcpOption {
  const data = new DataView(option.buffer, option.byteOffset + 2, option.length - 2);
  const wrongLength = (name: string, expected: number | string): TcpOption => ({
    kind: 'malformed',
    bytes: option,
    reason: `${name} option ${where} has length ${option.length}, expected ${expected}`,
  });
  switch (kind) {
    case TcpOptionKind.MSS:
      return option.length === FIXED_LENGTH.mss
        ? { kind: 'mss', mss: data.getUint16(0) }
        : wrongLength('MSS', FIXED_LENGTH.mss);
    case TcpOptionKind.WSCALE:
      return option.length === FIXED_LENGTH.wscale
        ? { kind: 'wscale', shift: data.getUint8(0) }
        : wrongLength('window scale', FIXED_LENGTH.wscale);
    case TcpOptionKind.SACK_PERMITTED:
      return option.length === FIXED_LENGTH['sack-permitted']
        ? { kind: 'sack-permitted' }
        : wrongLength('SACK-permitted', FIXED_LENGTH['sack-permitted']);
    case TcpOptionKind.SACK:
      return data.byteLength % SACK_BLOCK_LENGTH === 0
        ? { kind: 'sack', blocks: readSackBlocks(data) }
        : wrongLength('SACK', '2 + 8 per block');
    case TcpOptionKind.TIMESTAMPS:
      return option.length === FIXED_LENGTH.timestamps
        ? { kind: 'timestamps', tsval: data.getUint32(0), tsecr: data.getUint32(4) }
        : wrongLength('timestamps', FIXED_LENGTH.timestamps);
    default:
      return { kind: 'unknown', type: kind, data: option.slice(2) };
  }
}

function readSackBlocks(data: DataView): SackBlock[] {
  return Array.from({ length: data.byteLength / SACK_BLOCK_LENGTH }, (_, i) => ({
    left: data.getUint32(i * SACK_BLOCK_LENGTH),
    right: data.getUint32(i * SACK_BLOCK_LENGTH + 4),
  }));
}

function roundUpToWord(length: number): number {
  return Math.ceil(length / 4) * 4;
}
