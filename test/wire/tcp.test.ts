import { TcpFlag, WireError, decodePacket, decodeTcpSegment, encodePacket, encodeTcpSegment } from '../../src/wire';
import type { TcpSegment } from '../../src/wire';
import { CAPTURED, GOLDEN_SYN, basePacket, fromHex, randomBytes, seededRandom, toHex } from './samples';

const addresses = { version: 4 as const, src: '198.18.0.2', dst: '198.18.0.1' };

describe('the golden SYN', () => {
  it('is the captured SYN', () => {
    expect(toHex(GOLDEN_SYN)).toBe(toHex(CAPTURED.syn));
  });

  it('decodes field by field as annotated', () => {
    const { ip, tcp, ipChecksumOk, tcpChecksumOk } = decodePacket(GOLDEN_SYN);
    expect(ip).toEqual({
      version: 4,
      src: '198.18.0.1',
      dst: '198.18.0.2',
      protocol: 6,
      ttl: 64,
      id: 50368,
      dscp: 0,
      ecn: 'not-ect',
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      reservedFlag: false,
      options: [],
      checksum: 0xe9d3,
      headerLength: 20,
      totalLength: 60,
    });
    expect(tcp).toEqual({
      srcPort: 60994,
      dstPort: 80,
      seq: 3286783763,
      ack: 0,
      flags: TcpFlag.SYN,
      window: 64240,
      urgentPointer: 0,
      options: [
        { kind: 'mss', mss: 1460 },
        { kind: 'sack-permitted' },
        { kind: 'timestamps', tsval: 2067929842, tsecr: 0 },
        { kind: 'nop' },
        { kind: 'wscale', shift: 10 },
      ],
      payload: new Uint8Array(0),
      checksum: 0x2121,
      dataOffset: 10,
      reserved: 0,
    });
    expect(ipChecksumOk).toBe(true);
    expect(tcpChecksumOk).toBe(true);
  });

  it('is what encodePacket writes for those values, checksums included', () => {
    const { ip, tcp } = decodePacket(GOLDEN_SYN);
    if (tcp === undefined || ip.version !== 4) throw new Error('no IPv4 TCP segment');
    const { checksum: _ipChecksum, ...ipWithoutChecksum } = ip;
    const { checksum: _tcpChecksum, dataOffset: _dataOffset, ...tcpWithoutComputed } = tcp;
    expect(toHex(encodePacket({ ip: ipWithoutChecksum, tcp: tcpWithoutComputed }))).toBe(toHex(GOLDEN_SYN));
  });
});

describe('decodeTcpSegment', () => {
  it('reads the window as unsigned (RFC 9293 MUST-1)', () => {
    const segment = encodeTcpSegment({ ...basePacket().tcp, window: 0xffff }, addresses);
    expect(decodeTcpSegment(segment).window).toBe(65535);
  });

  it('keeps the reserved bits', () => {
    const segment = encodeTcpSegment({ ...basePacket().tcp, reserved: 0b1010 }, addresses);
    expect(segment[12]).toBe(0x5a);
    expect(decodeTcpSegment(segment).reserved).toBe(0b1010);
  });

  it('rejects a data offset below 5 words, pointing at it', () => {
    const segment = encodeTcpSegment(basePacket().tcp, addresses);
    segment[12] = 0x40;
    expect(() => decodeTcpSegment(segment, 20)).toThrow(
      new WireError('malformed', 32, 'TCP data offset 4 says the header is 16 bytes, less than the 20-byte minimum'),
    );
  });

  it('reports a data offset past the end as truncated, at the start of the header', () => {
    const segment = CAPTURED.syn.slice(20, 48);
    expect(() => decodeTcpSegment(segment, 20)).toThrow(
      'TCP header truncated: data offset says 40 bytes, only 28 present (at byte 20)',
    );
  });

  it('reports a header shorter than 20 bytes as truncated', () => {
    expect(() => decodeTcpSegment(new Uint8Array(19), 20)).toThrow(
      expect.objectContaining({
        code: 'truncated',
        offset: 20,
        message: 'TCP header truncated: needs at least 20 bytes, only 19 present (at byte 20)',
      }),
    );
  });

  // A packet is never changed once read (every reader hands out a copy of its own buffer: tun.c, raw-path),
  // so the payload is a view of it: a capture of millions of segments is not copied twice over.
  it('reads the payload as a view of the input, not a copy', () => {
    const bytes = encodeTcpSegment({ ...basePacket().tcp, payload: fromHex('aa') }, addresses);
    const segment = decodeTcpSegment(bytes);
    expect(segment.payload.buffer).toBe(bytes.buffer);
    expect(segment.payload.byteOffset).toBe(bytes.byteOffset + 20);
    expect(segment.payload).toEqual(fromHex('aa'));
  });

  it('reads any option area back to the same bytes (fuzz, seed 9293)', () => {
    const random = seededRandom(9293);
    for (let i = 0; i < 3000; i++) {
      const areaLength = 4 * Math.floor(random() * 11);
      const bytes = new Uint8Array(20 + areaLength + Math.floor(random() * 4));
      bytes[12] = ((20 + areaLength) / 4) << 4;
      const area = randomBytes(random, areaLength);
      // Small kinds and lengths, and zeros after an EOL, are the interesting cases: make them common.
      for (let at = 0; at < area.length; at++) {
        if (random() < 0.6) area[at] = random() < 0.3 ? 0 : Math.floor(random() * 12);
      }
      bytes.set(area, 20);
      const segment = decodeTcpSegment(bytes);
      expect(toHex(encodeTcpSegment(segment, addresses))).toBe(toHex(bytes));
    }
  });
});

describe('encodeTcpSegment', () => {
  const segment = (changes: Partial<TcpSegment>): TcpSegment => ({ ...basePacket().tcp, ...changes });

  it('computes the data offset from the options', () => {
    expect(encodeTcpSegment(segment({ options: [{ kind: 'wscale', shift: 7 }] }), addresses)[12]).toBe(0x60);
  });

  it('takes a given data offset as a minimum, padding with zero words', () => {
    const bytes = encodeTcpSegment(segment({ options: [{ kind: 'nop' }], dataOffset: 8 }), addresses);
    expect(toHex(bytes.subarray(12, 13))).toBe('80');
    expect(toHex(bytes.subarray(20))).toBe('01' + '00'.repeat(11));
    expect(() => encodeTcpSegment(segment({ options: [{ kind: 'mss', mss: 1 }], dataOffset: 5 }), addresses, 20)).toThrow(
      new WireError('malformed', 32, 'TCP data offset 5 words is too small for a header of 24 bytes'),
    );
    expect(() => encodeTcpSegment(segment({ dataOffset: 16 }), addresses)).toThrow(/dataOffset must be an integer in 0\.\.15, got 16/);
  });

  it('writes a given checksum as is, even a wrong one', () => {
    const bytes = encodeTcpSegment(segment({ checksum: 0xbad0 }), addresses);
    expect(toHex(bytes.subarray(16, 18))).toBe('bad0');
  });

  it.each<[keyof TcpSegment, number, number, string]>([
    ['srcPort', 65536, 0, 'TCP srcPort must be an integer in 0..65535, got 65536'],
    ['dstPort', -1, 2, 'TCP dstPort must be an integer in 0..65535, got -1'],
    ['seq', 2 ** 32, 4, 'TCP seq must be an integer in 0..4294967295, got 4294967296'],
    ['ack', 0.5, 8, 'TCP ack must be an integer in 0..4294967295, got 0.5'],
    ['flags', 256, 13, 'TCP flags must be an integer in 0..255, got 256'],
    ['reserved', 16, 12, 'TCP reserved must be an integer in 0..15, got 16'],
    ['window', 65536, 14, 'TCP window must be an integer in 0..65535, got 65536'],
    ['urgentPointer', NaN, 18, 'TCP urgentPointer must be an integer in 0..65535, got NaN'],
  ])('rejects a %s of %d rather than wrapping it', (field, value, at, message) => {
    const encode = () => encodeTcpSegment(segment({ [field]: value }), addresses, 20);
    expect(encode).toThrow(new WireError('malformed', 20 + at, message));
    expect(encode).toThrow(expect.objectContaining({ code: 'malformed', offset: 20 + at }));
  });
});
