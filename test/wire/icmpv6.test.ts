import { ICMPV6_UNREACHABLE_CODES, WireError, decodeIcmpv6, decodePacket, encodeIcmpv6, encodePacket, quoteForIcmpv6 } from '../../src/wire';
import type { Icmpv6Message, Ipv6Header } from '../../src/wire';
import { GOLDEN_EXTENSIONS6, GOLDEN_PACKET_TOO_BIG, GOLDEN_SYN6 } from './golden-families';
import { basePacket, fromHex, toHex } from './samples';

const ROUTER: Ipv6Header = { version: 6, src: '2001:2::9', dst: '2001:2::1', hopLimit: 64, protocol: 58 };
const ADDRESSES = { version: 6, src: ROUTER.src, dst: ROUTER.dst } as const;
const INVOKED = { version: 6, src: '2001:2::2', dst: '2001:2::1', protocol: 6, srcPort: 40000, dstPort: 8080, seq: 1000 };

/** Sets the payload length of an IPv6 packet, so that a cut-short packet says it is whole. */
function withPayloadLength(bytes: Uint8Array, length: number): Uint8Array {
  const copy = bytes.slice();
  copy.set([length >> 8, length & 0xff], 4);
  return copy;
}

/** What an error quoting `quote` shows of its invoking packet. */
function invokingOf(quote: Uint8Array): unknown {
  const message = decodeIcmpv6(encodeIcmpv6({ kind: 'time-exceeded', code: 0, quote }, ADDRESSES), ADDRESSES).message;
  return message.kind === 'other' ? undefined : message.invoking;
}

describe('the golden ICMPv6 packet too big', () => {
  it('decodes as annotated, with the quoted segment\'s addresses, ports and sequence number', () => {
    expect(decodePacket(GOLDEN_PACKET_TOO_BIG)).toEqual({
      ip: expect.objectContaining({ ...ROUTER, payloadLength: 72 }),
      icmpv6: { kind: 'packet-too-big', code: 0, mtu: 1280, quote: GOLDEN_SYN6, checksum: 0x2eed, invoking: INVOKED },
      ipChecksumOk: true,
      icmpChecksumOk: true,
    });
  });

  it('is what encodePacket writes quoting the invoking segment whole, since it fits in 1280 bytes', () => {
    const quote = quoteForIcmpv6(GOLDEN_SYN6);
    expect(quote).toEqual(GOLDEN_SYN6);
    expect(toHex(encodePacket({ ip: ROUTER, icmpv6: { kind: 'packet-too-big', code: 0, mtu: 1280, quote } }))).toBe(toHex(GOLDEN_PACKET_TOO_BIG));
  });

  it('has a checksum over the pseudo-header: another destination breaks it, another hop limit does not', () => {
    const otherDst = GOLDEN_PACKET_TOO_BIG.slice();
    otherDst[39] = 3;
    expect(decodePacket(otherDst)).toMatchObject({ ip: { dst: '2001:2::3' }, icmpChecksumOk: false });
    const otherHopLimit = GOLDEN_PACKET_TOO_BIG.slice();
    otherHopLimit[7] = 1;
    expect(decodePacket(otherHopLimit)).toMatchObject({ ip: { hopLimit: 1 }, icmpChecksumOk: true });
  });
});

describe('ICMPv6 error messages (RFC 4443 §3)', () => {
  const quote = GOLDEN_SYN6;
  const MESSAGES: [string, Icmpv6Message, string][] = [
    ...ICMPV6_UNREACHABLE_CODES.map((name, code): [string, Icmpv6Message, string] => [name, { kind: 'unreachable', code, quote }, `010${code}` + '00000000']),
    ['packet too big with the largest MTU', { kind: 'packet-too-big', code: 0, mtu: 0xffffffff, quote }, '0200' + 'ffffffff'],
    ['hop limit exceeded', { kind: 'time-exceeded', code: 0, quote }, '0300' + '00000000'],
    ['reassembly time exceeded', { kind: 'time-exceeded', code: 1, quote }, '0301' + '00000000'],
    ['parameter problem at the next header', { kind: 'parameter-problem', code: 1, pointer: 6, quote }, '0401' + '00000006'],
    ['parameter problem past 16 bits', { kind: 'parameter-problem', code: 0, pointer: 0x10000, quote }, '0400' + '00010000'],
    ['unreachable with its unused octets set', { kind: 'unreachable', code: 4, unused: 0xdeadbeef, quote }, '0104' + 'deadbeef'],
  ];

  it.each(MESSAGES)('%s: type, code and rest of header as written, the quote after them, and back', (_, message, header) => {
    const bytes = encodeIcmpv6(message, ADDRESSES, 40);
    expect(toHex(bytes.subarray(0, 2)) + toHex(bytes.subarray(4, 8))).toBe(header);
    const decoded = decodePacket(encodePacket({ ip: ROUTER, icmpv6: message }));
    const unused = message.kind === 'unreachable' || message.kind === 'time-exceeded' ? { unused: 0 } : {};
    expect(decoded).toMatchObject({ icmpv6: { ...unused, ...message, invoking: INVOKED }, icmpChecksumOk: true });
  });

  it('keep a message of another type (a neighbour solicitation) as its type, code and body', () => {
    const solicitation: Icmpv6Message = { kind: 'other', type: 135, code: 0, body: fromHex('00000000' + '20010002000000000000000000000001') };
    const decoded = decodePacket(encodePacket({ ip: { ...ROUTER, hopLimit: 255 }, icmpv6: solicitation }));
    expect(decoded).toMatchObject({ icmpv6: solicitation, icmpChecksumOk: true });
  });

  it('ride behind extension headers, and in an atomic fragment', () => {
    const ip: Ipv6Header = {
      ...ROUTER,
      extensions: [
        { kind: 'hop-by-hop', options: fromHex('010400000000') },
        { kind: 'fragment', fragmentOffset: 0, moreFragments: false, identification: 1 },
      ],
    };
    expect(decodePacket(encodePacket({ ip, icmpv6: { kind: 'packet-too-big', code: 0, mtu: 1280, quote } }))).toMatchObject({
      icmpv6: { kind: 'packet-too-big', mtu: 1280, invoking: INVOKED },
      icmpChecksumOk: true,
    });
  });

  it('refuse to encode an MTU or pointer that does not fit 32 bits', () => {
    expect(() => encodeIcmpv6({ kind: 'packet-too-big', code: 0, mtu: 2 ** 32, quote }, ADDRESSES, 40)).toThrow(
      new WireError('malformed', 44, 'ICMPv6 packet-too-big mtu must be an integer in 0..4294967295, got 4294967296'),
    );
    expect(() => encodeIcmpv6({ kind: 'parameter-problem', code: 0, pointer: -1, quote }, ADDRESSES, 40)).toThrow(/pointer must be/);
  });
});

describe('the quote of an ICMPv6 error', () => {
  it('is as much of the invoking packet as keeps the error within 1280 bytes (RFC 4443 §2.4 (c))', () => {
    const big = encodePacket({ ip: { version: 6, src: '2001:2::2', dst: '2001:2::1', hopLimit: 64, protocol: 6 }, tcp: { ...basePacket().tcp, payload: new Uint8Array(1400) } });
    expect(quoteForIcmpv6(big)).toEqual(big.subarray(0, 1232));
    expect(encodePacket({ ip: ROUTER, icmpv6: { kind: 'packet-too-big', code: 0, mtu: 1280, quote: quoteForIcmpv6(big) } })).toHaveLength(1280);
    expect(quoteForIcmpv6(big, 48)).toHaveLength(1224);
  });

  it('shows as much as it reaches: extension headers walked, TCP ports, sequence number', () => {
    const viaChain = { version: 6, src: '2001:2::2', dst: '2001:2::1' };
    expect(invokingOf(GOLDEN_EXTENSIONS6)).toEqual({ ...viaChain, protocol: 6, srcPort: 40000, dstPort: 8080, seq: 1000 });
    expect(invokingOf(GOLDEN_EXTENSIONS6.slice(0, 76))).toEqual({ ...viaChain, protocol: 6, srcPort: 40000, dstPort: 8080 });
    expect(invokingOf(GOLDEN_EXTENSIONS6.slice(0, 72))).toEqual({ ...viaChain, protocol: 6 });
    // Cut inside the destination options header: the walk stops at the header it cannot read.
    expect(invokingOf(GOLDEN_EXTENSIONS6.slice(0, 50))).toEqual({ ...viaChain, protocol: 60 });
    expect(invokingOf(GOLDEN_EXTENSIONS6.slice(0, 40))).toEqual({ ...viaChain, protocol: 0 });
  });

  it('shows no ports for a fragment other than the first', () => {
    const later = GOLDEN_EXTENSIONS6.slice();
    later.set([0x00, 0x08], 66);
    expect(invokingOf(later)).toEqual({ version: 6, src: '2001:2::2', dst: '2001:2::1', protocol: 6 });
  });

  it('must hold a whole fixed IPv6 header: a shorter or other one is a WireError at the quote', () => {
    const short = encodePacket({ ip: ROUTER, icmpv6: { kind: 'unreachable', code: 4, quote: GOLDEN_SYN6.slice(0, 39) } });
    expect(() => decodePacket(short)).toThrow(expect.objectContaining({ code: 'truncated', offset: 48 }));
    const ipv4 = encodePacket({ ip: ROUTER, icmpv6: { kind: 'unreachable', code: 4, quote: fromHex('45'.padEnd(80, '0')) } });
    expect(() => decodePacket(ipv4)).toThrow(new WireError('malformed', 48, 'IPv6 header has version 4, expected 6'));
  });
});

describe('ICMPv6 packets that are cut short', () => {
  it('throw a truncated WireError at byte 0 at every length short of the payload length', () => {
    for (let length = 1; length < GOLDEN_PACKET_TOO_BIG.length; length++) {
      expect(() => decodePacket(GOLDEN_PACKET_TOO_BIG.slice(0, length))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0 }));
    }
  });

  it('throw at the ICMPv6 header or the quoted IPv6 header when the payload length agrees, else decode with a bad checksum', () => {
    for (let length = 40; length < GOLDEN_PACKET_TOO_BIG.length; length++) {
      const cut = withPayloadLength(GOLDEN_PACKET_TOO_BIG.slice(0, length), length - 40);
      if (length < 88) {
        expect(() => decodePacket(cut)).toThrow(expect.objectContaining({ code: 'truncated', offset: length < 48 ? 40 : 48 }));
      } else {
        expect(decodePacket(cut)).toMatchObject({ icmpv6: { kind: 'packet-too-big', invoking: { src: '2001:2::2' } }, icmpChecksumOk: false });
      }
    }
  });

  it('say an ICMPv6 message in a fragment other than an atomic one is unsupported', () => {
    const ip: Ipv6Header = { ...ROUTER, extensions: [{ kind: 'fragment', fragmentOffset: 0, moreFragments: true, identification: 1 }] };
    const fragment = encodePacket({ ip, icmpv6: { kind: 'time-exceeded', code: 1, quote: GOLDEN_SYN6 } });
    expect(() => decodePacket(fragment)).toThrow(expect.objectContaining({ code: 'unsupported', offset: 42 }));
  });
});
