import { IpProtocol, TcpFlag, WireError, decodePacket, encodePacket } from '../../src/wire';
import type { Ipv6Extension, Ipv6Header, TcpOption, TcpSegment } from '../../src/wire';
import { GOLDEN_EXTENSIONS6, GOLDEN_SYN6 } from './golden-families';
import { basePacket, fromHex, randomBytes, seededRandom, toHex } from './samples';

type Ipv6Tcp = { ip: Ipv6Header; tcp: TcpSegment };

const PEER = '2001:2::2';
const TARGET = '2001:2::1';
const baseIp: Ipv6Header = { version: 6, src: PEER, dst: TARGET, hopLimit: 64, protocol: 6 };

/** Sets the payload length of an IPv6 packet, so that a cut-short packet says it is whole. */
function withPayloadLength(bytes: Uint8Array, length: number): Uint8Array {
  const copy = bytes.slice();
  copy.set([length >> 8, length & 0xff], 4);
  return copy;
}

describe('the golden IPv6 SYN', () => {
  const ip: Ipv6Header = { ...baseIp, flowLabel: 0x12345 };
  const tcp: TcpSegment = {
    srcPort: 40000,
    dstPort: 8080,
    seq: 1000,
    ack: 0,
    flags: TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR,
    window: 65535,
    urgentPointer: 0,
    options: [{ kind: 'mss', mss: 1440 }],
    payload: new Uint8Array(0),
  };

  it('decodes field by field as annotated', () => {
    expect(decodePacket(GOLDEN_SYN6)).toEqual({
      ip: { ...ip, dscp: 0, ecn: 'not-ect', extensions: [], payloadLength: 24 },
      tcp: { ...tcp, checksum: 0x97b9, dataOffset: 6, reserved: 0 },
      ipChecksumOk: true,
      tcpChecksumOk: true,
    });
  });

  it('is what encodePacket writes for those values, the checksum over the IPv6 pseudo-header', () => {
    expect(toHex(encodePacket({ ip, tcp }))).toBe(toHex(GOLDEN_SYN6));
  });
});

describe('IPv6 extension headers (RFC 8200 §4)', () => {
  const extensions: Ipv6Extension[] = [
    { kind: 'hop-by-hop', options: fromHex('010400000000') },
    { kind: 'destination-options', options: fromHex('1e0401020304') },
    { kind: 'routing', routingType: 253, segmentsLeft: 0, data: fromHex('00000000') },
    { kind: 'fragment', fragmentOffset: 0, moreFragments: false, identification: 0xdeadbeef, reserved: 0, res: 0 },
  ];

  it('are walked to the TCP header, an atomic fragment (RFC 6946) decoded as a whole packet', () => {
    expect(decodePacket(GOLDEN_EXTENSIONS6)).toMatchObject({
      ip: { protocol: 6, extensions, payloadLength: 52 },
      tcp: { srcPort: 40000, dstPort: 8080, seq: 1000, flags: TcpFlag.SYN },
      tcpChecksumOk: true,
    });
  });

  it('are written with each Next Header naming the header after it', () => {
    const tcp = decodePacket(GOLDEN_EXTENSIONS6).tcp;
    if (tcp === undefined) throw new Error('no TCP segment');
    expect(toHex(encodePacket({ ip: { ...baseIp, extensions }, tcp }))).toBe(toHex(GOLDEN_EXTENSIONS6));
  });

  it('end the walk at a Next Header this module does not know, which is reported as the protocol', () => {
    const udp = encodePacket({ ip: { ...baseIp, protocol: 17, extensions: extensions.slice(0, 1) }, payload: fromHex('9c401f90000c0000abcd') });
    expect(decodePacket(udp)).toEqual({
      ip: expect.objectContaining({ protocol: 17, extensions: extensions.slice(0, 1) }),
      payload: fromHex('9c401f90000c0000abcd'),
      ipChecksumOk: true,
    });
    // No Next Header (RFC 8200 §4.7): nothing follows; an unknown extension header looks the same.
    for (const protocol of [IpProtocol.NO_NEXT_HEADER, 135, 253]) {
      expect(decodePacket(encodePacket({ ip: { ...baseIp, protocol }, payload: new Uint8Array(0) }))).toMatchObject({ ip: { protocol }, payload: new Uint8Array(0) });
    }
  });

  it('say a fragment other than an atomic one is unsupported, at its fragment offset', () => {
    for (const [fragmentOffset, moreFragments] of [[0, true], [185, false], [185, true]] as const) {
      const fragment: Ipv6Extension = { kind: 'fragment', fragmentOffset, moreFragments, identification: 7 };
      const bytes = encodePacket({ ip: { ...baseIp, extensions: [extensions[0] as Ipv6Extension, fragment] }, tcp: basePacket().tcp });
      expect(() => decodePacket(bytes)).toThrow(
        new WireError(
          'unsupported',
          50,
          `IPv6 fragment (offset ${fragmentOffset} × 8 bytes${moreFragments ? ', more fragments' : ''}): reassembly is not supported`,
        ),
      );
    }
  });

  it('refuse a hop-by-hop header anywhere but first, at the Next Header that names it', () => {
    const bytes = GOLDEN_EXTENSIONS6.slice();
    bytes[48] = 0; // the destination options header's Next Header now names a hop-by-hop header
    expect(() => decodePacket(bytes)).toThrow(
      new WireError('malformed', 48, 'IPv6 hop-by-hop options header anywhere but first (RFC 8200 §4.3)'),
    );
  });

  it('refuse to encode an options or routing header that is not a whole number of 8-octet units', () => {
    const tcp = basePacket().tcp;
    const odd: Ipv6Extension[] = [{ kind: 'destination-options', options: fromHex('0104000000') }];
    expect(() => encodePacket({ ip: { ...baseIp, extensions: odd }, tcp })).toThrow(
      new WireError('malformed', 41, 'IPv6 destination-options header of 7 bytes is not a multiple of 8 up to 2048 (RFC 8200 §4)'),
    );
    const route: Ipv6Extension[] = [extensions[0] as Ipv6Extension, { kind: 'routing', routingType: 0, segmentsLeft: 1, data: new Uint8Array(5) }];
    expect(() => encodePacket({ ip: { ...baseIp, extensions: route }, tcp })).toThrow(expect.objectContaining({ code: 'malformed', offset: 49 }));
    const fragment: Ipv6Extension[] = [{ kind: 'fragment', fragmentOffset: 8192, moreFragments: false, identification: 0 }];
    expect(() => encodePacket({ ip: { ...baseIp, extensions: fragment }, tcp })).toThrow(/fragment offset must be an integer in 0\.\.8191/);
  });
});

describe('IPv6 packets that are cut short or malformed', () => {
  it('throw a truncated WireError at byte 0 at every length short of the payload length', () => {
    for (const bytes of [GOLDEN_SYN6, GOLDEN_EXTENSIONS6]) {
      for (let length = 1; length < bytes.length; length++) {
        expect(() => decodePacket(bytes.slice(0, length))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0 }));
      }
    }
  });

  it('throw a truncated WireError at the header that is cut short when the payload length agrees', () => {
    // Headers start at 40 (hop-by-hop), 48, 56, 64 (fragment) and 72 (TCP).
    const starts = [40, 48, 56, 64, 72];
    for (let length = 41; length < GOLDEN_EXTENSIONS6.length; length++) {
      const cut = withPayloadLength(GOLDEN_EXTENSIONS6.slice(0, length), length - 40);
      const start = starts.filter((at) => at <= length).at(-1);
      expect(() => decodePacket(cut)).toThrow(expect.objectContaining({ code: 'truncated', offset: start }));
    }
  });

  it('ignore what follows the payload length (link-layer padding)', () => {
    const padded = Uint8Array.from([...GOLDEN_SYN6, 0, 0, 0, 0]);
    expect(decodePacket(padded)).toMatchObject({ tcp: { options: [{ kind: 'mss', mss: 1440 }] }, tcpChecksumOk: true });
  });

  it('say a jumbogram (payload length 0 before a hop-by-hop header, RFC 2675) is unsupported', () => {
    const jumbo = withPayloadLength(GOLDEN_EXTENSIONS6, 0);
    expect(() => decodePacket(jumbo)).toThrow(expect.objectContaining({ code: 'unsupported', offset: 4 }));
  });

  it('catch a flipped address or payload byte by the TCP checksum, but not one in the fields the pseudo-header leaves out', () => {
    for (let at = 0; at < GOLDEN_SYN6.length; at++) {
      if (at < 8 && ![1, 2, 3, 7].includes(at)) continue; // version and lengths decode differently
      const flipped = GOLDEN_SYN6.slice();
      flipped[at] = (flipped[at] ?? 0) ^ 0xff;
      // Flipping the data offset (byte 52) makes the TCP header too long for the segment.
      if (at === 52) {
        expect(() => decodePacket(flipped)).toThrow(expect.objectContaining({ code: 'truncated', offset: 40 }));
        continue;
      }
      // Traffic class, flow label and hop limit are not in the pseudo-header (RFC 8200 §8.1).
      expect({ at, tcpChecksumOk: decodePacket(flipped).tcpChecksumOk }).toEqual({ at, tcpChecksumOk: at < 8 });
    }
  });

  it.each([1, 2, 3])('throw only WireError on random bytes (fuzz, seed %i)', (seed) => {
    const random = seededRandom(seed);
    const kinds = [0, 43, 44, 60, 6, 58, 17];
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(random, Math.floor(random() * 120));
      // Mostly keep what gets past the first checks, so the fuzz reaches the extension headers and TCP.
      if (bytes.length > 0 && random() < 0.9) bytes[0] = 0x60;
      if (bytes.length > 5 && random() < 0.8) bytes.set([0, Math.max(0, bytes.length - 40 - Math.floor(random() * 3))], 4);
      if (bytes.length > 6 && random() < 0.9) bytes[6] = kinds[Math.floor(random() * kinds.length)] ?? 6;
      for (const at of [40, 48, 56]) if (bytes.length > at + 1 && random() < 0.5) bytes.set([kinds[Math.floor(random() * kinds.length)] ?? 6, Math.floor(random() * 2)], at);
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

describe('IPv6 round trips', () => {
  const OPTIONS: TcpOption[][] = [[], [{ kind: 'mss', mss: 1220 }, { kind: 'sack-permitted' }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }]];
  const CHAINS: Ipv6Extension[][] = [
    [],
    [{ kind: 'destination-options', options: fromHex('000000000000') }],
    [
      // A Router Alert (RFC 2711) and a PadN of 8 octets.
      { kind: 'hop-by-hop', options: fromHex('05020000' + '0108' + '0000000000000000') },
      { kind: 'routing', routingType: 0, segmentsLeft: 0, data: new Uint8Array(20) },
    ],
  ];
  const PAYLOADS = [new Uint8Array(0), fromHex('0a'), Uint8Array.from({ length: 1220 }, (_, i) => i % 251)];

  const lengthOf = (extension: Ipv6Extension): number =>
    extension.kind === 'fragment' ? 8 : extension.kind === 'routing' ? 4 + extension.data.length : 2 + extension.options.length;

  function manyPackets(): Ipv6Tcp[] {
    const packets: Ipv6Tcp[] = [];
    for (const options of OPTIONS) {
      for (const extensions of CHAINS) {
        for (const payload of PAYLOADS) {
          for (const ecn of ['not-ect', 'ect1', 'ect0', 'ce'] as const) {
            const i = packets.length;
            packets.push({
              ip: { ...baseIp, src: `2001:2::${(i + 1).toString(16)}`, ecn, dscp: i % 64, flowLabel: i * 4099, hopLimit: 255 - i, extensions },
              tcp: { ...basePacket().tcp, options, payload, seq: 0xffffffff - i, ack: i, flags: TcpFlag.ACK | (i % 2 ? TcpFlag.PSH : 0) },
            });
          }
        }
      }
    }
    return packets;
  }

  it(`decode(encode(x)) gives x back, plus the computed fields, for ${manyPackets().length} packets`, () => {
    for (const packet of manyPackets()) {
      const extensionLength = (packet.ip.extensions ?? []).reduce((sum, extension) => sum + lengthOf(extension), 0);
      expect(decodePacket(encodePacket(packet))).toEqual({
        ip: { payloadLength: expect.any(Number), ...packet.ip, extensions: (packet.ip.extensions ?? []).map((extension) => expect.objectContaining(extension)) },
        tcp: { reserved: 0, checksum: expect.any(Number), dataOffset: expect.any(Number), ...packet.tcp },
        ipChecksumOk: true,
        tcpChecksumOk: true,
      });
      expect(encodePacket(packet).length).toBe(40 + extensionLength + 20 + (packet.tcp.options.length ? 12 : 0) + packet.tcp.payload.length);
    }
  });

  it('refuse a packet larger than the payload length can say, and an address that is not IPv6 text, at its place', () => {
    const tcp = (length: number): TcpSegment => ({ ...basePacket().tcp, payload: new Uint8Array(length) });
    expect(encodePacket({ ip: baseIp, tcp: tcp(65515) })).toHaveLength(65575);
    expect(() => encodePacket({ ip: baseIp, tcp: tcp(65516) })).toThrow(/TCP segment of 65536 bytes is longer/);
    const chain: Ipv6Extension[] = [{ kind: 'destination-options', options: new Uint8Array(6) }];
    expect(() => encodePacket({ ip: { ...baseIp, extensions: chain }, tcp: tcp(65515) })).toThrow(
      new WireError('malformed', 4, 'IPv6 payloadLength must be an integer in 0..65535, got 65543'),
    );
    expect(() => encodePacket({ ip: { ...baseIp, src: '198.18.0.2' }, tcp: tcp(0) })).toThrow(expect.objectContaining({ code: 'malformed', offset: 8 }));
    expect(() => encodePacket({ ip: { ...baseIp, dst: '2001:2::1::' }, tcp: tcp(0) })).toThrow(expect.objectContaining({ code: 'malformed', offset: 24 }));
  });
});
