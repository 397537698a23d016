import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpFlag, encodePacket, pcapFileHeader, pcapRecord } from '../../src/wire';
import type { TcpPacket, TcpSegment } from '../../src/wire';
import { basePacket, toHex } from './samples';
import { readFields } from './tshark';

describe('pcapFileHeader', () => {
  it('is the nanosecond magic, version 2.4, zone 0, sigfigs 0, snaplen (the largest IPv6 packet), LINKTYPE_RAW, little-endian', () => {
    expect(toHex(pcapFileHeader())).toBe('4d3cb2a1' + '0200' + '0400' + '00000000' + '00000000' + '27000100' + '65000000');
    expect(toHex(pcapFileHeader(1500).subarray(16, 20))).toBe('dc050000');
  });
});

describe('pcapRecord', () => {
  it('splits the time into seconds and nanoseconds and gives both lengths', () => {
    expect(toHex(pcapRecord(1_700_000_000_123_456_789n, Uint8Array.from([0xaa, 0xbb])))).toBe(
      '00f15365' + '15cd5b07' + '02000000' + '02000000' + 'aabb',
    );
  });

  it('refuses times pcap cannot hold', () => {
    expect(() => pcapRecord(-1n, new Uint8Array(0))).toThrow(RangeError);
    expect(() => pcapRecord(2n ** 32n * 1_000_000_000n, new Uint8Array(0))).toThrow(/32-bit unsigned seconds/);
  });
});

describe('a pcap written with our encoder, read by tshark', () => {
  const base = basePacket();
  const client = { ...base.tcp, srcPort: 40000, dstPort: 80 };
  const server = { ...base.tcp, srcPort: 80, dstPort: 40000 };
  const toServer = (tcp: TcpSegment): TcpPacket => ({ ip: base.ip, tcp });
  const toClient = (tcp: TcpSegment): TcpPacket => ({ ip: { ...base.ip, src: base.ip.dst, dst: base.ip.src }, tcp });
  const packets: TcpPacket[] = [
    toServer({
      ...client,
      flags: TcpFlag.SYN,
      seq: 0xfffffff0,
      window: 64240,
      options: [
        { kind: 'mss', mss: 1460 },
        { kind: 'sack-permitted' },
        { kind: 'timestamps', tsval: 100, tsecr: 0 },
        { kind: 'nop' },
        { kind: 'wscale', shift: 7 },
      ],
    }),
    toClient({
      ...server,
      flags: TcpFlag.SYN | TcpFlag.ACK,
      seq: 5000,
      ack: 0xfffffff1,
      window: 65535,
      options: [{ kind: 'mss', mss: 536 }, { kind: 'nop' }, { kind: 'wscale', shift: 14 }],
    }),
    toServer({
      ...client,
      flags: TcpFlag.PSH | TcpFlag.ACK,
      seq: 0xfffffff1,
      ack: 5001,
      window: 502,
      options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 0xfffffffe, tsecr: 7 }],
      payload: new TextEncoder().encode('hello, wire\n'),
    }),
    toClient({
      ...server,
      flags: TcpFlag.ACK,
      seq: 5001,
      ack: 0xfffffff1,
      window: 0,
      options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ left: 0xfffffff5, right: 3 }] }],
    }),
    toServer({ ...client, flags: TcpFlag.FIN | TcpFlag.ACK, seq: 0xfffffffd, ack: 5001, window: 502 }),
    toClient({ ...server, flags: TcpFlag.RST, seq: 5001, window: 0 }),
    toServer({ ...client, flags: TcpFlag.ACK, seq: 0xfffffffe, ack: 5002, checksum: 0xbad0 }),
  ];
  const firstTimeNs = 1_700_000_000_000_000_001n;
  const STEP_NS = 1_500_000n;

  let directory: string;
  let file: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tcpconform-wire-'));
    file = join(directory, 'segments.pcap');
    const records = packets.map((packet, i) => pcapRecord(firstTimeNs + BigInt(i) * STEP_NS, encodePacket(packet)));
    writeFileSync(file, Buffer.concat([pcapFileHeader(), ...records]));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  const read = (fields: string[]): string[][] => readFields(file, fields);

  it('shows the header fields that were encoded', () => {
    const fields = ['tcp.flags', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.window_size_value', 'tcp.len', 'tcp.srcport', 'tcp.dstport'];
    const expected = packets.map(({ tcp }) => [
      `0x${tcp.flags.toString(16).padStart(4, '0')}`,
      String(tcp.seq),
      String(tcp.ack),
      String(tcp.window),
      String(tcp.payload.length),
      String(tcp.srcPort),
      String(tcp.dstPort),
    ]);
    expect(read(fields)).toEqual(expected);
  });

  it('shows the options that were encoded', () => {
    const fields = [
      'tcp.options.mss_val',
      'tcp.options.wscale.shift',
      'tcp.options.timestamp.tsval',
      'tcp.options.timestamp.tsecr',
      'tcp.options.sack_le',
      'tcp.options.sack_re',
    ];
    expect(read(fields)).toEqual([
      ['1460', '7', '100', '0', '', ''],
      ['536', '14', '', '', '', ''],
      ['', '', '4294967294', '7', '', ''],
      ['', '', '', '', '4294967285', '3'],
      ['', '', '', '', '', ''],
      ['', '', '', '', '', ''],
      ['', '', '', '', '', ''],
    ]);
  });

  it('finds every checksum good except the one deliberately written bad', () => {
    // Status 1 is "Good", 0 is "Bad" in Wireshark's proto_checksum_enum_e.
    expect(read(['ip.checksum.status', 'tcp.checksum.status', 'tcp.checksum'])).toEqual([
      ...packets.slice(0, -1).map(() => ['1', '1', expect.stringMatching(/^0x[0-9a-f]{4}$/)]),
      ['1', '0', '0xbad0'],
    ]);
  });

  it('reads the nanosecond timestamps', () => {
    expect(read(['frame.time_epoch']).map(([time]) => time)).toEqual(
      packets.map((_, i) => {
        const ns = firstTimeNs + BigInt(i) * STEP_NS;
        return `${ns / 1_000_000_000n}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
      }),
    );
  });
});
