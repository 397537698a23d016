import { TcpFlag, WireError, decodePacket, encodePacket, internetChecksum } from '../../src/wire';
import type { Ipv4Header, Ipv4Option, TcpOption, TcpSegment } from '../../src/wire';
import { CAPTURED, basePacket, fromHex, randomBytes, seededRandom, toHex } from './samples';

type Ipv4Tcp = { ip: Ipv4Header; tcp: TcpSegment };

/** Bytes an option takes on the wire: one for EOL and NOP, else two plus its data. */
const optionLength = (option: Ipv4Option): number => (option.kind === 'unknown' ? 2 + option.data.length : 1);

/** What decodePacket should give back for a packet encodePacket wrote: the values, plus computed fields. */
function decodedFrom(packet: Ipv4Tcp): unknown {
  const optionBytes = (packet.ip.options ?? []).reduce((sum, option) => sum + optionLength(option), 0);
  const ipHeaderLength = 20 + Math.ceil(optionBytes / 4) * 4;
  return {
    ip: {
      dscp: 0,
      ecn: 'not-ect',
      moreFragments: false,
      fragmentOffset: 0,
      reservedFlag: false,
      options: [],
      checksum: expect.any(Number),
      headerLength: ipHeaderLength,
      totalLength: expect.any(Number),
      ...packet.ip,
    },
    tcp: { reserved: 0, checksum: expect.any(Number), dataOffset: expect.any(Number), ...packet.tcp },
    ipChecksumOk: true,
    tcpChecksumOk: true,
  };
}

const OPTION_SETS: TcpOption[][] = [
  [],
  [{ kind: 'mss', mss: 1460 }],
  [{ kind: 'nop' }, { kind: 'wscale', shift: 14 }],
  [{ kind: 'sack-permitted' }, { kind: 'nop' }, { kind: 'nop' }],
  [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamps', tsval: 0xfffffffe, tsecr: 7 }],
  [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'sack', blocks: [{ left: 0xfffffff0, right: 0x10 }, { left: 5, right: 9 }] }],
  [{ kind: 'unknown', type: 254, data: fromHex('f989abcd') }],
  [{ kind: 'mss', mss: 0 }, { kind: 'eol' }],
  [
    { kind: 'mss', mss: 1460 },
    { kind: 'sack-permitted' },
    { kind: 'timestamps', tsval: 100, tsecr: 0 },
    { kind: 'nop' },
    { kind: 'wscale', shift: 7 },
  ],
];

const FLAG_SETS = [0, ...Object.values(TcpFlag), TcpFlag.SYN | TcpFlag.ACK, TcpFlag.FIN | TcpFlag.PSH | TcpFlag.ACK, 0xff];

const PAYLOADS = [new Uint8Array(0), fromHex('0a'), Uint8Array.from({ length: 1460 }, (_, i) => i % 251)];

function manyPackets(): Ipv4Tcp[] {
  const packets: Ipv4Tcp[] = [];
  for (const options of OPTION_SETS) {
    for (const flags of FLAG_SETS) {
      for (const payload of PAYLOADS) {
        const base = basePacket();
        packets.push({
          ip: { ...base.ip, id: packets.length },
          tcp: {
            ...base.tcp,
            options,
            flags,
            payload,
            seq: 0xffffffff - packets.length,
            ack: packets.length,
            urgentPointer: flags & TcpFlag.URG ? 3 : 0,
          },
        });
      }
    }
  }
  const base = basePacket();
  packets.push(
    {
      ip: { ...base.ip, dscp: 63, ecn: 'ce', ttl: 1, id: 0xffff, dontFragment: false, options: [{ kind: 'nop' }, { kind: 'nop' }, { kind: 'nop' }] },
      tcp: base.tcp,
    },
    {
      // A Router Alert (RFC 2113), which this module does not interpret.
      ip: { ...base.ip, options: [{ kind: 'unknown', type: 0x94, data: fromHex('0000') }], reservedFlag: true },
      tcp: { ...base.tcp, window: 0, reserved: 0xf },
    },
  );
  return packets;
}

describe('round trips', () => {
  it(`decode(encode(x)) gives x back, plus the computed fields, for ${manyPackets().length} packets`, () => {
    for (const packet of manyPackets()) expect(decodePacket(encodePacket(packet))).toEqual(decodedFrom(packet));
  });

  it.each(Object.entries(CAPTURED))('encode(decode(bytes)) reproduces the captured %s exactly', (_, bytes) => {
    const { ip, tcp, ipChecksumOk, tcpChecksumOk } = decodePacket(bytes);
    expect([ipChecksumOk, tcpChecksumOk]).toEqual([true, true]);
    if (tcp === undefined) throw new Error('no TCP segment');
    expect(toHex(encodePacket({ ip, tcp }))).toBe(toHex(bytes));
  });

  it('reproduces the captured bytes with the checksums recomputed rather than copied', () => {
    for (const bytes of Object.values(CAPTURED)) {
      const { ip, tcp } = decodePacket(bytes);
      if (tcp === undefined || ip.version !== 4) throw new Error('no IPv4 TCP segment');
      const recomputed = encodePacket({ ip: { ...ip, checksum: undefined }, tcp: { ...tcp, checksum: undefined } });
      expect(toHex(recomputed)).toBe(toHex(bytes));
    }
  });
});

describe('checksums', () => {
  it('are both correct in an encoded packet', () => {
    expect(decodePacket(encodePacket(basePacket()))).toMatchObject({ ipChecksumOk: true, tcpChecksumOk: true });
  });

  it('report, never hide, a bad checksum that was asked for', () => {
    const packet = basePacket();
    const badTcp = decodePacket(encodePacket({ ...packet, tcp: { ...packet.tcp, checksum: 0x1234 } }));
    expect(badTcp).toMatchObject({ ipChecksumOk: true, tcpChecksumOk: false, tcp: { checksum: 0x1234 } });
    const badIp = decodePacket(encodePacket({ ...packet, ip: { ...packet.ip, checksum: 0x1234 } }));
    expect(badIp).toMatchObject({ ipChecksumOk: false, tcpChecksumOk: true, ip: { checksum: 0x1234 } });
  });

  it.each(Object.entries(CAPTURED))('catch every single flipped byte of the captured %s', (_, bytes) => {
    const undecodable: number[] = [];
    for (let at = 0; at < bytes.length; at++) {
      const flipped = bytes.slice();
      flipped[at] = (flipped[at] ?? 0) ^ 0xff;
      let decoded;
      try {
        decoded = decodePacket(flipped);
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
        undecodable.push(at);
        continue;
      }
      if (at === 9) {
        // Flipping the protocol leaves no TCP segment to check.
        expect(decoded).toMatchObject({ ip: { protocol: 6 ^ 0xff }, ipChecksumOk: false, payload: bytes.subarray(20) });
        continue;
      }
      // A flip in the IPv4 header hurts the IPv4 checksum; in the addresses it hurts the TCP checksum
      // too, through the pseudo-header.
      const inIpHeader = at < 20;
      const inPseudoHeader = at >= 12 && at < 20;
      expect({ at, ipChecksumOk: decoded.ipChecksumOk, tcpChecksumOk: decoded.tcpChecksumOk }).toEqual({
        at,
        ipChecksumOk: !inIpHeader,
        tcpChecksumOk: inIpHeader && !inPseudoHeader,
      });
    }
    // Only a flip of the version, the total length, the fragment fields or the TCP data offset may
    // leave bytes that cannot be decoded far enough to look at a checksum.
    expect(undecodable).toEqual(expect.arrayContaining([0, 2, 3, 6, 7]));
    expect([0, 2, 3, 6, 7, 32]).toEqual(expect.arrayContaining(undecodable));
  });
});

describe('bytes that are not a whole IPv4 packet', () => {
  const packet = encodePacket({
    ...basePacket(),
    tcp: { ...basePacket().tcp, options: OPTION_SETS.at(-1) ?? [], payload: fromHex('68656c6c6f0a') },
  });

  it('throw a truncated WireError at every length short of the total length', () => {
    for (const bytes of [packet, ...Object.values(CAPTURED)]) {
      for (let length = 0; length < bytes.length; length++) {
        const cut = bytes.slice(0, length);
        expect(() => decodePacket(cut)).toThrow(expect.objectContaining({ code: 'truncated', offset: 0 }));
      }
    }
  });

  it('throw a WireError at the TCP header, or decode with a bad TCP checksum, when the total length agrees', () => {
    for (let length = 20; length < packet.length; length++) {
      const cut = packet.slice(0, length);
      cut.set([length >> 8, length & 0xff], 2);
      cut.set([0, 0], 10);
      const ipChecksum = internetChecksum(cut.subarray(0, 20));
      cut.set([ipChecksum >> 8, ipChecksum & 0xff], 10);
      let decoded;
      try {
        decoded = decodePacket(cut);
      } catch (error) {
        expect(error).toBeInstanceOf(WireError);
        expect(error).toMatchObject({ code: 'truncated', offset: 20 });
        continue;
      }
      expect(decoded).toMatchObject({ ipChecksumOk: true, tcpChecksumOk: false });
    }
  });

  it('use the total length, not the buffer, to find the end (link-layer padding is ignored)', () => {
    const padded = new Uint8Array(CAPTURED.rst.length + 6);
    padded.set(CAPTURED.rst);
    expect(decodePacket(padded)).toMatchObject({ ipChecksumOk: true, tcpChecksumOk: true, tcp: { payload: new Uint8Array(0) } });
  });

  it('throw unsupported for an IP version other than 4 and 6, and truncated for nothing at all', () => {
    expect(() => decodePacket(fromHex('5000000000000000'))).toThrow(
      new WireError('unsupported', 0, 'IP version 5 is not supported, only 4 and 6'),
    );
    expect(() => decodePacket(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0 }));
  });

  it('throw unsupported for a fragment', () => {
    const fragment = encodePacket({ ...basePacket(), ip: { ...basePacket().ip, dontFragment: false, moreFragments: true } });
    expect(() => decodePacket(fragment)).toThrow(
      expect.objectContaining({
        code: 'unsupported',
        offset: 6,
        message: expect.stringMatching(/fragment .*reassembly is not supported/),
      }),
    );
  });

  it('throw malformed for an IHL below 5 or a total length below the header', () => {
    const shortIhl = CAPTURED.rst.slice();
    shortIhl[0] = 0x44;
    expect(() => decodePacket(shortIhl)).toThrow(expect.objectContaining({ code: 'malformed', offset: 0 }));
    const shortTotal = CAPTURED.rst.slice();
    shortTotal[3] = 19;
    expect(() => decodePacket(shortTotal)).toThrow(expect.objectContaining({ code: 'malformed', offset: 2 }));
  });

  it('decode a packet of another protocol as its bytes', () => {
    const udp = CAPTURED.rst.slice();
    udp[9] = 17;
    expect(decodePacket(udp)).toEqual({
      ip: expect.objectContaining({ protocol: 17 }),
      payload: CAPTURED.rst.subarray(20),
      ipChecksumOk: false,
    });
  });

  it.each([1, 2, 3])('throw only WireError on random bytes (fuzz, seed %i)', (seed) => {
    const random = seededRandom(seed);
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(random, Math.floor(random() * 90));
      // Mostly keep what gets past the first checks, so the fuzz reaches the TCP header and options.
      if (bytes.length > 0 && random() < 0.9) bytes[0] = 0x45;
      if (bytes.length > 3 && random() < 0.8) bytes.set([0, bytes.length - Math.floor(random() * 3)], 2);
      if (bytes.length > 7 && random() < 0.8) bytes.set([0x40, 0], 6);
      if (bytes.length > 9 && random() < 0.9) bytes[9] = 6;
      if (bytes.length > 32 && random() < 0.5) bytes[32] = (bytes[32] ?? 0) & 0xf0 & (random() < 0.5 ? 0x7f : 0xff);
      try {
        decodePacket(bytes);
      } catch (error) {
        if (!(error instanceof WireError)) throw new Error(`seed ${seed}, input ${toHex(bytes)}: ${String(error)}`);
        expect(error.offset).toBeGreaterThanOrEqual(0);
        expect(error.offset).toBeLessThanOrEqual(bytes.length);
      }
    }
  });
});

describe('encodePacket', () => {
  it('rejects a packet larger than the IPv4 total length or the TCP pseudo-header can say', () => {
    const packet = basePacket();
    const withPayload = (length: number): Ipv4Tcp => ({ ...packet, tcp: { ...packet.tcp, payload: new Uint8Array(length) } });
    expect(encodePacket(withPayload(65495))).toHaveLength(65535);
    expect(() => encodePacket(withPayload(65496))).toThrow(
      new WireError('malformed', 2, 'IPv4 totalLength must be an integer in 0..65535, got 65536'),
    );
    expect(() => encodePacket(withPayload(65516))).toThrow(
      /TCP segment of 65536 bytes is longer than the 65535 that the pseudo-header's TCP Length can say \(at byte 20\)/,
    );
  });

  it('rejects an address that is not a dotted quad, at its place in the header', () => {
    const packet = basePacket();
    for (const dst of ['198.18.0.256', '198.18.0', '198.018.0.1', 'localhost', '1.2.3.4.5']) {
      expect(() => encodePacket({ ...packet, ip: { ...packet.ip, dst } })).toThrow(
        expect.objectContaining({ code: 'malformed', offset: 16, message: expect.stringContaining(`'${dst}'`) }),
      );
    }
  });

  it('pads IPv4 options to a word with zeros and rejects more than 40 bytes', () => {
    const packet = basePacket();
    const bytes = encodePacket({ ...packet, ip: { ...packet.ip, options: [{ kind: 'nop' }, { kind: 'nop' }] } });
    expect(toHex(bytes.subarray(0, 1))).toBe('46');
    expect(toHex(bytes.subarray(20, 24))).toBe('01010000');
    const nops = Array.from({ length: 41 }, (): Ipv4Option => ({ kind: 'nop' }));
    expect(() => encodePacket({ ...packet, ip: { ...packet.ip, options: nops } })).toThrow(
      expect.objectContaining({ code: 'malformed', offset: 20 }),
    );
  });
});
