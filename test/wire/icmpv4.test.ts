import { ICMPV4_UNREACHABLE_CODES, WireError, decodeIcmpv4, decodePacket, encodeIcmpv4, encodePacket, internetChecksum, quoteForIcmpv4 } from '../../src/wire';
import type { Icmpv4Message, Ipv4Header } from '../../src/wire';
import { GOLDEN_FRAG_NEEDED } from './golden-families';
import { basePacket, CAPTURED, fromHex, toHex } from './samples';

const ROUTER: Ipv4Header = { version: 4, src: '198.18.0.9', dst: '198.18.0.1', protocol: 1, ttl: 64, id: 2, dontFragment: false };

/** The PSH-ACK carrying "hello" that GOLDEN_FRAG_NEEDED quotes. */
const INVOKING = encodePacket({
  ip: { ...basePacket().ip, id: 1 },
  tcp: { ...basePacket().tcp, dstPort: 8080, seq: 1001, flags: 0x18, payload: new TextEncoder().encode('hello') },
});
const INVOKED = { version: 4, src: '198.18.0.2', dst: '198.18.0.1', protocol: 6, srcPort: 40000, dstPort: 8080, seq: 1001 };

/** Sets an IPv4 packet's total length and recomputes its header checksum, so that a cut-short packet says it is whole. */
function withTotalLength(bytes: Uint8Array, length: number): Uint8Array {
  const copy = bytes.slice();
  copy.set([length >> 8, length & 0xff], 2);
  copy.set([0, 0], 10);
  const checksum = internetChecksum(copy.subarray(0, 20));
  copy.set([checksum >> 8, checksum & 0xff], 10);
  return copy;
}

describe('the golden ICMP fragmentation needed', () => {
  it('decodes as annotated, with the quoted segment\'s addresses, ports and sequence number', () => {
    expect(decodePacket(GOLDEN_FRAG_NEEDED)).toEqual({
      ip: expect.objectContaining({ ...ROUTER, totalLength: 56 }),
      icmp: { kind: 'frag-needed', nextHopMtu: 1200, unused: 0, quote: GOLDEN_FRAG_NEEDED.slice(28), checksum: 0x3892, invoking: INVOKED },
      ipChecksumOk: true,
      icmpChecksumOk: true,
    });
  });

  it('is what encodePacket writes quoting the invoking segment, the quote its header and 8 octets (RFC 792)', () => {
    const quote = quoteForIcmpv4(INVOKING);
    expect(toHex(quote)).toBe(toHex(GOLDEN_FRAG_NEEDED.subarray(28)));
    expect(toHex(encodePacket({ ip: ROUTER, icmp: { kind: 'frag-needed', nextHopMtu: 1200, quote } }))).toBe(toHex(GOLDEN_FRAG_NEEDED));
  });
});

describe('ICMP error messages', () => {
  const quote = quoteForIcmpv4(INVOKING);
  const MESSAGES: [string, Icmpv4Message, string][] = [
    ...[0, 1, 2, 3, 5, 13].map((code): [string, Icmpv4Message, string] => [
      `${ICMPV4_UNREACHABLE_CODES[code]}`,
      { kind: 'unreachable', code, quote },
      `03${code.toString(16).padStart(2, '0')}` + '00000000',
    ]),
    ['unreachable with code 16, which no RFC names', { kind: 'unreachable', code: 16, quote }, '0310' + '00000000'],
    ['source quench (RFC 792)', { kind: 'source-quench', code: 0, quote }, '0400' + '00000000'],
    ['time exceeded in transit', { kind: 'time-exceeded', code: 0, quote }, '0b00' + '00000000'],
    ['time exceeded in reassembly', { kind: 'time-exceeded', code: 1, quote }, '0b01' + '00000000'],
    ['parameter problem pointing at the TTL', { kind: 'parameter-problem', code: 0, pointer: 8, quote }, '0c00' + '08000000'],
    ['parameter problem, bad length (RFC 1812)', { kind: 'parameter-problem', code: 2, pointer: 0, quote }, '0c02' + '00000000'],
    ['frag-needed from a router that predates RFC 1191 (MTU 0)', { kind: 'frag-needed', nextHopMtu: 0, quote }, '0304' + '00000000'],
    ['frag-needed with its unused octets set', { kind: 'frag-needed', nextHopMtu: 576, unused: 0xabcd, quote }, '0304' + 'abcd0240'],
  ];

  it.each(MESSAGES)('%s: type, code and rest of header as written, the quote after them, and back', (_, message, header) => {
    const bytes = encodeIcmpv4(message, 20);
    expect(toHex(bytes.subarray(0, 2)) + toHex(bytes.subarray(4, 8))).toBe(header);
    expect(internetChecksum(bytes)).toBe(0);
    const decoded = decodePacket(encodePacket({ ip: ROUTER, icmp: message }));
    expect(decoded).toMatchObject({ icmp: { unused: 0, ...message, invoking: INVOKED }, icmpChecksumOk: true });
  });

  it('keep a message of another type (an echo request) as its type, code and body', () => {
    const echo: Icmpv4Message = { kind: 'other', type: 8, code: 0, body: fromHex('1234000168656c6c6f') };
    const bytes = encodePacket({ ip: ROUTER, icmp: echo });
    expect(toHex(bytes.subarray(20))).toBe('0800' + toHex(bytes.subarray(22, 24)) + '1234000168656c6c6f');
    expect(decodePacket(bytes)).toMatchObject({ icmp: { ...echo, checksum: expect.any(Number) }, icmpChecksumOk: true });
  });

  it('report, never hide, a bad checksum, and send one when asked', () => {
    const bytes = encodePacket({ ip: ROUTER, icmp: { kind: 'source-quench', code: 0, quote, checksum: 0xbad0 } });
    expect(decodePacket(bytes)).toMatchObject({ icmp: { checksum: 0xbad0 }, ipChecksumOk: true, icmpChecksumOk: false });
  });

  it('refuse destination unreachable code 4, which is frag-needed, and a missing MTU or pointer', () => {
    expect(() => encodeIcmpv4({ kind: 'unreachable', code: 4, quote }, 20)).toThrow(
      new WireError('malformed', 21, "ICMP unreachable code 4 is 'frag-needed'"),
    );
    const noMtu = { kind: 'frag-needed', quote } as unknown as Icmpv4Message;
    expect(() => encodeIcmpv4(noMtu, 20)).toThrow(new WireError('malformed', 26, 'ICMP frag-needed needs a numeric nextHopMtu'));
    expect(() => encodeIcmpv4({ kind: 'parameter-problem', code: 0, pointer: 256, quote }, 20)).toThrow(/pointer.*0\.\.255/);
  });
});

describe('the quote of an ICMP error', () => {
  it('is the IP header with its options and 8 octets by default, or as many as asked', () => {
    const withOptions = encodePacket({ ip: { ...basePacket().ip, options: [{ kind: 'nop' }] }, tcp: basePacket().tcp });
    expect(quoteForIcmpv4(withOptions)).toHaveLength(24 + 8);
    expect(quoteForIcmpv4(INVOKING, 25)).toEqual(INVOKING);
    expect(quoteForIcmpv4(INVOKING, 100)).toEqual(INVOKING);
  });

  it('shows ports without a sequence number when only 4 octets of TCP are quoted, and neither with fewer', () => {
    const decode = (quoted: Uint8Array): unknown => decodeIcmpv4(encodeIcmpv4({ kind: 'source-quench', code: 0, quote: quoted })).message;
    expect(decode(INVOKING.slice(0, 24))).toMatchObject({ invoking: { srcPort: 40000, dstPort: 8080 } });
    expect(decode(INVOKING.slice(0, 24))).not.toHaveProperty('invoking.seq');
    expect(decode(INVOKING.slice(0, 23))).toMatchObject({ invoking: { src: '198.18.0.2', protocol: 6 } });
    expect(decode(INVOKING.slice(0, 23))).not.toHaveProperty('invoking.srcPort');
  });

  it('shows no ports for another protocol or for a fragment other than the first', () => {
    const udp = INVOKING.slice(0, 28);
    udp[9] = 17;
    const later = INVOKING.slice(0, 28);
    later.set([0x00, 0x10], 6);
    for (const quoted of [udp, later]) {
      const { message } = decodeIcmpv4(encodeIcmpv4({ kind: 'time-exceeded', code: 1, quote: quoted }));
      expect(message).toHaveProperty('invoking.src', '198.18.0.2');
      expect(message).not.toHaveProperty('invoking.srcPort');
    }
  });

  it('must hold a whole IPv4 header: a shorter or other one is a WireError at the quote', () => {
    const short = encodePacket({ ip: ROUTER, icmp: { kind: 'unreachable', code: 3, quote: INVOKING.slice(0, 19) } });
    expect(() => decodePacket(short)).toThrow(expect.objectContaining({ code: 'truncated', offset: 28 }));
    const ipv6 = encodePacket({ ip: ROUTER, icmp: { kind: 'unreachable', code: 3, quote: fromHex('6'.padEnd(40, '0')) } });
    expect(() => decodePacket(ipv6)).toThrow(new WireError('malformed', 28, 'IPv4 header has version 6, expected 4'));
  });
});

describe('ICMP packets that are cut short', () => {
  it('throw a truncated WireError at byte 0 at every length short of the total length', () => {
    for (let length = 0; length < GOLDEN_FRAG_NEEDED.length; length++) {
      expect(() => decodePacket(GOLDEN_FRAG_NEEDED.slice(0, length))).toThrow(expect.objectContaining({ code: 'truncated', offset: 0 }));
    }
  });

  it('throw at the ICMP header or the quoted IP header when the total length agrees, else decode with a bad checksum', () => {
    for (let length = 20; length < GOLDEN_FRAG_NEEDED.length; length++) {
      const cut = withTotalLength(GOLDEN_FRAG_NEEDED.slice(0, length), length);
      if (length < 48) {
        expect(() => decodePacket(cut)).toThrow(expect.objectContaining({ code: 'truncated', offset: length < 28 ? 20 : 28 }));
      } else {
        expect(decodePacket(cut)).toMatchObject({ icmp: { kind: 'frag-needed', invoking: { src: '198.18.0.2' } }, icmpChecksumOk: false });
      }
    }
  });

  it('say an ICMP message in a fragment is unsupported, as a TCP one is', () => {
    const fragment = encodePacket({ ip: { ...ROUTER, moreFragments: true }, icmp: { kind: 'source-quench', code: 0, quote: INVOKING } });
    expect(() => decodePacket(fragment)).toThrow(expect.objectContaining({ code: 'unsupported', offset: 6 }));
  });

  it('decode a captured kernel segment quoted whole', () => {
    const { message } = decodeIcmpv4(encodeIcmpv4({ kind: 'unreachable', code: 3, quote: CAPTURED.syn }));
    expect(message).toMatchObject({ invoking: { src: '198.18.0.1', dst: '198.18.0.2', srcPort: 60994, dstPort: 80, seq: 3286783763 } });
  });
});
