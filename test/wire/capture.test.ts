/**
 * Reading captures: pcap in both byte orders and both resolutions, pcapng with several sections and
 * interfaces, each link type check reads, and damage reported at its byte offset with every record
 * before it kept. Files written by Wireshark's editcap (a real tool, not this reader's twin) are read too.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureReader, LinkType, TcpFlag, encodePacket, pcapFileHeader, pcapRecord, type CaptureRecord } from '../../src/wire';
import { basePacket } from './samples';

const packet = (seq: number): Uint8Array => {
  const base = basePacket();
  return encodePacket({ ip: base.ip, tcp: { ...base.tcp, flags: TcpFlag.ACK, seq } });
};

function all(bytes: Uint8Array): { records: CaptureRecord[]; reader: CaptureReader } {
  const reader = new CaptureReader(bytes);
  const records: CaptureRecord[] = [];
  for (let r = reader.next(); r; r = reader.next()) records.push(r);
  return { records, reader };
}

/** A pcap of `frames` under `linkType`, little- or big-endian, micro- or nanosecond stamps. */
function pcap(frames: Uint8Array[], { linkType = LinkType.RAW as number, big = false, nano = false } = {}): Uint8Array {
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, nano ? 0xa1b23c4d : 0xa1b2c3d4, !big);
  header.setUint16(4, 2, !big);
  header.setUint16(6, 4, !big);
  header.setUint32(16, 65535, !big);
  header.setUint32(20, linkType, !big);
  const records = frames.map((frame, i) => {
    const view = new DataView(new ArrayBuffer(16));
    view.setUint32(0, 1_700_000_000 + i, !big);
    view.setUint32(4, nano ? 123_456_789 : 123_456, !big);
    view.setUint32(8, frame.length, !big);
    view.setUint32(12, frame.length, !big);
    return Buffer.concat([new Uint8Array(view.buffer), frame]);
  });
  return Buffer.concat([new Uint8Array(header.buffer), ...records]);
}

/** A pcapng block: type, length, body padded to 4, length again. */
function block(type: number, body: Uint8Array): Uint8Array {
  const padded = Buffer.concat([body, Buffer.alloc((4 - (body.length % 4)) % 4)]);
  const out = Buffer.alloc(12 + padded.length);
  out.writeUInt32LE(type, 0);
  out.writeUInt32LE(out.length, 4);
  padded.copy(out, 8);
  out.writeUInt32LE(out.length, out.length - 4);
  return out;
}

const section = (): Uint8Array => {
  const body = Buffer.alloc(16);
  body.writeUInt32LE(0x1a2b3c4d, 0);
  body.writeUInt16LE(1, 4);
  body.writeBigInt64LE(-1n, 8);
  return block(0x0a0d0d0a, body);
};

const iface = (linkType: number, tsresol?: number): Uint8Array => {
  const options = tsresol === undefined ? Buffer.alloc(0) : Buffer.from([9, 0, 1, 0, tsresol, 0, 0, 0, 0, 0, 0, 0]);
  const body = Buffer.alloc(8);
  body.writeUInt16LE(linkType, 0);
  body.writeUInt32LE(65535, 4);
  return block(1, Buffer.concat([body, options]));
};

const enhanced = (interfaceId: number, units: bigint, frame: Uint8Array): Uint8Array => {
  const body = Buffer.alloc(20);
  body.writeUInt32LE(interfaceId, 0);
  body.writeUInt32LE(Number(units >> 32n), 4);
  body.writeUInt32LE(Number(units & 0xffffffffn), 8);
  body.writeUInt32LE(frame.length, 12);
  body.writeUInt32LE(frame.length, 16);
  return block(6, Buffer.concat([body, frame]));
};

const ethernet = (ip: Uint8Array, vlan = false): Uint8Array =>
  Buffer.concat([Buffer.alloc(12, 0xab), ...(vlan ? [Buffer.from([0x81, 0x00, 0x00, 0x05])] : []), Buffer.from([0x08, 0x00]), ip]);
const sll = (ip: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([0, 0, 0, 1, 0, 6]), Buffer.alloc(8, 0xcd), Buffer.from([0x08, 0x00]), ip]);
const sll2 = (ip: Uint8Array): Uint8Array => Buffer.concat([Buffer.from([0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6]), Buffer.alloc(8, 0xcd), ip]);

describe('pcap', () => {
  it.each([
    ['little-endian, microseconds', { big: false, nano: false }, 123_456_000],
    ['big-endian, microseconds', { big: true, nano: false }, 123_456_000],
    ['little-endian, nanoseconds', { big: false, nano: true }, 123_456_789],
    ['big-endian, nanoseconds', { big: true, nano: true }, 123_456_789],
  ])('reads %s', (_, options, nanoseconds) => {
    const { records, reader } = all(pcap([packet(1), packet(2)], options));
    expect(reader.format).toBe('pcap');
    expect(reader.problem).toBeUndefined();
    expect(records.map((r) => [r.number, r.seconds, r.nanoseconds])).toEqual([[1, 1_700_000_000, nanoseconds], [2, 1_700_000_001, nanoseconds]]);
    expect(Buffer.from(records[1]!.packet!)).toEqual(Buffer.from(packet(2)));
  });

  it.each([
    ['Ethernet', LinkType.ETHERNET, ethernet(packet(7))],
    ['Ethernet with a VLAN tag', LinkType.ETHERNET, ethernet(packet(7), true)],
    ['Linux cooked (SLL)', LinkType.LINUX_SLL, sll(packet(7))],
    ['Linux cooked (SLL2)', LinkType.LINUX_SLL2, sll2(packet(7))],
    ['BSD loopback', LinkType.NULL, Buffer.concat([Buffer.from([2, 0, 0, 0]), packet(7)])],
  ])('peels %s off to the IP packet', (_, linkType, frame) => {
    const { records } = all(pcap([frame], { linkType }));
    expect(Buffer.from(records[0]!.packet!)).toEqual(Buffer.from(packet(7)));
  });

  it('passes over what is not IP, and link types it does not read, saying why', () => {
    const arp = Buffer.concat([Buffer.alloc(12), Buffer.from([0x08, 0x06]), Buffer.alloc(28)]);
    expect(all(pcap([arp], { linkType: LinkType.ETHERNET })).records[0]!.skipped).toBe('ethertype 0x0806, not IP');
    expect(all(pcap([packet(1)], { linkType: 105 })).records[0]!.skipped).toMatch(/^link type 105, which this reader does not read/);
  });

  it('keeps every record before a cut, and says at which byte the file ends', () => {
    const whole = pcap([packet(1), packet(2), packet(3)]);
    const second = 24 + 16 + packet(1).length;
    const cut = whole.subarray(0, whole.length - 5);
    const { records, reader } = all(cut);
    expect(records.map((r) => r.number)).toEqual([1, 2]);
    expect(reader.problem?.offset).toBe(second + 16 + packet(2).length);
    expect(reader.problem?.message).toMatch(/ends inside record 3: it claims \d+ bytes, \d+ are left/);
  });

  it('calls a record length no packet has corruption, at its offset', () => {
    const bytes = Buffer.from(pcap([packet(1), packet(2)]));
    const second = 24 + 16 + packet(1).length;
    bytes.writeUInt32LE(0x7fffffff, second + 8);
    const { records, reader } = all(bytes);
    expect(records).toHaveLength(1);
    expect(reader.problem).toEqual({ offset: second, message: expect.stringMatching(/record 2 claims 2147483647 captured bytes, more than any packet: the file is corrupt here/) });
  });

  it('refuses what is no capture at all', () => {
    expect(new CaptureReader(Buffer.from('hello world, no pcap')).problem).toEqual({ offset: 0, message: expect.stringMatching(/not a pcap or pcapng file/) });
  });
});

describe('pcapng', () => {
  it('reads sections, interfaces of different link types and timestamp resolutions', () => {
    const bytes = Buffer.concat([
      section(),
      iface(LinkType.ETHERNET),
      iface(LinkType.LINUX_SLL, 9),
      enhanced(0, 1_700_000_000_123_456n, ethernet(packet(1))),
      block(5, Buffer.alloc(8)), // statistics: passed over
      enhanced(1, 1_700_000_001_000_000_123n, sll(packet(2))),
      section(),
      iface(LinkType.RAW),
      enhanced(0, 1_700_000_002_000_000n, packet(3)),
    ]);
    const { records, reader } = all(bytes);
    expect(reader.format).toBe('pcapng');
    expect(reader.problem).toBeUndefined();
    expect(records.map((r) => [r.number, r.seconds, r.nanoseconds])).toEqual([[1, 1_700_000_000, 123_456_000], [2, 1_700_000_001, 123], [3, 1_700_000_002, 0]]);
    expect(records.map((r) => Buffer.from(r.packet!).equals(Buffer.from(packet(r.number))))).toEqual([true, true, true]);
  });

  it('reports a block that names an interface never declared, and a cut block, at their offsets', () => {
    const head = Buffer.concat([section(), iface(LinkType.RAW)]);
    const good = enhanced(0, 1n, packet(1));
    const stray = enhanced(3, 1n, packet(2));
    const strayed = all(Buffer.concat([head, good, stray]));
    expect(strayed.records).toHaveLength(1);
    expect(strayed.reader.problem).toEqual({ offset: head.length + good.length, message: expect.stringMatching(/names interface 3/) });
    const cut = all(Buffer.concat([head, good, good]).subarray(0, head.length + good.length + 30));
    expect(cut.records).toHaveLength(1);
    expect(cut.reader.problem?.offset).toBe(head.length + good.length);
  });
});

describe("editcap's files", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpconform-capture-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a pcapng editcap converts from our pcap holds the same packets and times', () => {
    const ours = Buffer.concat([pcapFileHeader(), pcapRecord(1_700_000_000_123_456_789n, packet(1)), pcapRecord(1_700_000_000_223_456_789n, packet(2))]);
    writeFileSync(join(dir, 'ours.pcap'), ours);
    execFileSync('editcap', ['-F', 'pcapng', join(dir, 'ours.pcap'), join(dir, 'theirs.pcapng')]);
    const theirs = all(readFileSync(join(dir, 'theirs.pcapng')));
    expect(theirs.reader.format).toBe('pcapng');
    expect(theirs.reader.problem).toBeUndefined();
    const mine = all(ours);
    expect(theirs.records.map((r) => [r.seconds, r.nanoseconds, Buffer.from(r.packet!).toString('hex')])).toEqual(mine.records.map((r) => [r.seconds, r.nanoseconds, Buffer.from(r.packet!).toString('hex')]));
  });
});
