/**
 * Reading a capture: pcap (either byte order, micro- or nanosecond timestamps) and pcapng (any number
 * of sections and interfaces, Enhanced, Simple and obsolete Packet Blocks, `if_tsresol` and
 * `if_tsoffset`). Pure: the caller reads the file and hands over its bytes. Each record comes with its
 * number and byte offset in the file, its time, and its IP packet once the link layer is peeled off
 * (link-layer.ts). A file that is cut short or corrupt yields every record before the damage, then
 * `problem` says where (the byte offset) and what is wrong: nothing already read is lost.
 */
import { unwrapFrame, READABLE_LINK_TYPES } from './link-layer';

export interface CaptureRecord {
  /** The record's number in the file, from 1, as Wireshark numbers frames. */
  readonly number: number;
  /** Where the record starts in the file (its header, or its pcapng block). */
  readonly offset: number;
  /** The time, split so that no precision is lost: whole seconds since the epoch and nanoseconds. */
  readonly seconds: number;
  readonly nanoseconds: number;
  /** The IP packet the record holds; absent when it holds none (`skipped` says why). */
  readonly packet?: Uint8Array;
  readonly skipped?: string;
}

/** Where a capture stops being readable, and why. */
export interface CaptureProblem {
  readonly offset: number;
  readonly message: string;
}

export type CaptureFormat = 'pcap' | 'pcapng';

const PCAP_MICROSECONDS = 0xa1b2c3d4;
const PCAP_NANOSECONDS = 0xa1b23c4d;
const PCAPNG_SECTION_HEADER = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
/** A record longer than this is taken as corruption, not a packet (Wireshark's own bound is 256 KiB). */
const LARGEST_RECORD = 256 * 1024;

const BLOCK_INTERFACE = 1;
const BLOCK_PACKET_OBSOLETE = 2;
const BLOCK_SIMPLE_PACKET = 3;
const BLOCK_ENHANCED_PACKET = 6;
const OPTION_END = 0;
const OPTION_TSRESOL = 9;
const OPTION_TSOFFSET = 14;

interface Interface {
  readonly linkType: number;
  /** Timestamp units per second. */
  readonly unitsPerSecond: number;
  /** Seconds added to every timestamp (`if_tsoffset`). */
  readonly offsetSeconds: number;
}

/** The format a capture's first four octets announce, if any. */
export function captureFormat(bytes: Uint8Array): CaptureFormat | undefined {
  if (bytes.length < 4) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  const little = view.getUint32(0, true);
  const big = view.getUint32(0, false);
  if ([PCAP_MICROSECONDS, PCAP_NANOSECONDS].includes(little) || [PCAP_MICROSECONDS, PCAP_NANOSECONDS].includes(big)) return 'pcap';
  if (little === PCAPNG_SECTION_HEADER) return 'pcapng';
  return undefined;
}

/**
 * Reads the records of a capture one at a time (`next()`), so that a capture of millions of packets is
 * never held as a list. Once `next()` returns undefined, `problem` says why reading stopped early, if it did.
 */
export class CaptureReader {
  readonly format: CaptureFormat | undefined;
  problem: CaptureProblem | undefined;
  private readonly view: DataView;
  private at = 0;
  private number = 0;
  private little = true;
  // pcap
  private linkType = 0;
  private unitsPerSecond = 1e6;
  // pcapng
  private interfaces: Interface[] = [];
  /** The time of the last timed record: a Simple Packet Block has none of its own. */
  private lastSeconds = 0;
  private lastNanoseconds = 0;

  private readonly bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    // A plain view of the bytes, even of a Buffer (readFileSync's): a Buffer's subarray builds a Buffer in
    // JavaScript, twice per packet read (the packet, its payload), where a Uint8Array's is native.
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.format = captureFormat(bytes);
    if (this.format === undefined) {
      this.fail(0, bytes.length < 4 ? `${bytes.length} bytes: too short to be a capture` : 'not a pcap or pcapng file: its first four bytes are no magic number of either');
    } else if (this.format === 'pcap') {
      this.pcapHeader();
    }
  }

  /** The next record, or undefined at the end of the file or where it stops being readable. */
  next(): CaptureRecord | undefined {
    if (this.problem !== undefined || this.at >= this.bytes.length) return undefined;
    return this.format === 'pcap' ? this.pcapRecord() : this.pcapngRecord();
  }

  private fail(offset: number, message: string): undefined {
    this.problem = { offset, message };
    return undefined;
  }

  private u16(at: number): number {
    return this.view.getUint16(at, this.little);
  }

  private u32(at: number): number {
    return this.view.getUint32(at, this.little);
  }

  private pcapHeader(): void {
    if (this.bytes.length < 24) {
      this.fail(0, `the pcap file header needs 24 bytes; the file has ${this.bytes.length}`);
      return;
    }
    this.little = [PCAP_MICROSECONDS, PCAP_NANOSECONDS].includes(this.view.getUint32(0, true));
    this.unitsPerSecond = this.u32(0) === PCAP_NANOSECONDS ? 1e9 : 1e6;
    // The upper bits of the link type field carry FCS information (pcap-savefile); the type is the low 16.
    this.linkType = this.u32(20) & 0xffff;
    this.at = 24;
  }

  private pcapRecord(): CaptureRecord | undefined {
    const offset = this.at;
    if (this.bytes.length - offset < 16) return this.fail(offset, `the file ends inside record ${this.number + 1}'s 16-byte header (${this.bytes.length - offset} bytes left)`);
    const captured = this.u32(offset + 8);
    if (captured > LARGEST_RECORD) return this.fail(offset, `record ${this.number + 1} claims ${captured} captured bytes, more than any packet: the file is corrupt here`);
    if (this.bytes.length - offset - 16 < captured) {
      return this.fail(offset, `the file ends inside record ${this.number + 1}: it claims ${captured} bytes, ${this.bytes.length - offset - 16} are left`);
    }
    const fraction = this.u32(offset + 4);
    if (fraction >= this.unitsPerSecond) return this.fail(offset + 4, `record ${this.number + 1}'s sub-second time ${fraction} is not below ${this.unitsPerSecond}: the file is corrupt here`);
    this.at = offset + 16 + captured;
    const frame = this.bytes.subarray(offset + 16, this.at);
    return this.record(offset, this.u32(offset), fraction * (1e9 / this.unitsPerSecond), this.linkType, frame);
  }

  private record(offset: number, seconds: number, nanoseconds: number, linkType: number, frame: Uint8Array): CaptureRecord {
    const number = ++this.number;
    const unwrapped = unwrapFrame(linkType, frame);
    if (unwrapped === undefined) return { number, offset, seconds, nanoseconds, skipped: `link type ${linkType}, which this reader does not read (it reads ${READABLE_LINK_TYPES})` };
    return { number, offset, seconds, nanoseconds, ...unwrapped };
  }

  /** Block after block until one holds a packet. */
  private pcapngRecord(): CaptureRecord | undefined {
    for (;;) {
      const offset = this.at;
      if (offset >= this.bytes.length) return undefined;
      if (this.bytes.length - offset < 12) return this.fail(offset, `the file ends inside a pcapng block header (${this.bytes.length - offset} bytes left)`);
      const type = this.view.getUint32(offset, this.little);
      if (type === PCAPNG_SECTION_HEADER) {
        const problem = this.sectionHeader(offset);
        if (problem !== undefined) return this.fail(offset, problem);
      }
      const length = this.u32(offset + 4);
      if (length < 12 || length % 4 !== 0) return this.fail(offset + 4, `a pcapng block of type ${type} claims a length of ${length}, not a multiple of 4 of at least 12: the file is corrupt here`);
      if (length > this.bytes.length - offset) return this.fail(offset, `the file ends inside a pcapng block of type ${type}: it claims ${length} bytes, ${this.bytes.length - offset} are left`);
      if (this.u32(offset + length - 4) !== length) return this.fail(offset + length - 4, `a pcapng block of type ${type} does not end with its length (${length}): the file is corrupt here`);
      this.at = offset + length;
      const body = offset + 8;
      const bodyLength = length - 12;
      if (type === BLOCK_INTERFACE) {
        const problem = this.interfaceBlock(body, bodyLength);
        if (problem !== undefined) return this.fail(offset, problem);
        continue;
      }
      if (type === BLOCK_ENHANCED_PACKET || type === BLOCK_PACKET_OBSOLETE || type === BLOCK_SIMPLE_PACKET) {
        const packet = this.packetBlock(type, offset, body, bodyLength);
        if (typeof packet === 'string') return this.fail(offset, packet);
        return packet;
      }
      // Name resolution, statistics, custom blocks and the like say nothing about the packets' bytes.
    }
  }

  private sectionHeader(offset: number): string | undefined {
    if (this.bytes.length - offset < 28) return 'the file ends inside a pcapng section header block';
    const magic = this.view.getUint32(offset + 8, true);
    if (magic === PCAPNG_BYTE_ORDER) this.little = true;
    else if (this.view.getUint32(offset + 8, false) === PCAPNG_BYTE_ORDER) this.little = false;
    else return `a pcapng section header without the byte-order magic 0x1a2b3c4d (found 0x${magic.toString(16)})`;
    // A new section numbers its interfaces afresh.
    this.interfaces = [];
    return undefined;
  }

  private interfaceBlock(body: number, bodyLength: number): string | undefined {
    if (bodyLength < 8) return 'a pcapng interface description block shorter than its 8 fixed bytes';
    let unitsPerSecond = 1e6;
    let offsetSeconds = 0;
    for (let at = body + 8; at + 4 <= body + bodyLength;) {
      const code = this.u16(at);
      const length = this.u16(at + 2);
      if (code === OPTION_END) break;
      if (at + 4 + length > body + bodyLength) return `an interface option (code ${code}) runs past its block`;
      if (code === OPTION_TSRESOL && length >= 1) {
        const resolution = this.bytes[at + 4]!;
        // The high bit says a power of two; else a power of ten.
        unitsPerSecond = resolution & 0x80 ? 2 ** (resolution & 0x7f) : 10 ** resolution;
      }
      if (code === OPTION_TSOFFSET && length >= 8) offsetSeconds = Number(this.view.getBigInt64(at + 4, this.little));
      at += 4 + Math.ceil(length / 4) * 4;
    }
    this.interfaces.push({ linkType: this.u16(body), unitsPerSecond, offsetSeconds });
    return undefined;
  }

  private packetBlock(type: number, offset: number, body: number, bodyLength: number): CaptureRecord | string {
    // A Simple Packet Block has no interface number (the first interface) and no time (the previous record's).
    const simple = type === BLOCK_SIMPLE_PACKET;
    const fixed = simple ? 4 : 20;
    if (bodyLength < fixed) return `a pcapng packet block shorter than its ${fixed} fixed bytes`;
    const interfaceId = simple ? 0 : type === BLOCK_PACKET_OBSOLETE ? this.u16(body) : this.u32(body);
    const iface = this.interfaces[interfaceId];
    if (iface === undefined) return `a packet block names interface ${interfaceId}, which no interface description block before it declares`;
    const captured = simple ? Math.min(this.u32(body), bodyLength - 4) : this.u32(body + 12);
    if (captured > bodyLength - fixed) return `a packet block claims ${captured} captured bytes, more than its block holds (${bodyLength - fixed})`;
    const frame = this.bytes.subarray(body + fixed, body + fixed + captured);
    if (simple) return this.record(offset, this.lastSeconds, this.lastNanoseconds, iface.linkType, frame);
    const { seconds, nanoseconds } = splitTime(this.u32(body + 4), this.u32(body + 8), iface.unitsPerSecond);
    this.lastSeconds = seconds + iface.offsetSeconds;
    this.lastNanoseconds = nanoseconds;
    return this.record(offset, this.lastSeconds, nanoseconds, iface.linkType, frame);
  }
}

/** A 64-bit count of `unitsPerSecond` units (high and low halves) as whole seconds and nanoseconds. */
function splitTime(high: number, low: number, unitsPerSecond: number): { seconds: number; nanoseconds: number } {
  const units = high * 2 ** 32 + low;
  if (units <= Number.MAX_SAFE_INTEGER) {
    const seconds = Math.floor(units / unitsPerSecond);
    return { seconds, nanoseconds: Math.round(((units - seconds * unitsPerSecond) * 1e9) / unitsPerSecond) };
  }
  // Past 2^53 (nanoseconds since 1970 are): exactly, in bigints.
  const exact = (BigInt(high) << 32n) | BigInt(low);
  const per = BigInt(unitsPerSecond);
  return { seconds: Number(exact / per), nanoseconds: Number(((exact % per) * 1_000_000_000n) / per) };
}
