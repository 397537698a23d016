import { TcpFlag, decodePacket, formatIcmpv4, formatIcmpv6, formatOptions, formatPacket, formatSegment } from '../../src/wire';
import type { Icmpv4Message, Icmpv6Message } from '../../src/wire';
import { GOLDEN_FRAG_NEEDED, GOLDEN_PACKET_TOO_BIG, GOLDEN_SYN6 } from './golden-families';
import { CAPTURED, basePacket, fromHex } from './samples';

describe('formatOptions', () => {
  it('writes the options of a Linux SYN the way tcpdump would, shortened', () => {
    const options = decodePacket(CAPTURED.syn).tcp?.options ?? [];
    expect(formatOptions(options)).toBe('mss 1460,sackOK,ts 2067929842 0,nop,wscale 10');
  });

  it('writes every kind', () => {
    expect(
      formatOptions([
        { kind: 'eol' },
        { kind: 'nop' },
        { kind: 'sack', blocks: [{ left: 1001, right: 2001 }, { left: 3001, right: 4001 }] },
        { kind: 'unknown', type: 30, data: fromHex('0102') },
        { kind: 'unknown', type: 99, data: new Uint8Array(0) },
        { kind: 'malformed', bytes: fromHex('0201'), reason: 'illegal length 1' },
      ]),
    ).toBe('eol,nop,sack {1001:2001}{3001:4001},opt-30 0x0102,opt-99,malformed 0x0201 (illegal length 1)');
  });

  it('writes nothing for no options', () => {
    expect(formatOptions([])).toBe('');
  });
});

describe('formatSegment', () => {
  it('writes a SYN without its ack', () => {
    expect(formatSegment(decodePacket(CAPTURED.syn).tcp ?? basePacket().tcp)).toBe(
      '60994 > 80 S seq 3286783763 win 64240 [mss 1460,sackOK,ts 2067929842 0,nop,wscale 10] len 0',
    );
  });

  it('writes the ack when ACK is set, and the payload length', () => {
    expect(formatSegment(decodePacket(CAPTURED.data).tcp ?? basePacket().tcp)).toBe(
      '60994 > 80 PA seq 3286783764 ack 5001 win 63 [nop,nop,ts 2067929843 100] len 6',
    );
  });

  it('writes the urgent pointer only when URG is set, and "." for no flags', () => {
    const tcp = { ...basePacket().tcp, urgentPointer: 9 };
    expect(formatSegment({ ...tcp, flags: 0 })).toBe('40000 > 80 . seq 1000 win 65535 len 0');
    expect(formatSegment({ ...tcp, flags: TcpFlag.URG })).toBe('40000 > 80 U seq 1000 win 65535 urg 9 len 0');
  });
});

describe('formatPacket', () => {
  it('writes an IPv4 segment with its endpoints', () => {
    expect(formatPacket(decodePacket(CAPTURED.synAck))).toBe(
      '198.18.0.1:8080 > 198.18.0.2:40000 SA seq 94239197 ack 7001 win 65160 [mss 1460,sackOK,ts 2725376334 100,nop,wscale 10] len 0',
    );
  });

  it('writes an IPv6 segment with its addresses in brackets, and the ECN codepoint when it is set', () => {
    expect(formatPacket(decodePacket(GOLDEN_SYN6))).toBe('[2001:2::2]:40000 > [2001:2::1]:8080 SEC seq 1000 win 65535 [mss 1440] len 0');
    const ce = GOLDEN_SYN6.slice();
    ce[1] = 0x31;
    expect(formatPacket(decodePacket(ce))).toMatch(/len 0 ecn ce$/);
  });

  it('writes an ICMP error with what it quotes', () => {
    expect(formatPacket(decodePacket(GOLDEN_FRAG_NEEDED))).toBe(
      '198.18.0.9 > 198.18.0.1 ICMP frag-needed mtu 1200 quoting 198.18.0.2:40000 > 198.18.0.1:8080 seq 1001',
    );
    expect(formatPacket(decodePacket(GOLDEN_PACKET_TOO_BIG))).toBe(
      '2001:2::9 > 2001:2::1 ICMPv6 packet-too-big mtu 1280 quoting [2001:2::2]:40000 > [2001:2::1]:8080 seq 1000',
    );
  });

  it('writes a packet of another protocol as its length', () => {
    const ip = { version: 4, src: '198.18.0.2', dst: '198.18.0.1', protocol: 17, ttl: 64, id: 0, dontFragment: true } as const;
    expect(formatPacket({ ip, payload: new Uint8Array(12) })).toBe('198.18.0.2 > 198.18.0.1 protocol 17 len 12');
  });
});

describe('formatIcmpv4 and formatIcmpv6', () => {
  const quote = GOLDEN_FRAG_NEEDED.slice(28);
  const invoking = { version: 4, src: '198.18.0.2', dst: '198.18.0.1', protocol: 6, srcPort: 40000, dstPort: 8080, seq: 1001 } as const;

  it.each([
    [{ kind: 'unreachable', code: 3, quote, invoking }, 'ICMP port-unreachable quoting 198.18.0.2:40000 > 198.18.0.1:8080 seq 1001'],
    [{ kind: 'unreachable', code: 13, quote, invoking: { ...invoking, seq: undefined } }, 'ICMP admin-prohibited quoting 198.18.0.2:40000 > 198.18.0.1:8080'],
    [{ kind: 'unreachable', code: 16, quote }, 'ICMP unreachable code 16 quoting 28 bytes'],
    [{ kind: 'source-quench', code: 0, quote, invoking: { version: 4, src: '198.18.0.2', dst: '198.18.0.1', protocol: 17 } }, 'ICMP source-quench quoting 198.18.0.2 > 198.18.0.1 protocol 17'],
    [{ kind: 'time-exceeded', code: 1, quote }, 'ICMP reassembly-time-exceeded quoting 28 bytes'],
    [{ kind: 'parameter-problem', code: 0, pointer: 8, quote }, 'ICMP parameter-problem pointer 8 quoting 28 bytes'],
    [{ kind: 'parameter-problem', code: 2, pointer: 0, quote }, 'ICMP parameter-problem bad-length pointer 0 quoting 28 bytes'],
    [{ kind: 'other', type: 8, code: 0, body: new Uint8Array(8) }, 'ICMP type 8 code 0 len 8'],
  ] as [Icmpv4Message, string][])('ICMP %j', (message, text) => {
    expect(formatIcmpv4(message)).toBe(text);
  });

  it.each([
    [{ kind: 'unreachable', code: 4, quote }, 'ICMPv6 port-unreachable quoting 28 bytes'],
    [{ kind: 'unreachable', code: 9, quote }, 'ICMPv6 unreachable code 9 quoting 28 bytes'],
    [{ kind: 'time-exceeded', code: 0, quote }, 'ICMPv6 hop-limit-exceeded quoting 28 bytes'],
    [{ kind: 'parameter-problem', code: 1, pointer: 40, quote }, 'ICMPv6 parameter-problem unrecognized-next-header pointer 40 quoting 28 bytes'],
    [{ kind: 'other', type: 128, code: 0, body: new Uint8Array(4) }, 'ICMPv6 type 128 code 0 len 4'],
  ] as [Icmpv6Message, string][])('ICMPv6 %j', (message, text) => {
    expect(formatIcmpv6(message)).toBe(text);
  });
});
