/**
 * The pcap file format (the classic one, not pcapng), built as bytes only: writing the file belongs to
 * callers at the edge. Records hold raw IP packets of either family with nanosecond timestamps: under
 * LINKTYPE_RAW readers tell IPv4 from IPv6 by the version in each packet's first octet. Fields are
 * written little-endian; readers learn the byte order from the magic number.
 */

/** The magic number of a pcap file whose record timestamps are in nanoseconds. */
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const VERSION_MAJOR = 2;
const VERSION_MINOR = 4;
/** LINKTYPE_RAW: each record is an IPv4 or IPv6 packet with no link-layer header. */
const LINKTYPE_RAW = 101;
/** The largest packet either family sends without a jumbogram: a 40-byte IPv6 header and a 65535-byte payload. */
const LARGEST_PACKET = 40 + 0xffff;

const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
const NS_PER_SECOND = 1_000_000_000n;
const LITTLE_ENDIAN = true;

/**
 * The 24-byte header that starts a pcap file: magic, version 2.4, time zone and accuracy 0, `snaplen`,
 * link type. `snaplen` defaults to the largest IPv6 packet (larger than any IPv4 one), so no record is
 * ever cut.
 */
export function pcapFileHeader(snaplen = LARGEST_PACKET): Uint8Array {
  const bytes = new Uint8Array(FILE_HEADER_LENGTH);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, MAGIC_NANOSECONDS, LITTLE_ENDIAN);
  view.setUint16(4, VERSION_MAJOR, LITTLE_ENDIAN);
  view.setUint16(6, VERSION_MINOR, LITTLE_ENDIAN);
  view.setInt32(8, 0, LITTLE_ENDIAN); // thiszone: timestamps are UTC
  view.setUint32(12, 0, LITTLE_ENDIAN); // sigfigs: unused, always 0
  view.setUint32(16, snaplen, LITTLE_ENDIAN);
  view.setUint32(20, LINKTYPE_RAW, LITTLE_ENDIAN);
  return bytes;
}

/**
 * One record: a 16-byte header (seconds, nanoseconds, captured length, original length) then the
 * packet, whole. `timeNs` is nanoseconds since the Unix epoch; pcap stores the seconds in 32 unsigned
 * bits, so times before 1970 or after 2106 are refused.
 */
export function pcapRecord(timeNs: bigint, packet: Uint8Array): Uint8Array {
  const seconds = timeNs / NS_PER_SECOND;
  if (timeNs < 0n || seconds > 0xffffffffn) {
    throw new RangeError(`pcap time ${timeNs} ns since the epoch does not fit 32-bit unsigned seconds`);
  }
  const bytes = new Uint8Array(RECORD_HEADER_LENGTH + packet.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Number(seconds), LITTLE_ENDIAN);
  view.setUint32(4, Number(timeNs % NS_PER_SECOND), LITTLE_ENDIAN);
  view.setUint32(8, packet.length, LITTLE_ENDIAN);
  view.setUint32(12, packet.length, LITTLE_ENDIAN);
  bytes.set(packet, RECORD_HEADER_LENGTH);
  return bytes;
}
