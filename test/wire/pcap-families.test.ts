import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TcpFlag, encodePacket, pcapFileHeader, pcapRecord, quoteForIcmpv4, quoteForIcmpv6 } from '../../src/wire';
import type { Ipv4Header, Ipv6Header, Packet, TcpSegment } from '../../src/wire';
import { GOLDEN_EXTENSIONS6 } from './golden-families';
import { basePacket } from './samples';
import { readFields } from './tshark';

/**
 * One pcap of IPv6/TCP, IPv4 with options, ICMP and ICMPv6 packets under LINKTYPE_RAW, read back by
 * tshark: the fields it shows must be the ones encoded. An ICMP error's own fields and those of the
 * packet it quotes come out joined by commas, in that order.
 */
describe('a pcap of both families and their ICMP, read by tshark', () => {
  const peer6: Ipv6Header = { version: 6, src: '2001:2::2', dst: '2001:2::1', hopLimit: 64, protocol: 6 };
  const router6: Ipv6Header = { version: 6, src: '2001:2::9', dst: '2001:2::2', hopLimit: 64, protocol: 58 };
  const peer4: Ipv4Header = basePacket().ip;
  const router4: Ipv4Header = { version: 4, src: '198.18.0.9', dst: '198.18.0.2', protocol: 1, ttl: 64, id: 9, dontFragment: false };
  const segment = (fields: Partial<TcpSegment>): TcpSegment => ({ ...basePacket().tcp, dstPort: 8080, ...fields });

  const data6: Packet = {
    ip: { ...peer6, ecn: 'ect0', flowLabel: 0xabcde },
    tcp: segment({ flags: TcpFlag.PSH | TcpFlag.ACK | TcpFlag.CWR, seq: 0xfffffff0, ack: 7, payload: new Uint8Array(1400) }),
  };
  const syn4: Packet = {
    ip: { ...peer4, ecn: 'ce', options: [{ kind: 'lsrr', pointer: 4, route: ['198.18.0.9', '198.18.0.1'] }, { kind: 'unknown', type: 0x1e, data: new Uint8Array(2) }] },
    tcp: segment({ flags: TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR, seq: 1000 }),
  };
  const ack4: Packet = { ip: peer4, tcp: segment({ flags: TcpFlag.ACK, seq: 1001, ack: 5001 }) };
  const packets: Packet[] = [
    data6,
    syn4,
    { ip: router4, icmp: { kind: 'frag-needed', nextHopMtu: 1200, quote: quoteForIcmpv4(encodePacket(ack4)) } },
    { ip: router4, icmp: { kind: 'unreachable', code: 3, quote: quoteForIcmpv4(encodePacket(syn4)) } },
    { ip: router4, icmp: { kind: 'parameter-problem', code: 0, pointer: 20, quote: quoteForIcmpv4(encodePacket(syn4)) } },
    { ip: router6, icmpv6: { kind: 'packet-too-big', code: 0, mtu: 1280, quote: quoteForIcmpv6(encodePacket(data6)) } },
    { ip: router6, icmpv6: { kind: 'unreachable', code: 4, quote: quoteForIcmpv6(GOLDEN_EXTENSIONS6) } },
    { ip: { ...router6, ecn: 'ect1' }, icmpv6: { kind: 'parameter-problem', code: 1, pointer: 6, quote: quoteForIcmpv6(encodePacket(data6)) } },
  ];

  let directory: string;
  let file: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'tcpconform-families-'));
    file = join(directory, 'families.pcap');
    const records = packets.map((packet, i) => pcapRecord(1_700_000_000_000_000_000n + BigInt(i) * 1000n, encodePacket(packet)));
    writeFileSync(file, Buffer.concat([pcapFileHeader(), ...records]));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('shows the addresses of each packet and of the packet its ICMP error quotes', () => {
    expect(readFields(file, ['ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst'])).toEqual([
      ['', '', '2001:2::2', '2001:2::1'],
      ['198.18.0.2', '198.18.0.1', '', ''],
      ['198.18.0.9,198.18.0.2', '198.18.0.2,198.18.0.1', '', ''],
      ['198.18.0.9,198.18.0.2', '198.18.0.2,198.18.0.1', '', ''],
      ['198.18.0.9,198.18.0.2', '198.18.0.2,198.18.0.1', '', ''],
      ['', '', '2001:2::9,2001:2::2', '2001:2::2,2001:2::1'],
      ['', '', '2001:2::9,2001:2::2', '2001:2::2,2001:2::1'],
      ['', '', '2001:2::9,2001:2::2', '2001:2::2,2001:2::1'],
    ]);
  });

  it('shows the TCP ports and sequence numbers, the quoted ones too', () => {
    // tcp.seq, not tcp.seq_raw, which tshark leaves out for the 8 octets an ICMP error quotes.
    expect(readFields(file, ['tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.flags'])).toEqual([
      ['40000', '8080', String(0xfffffff0), '0x0098'],
      ['40000', '8080', '1000', '0x00c2'],
      ['40000', '8080', '1001', ''],
      ['40000', '8080', '1000', ''],
      ['40000', '8080', '1000', ''],
      ['40000', '8080', String(0xfffffff0), '0x0098'],
      ['40000', '8080', '1000', '0x0002'],
      ['40000', '8080', String(0xfffffff0), '0x0098'],
    ]);
  });

  it('shows the ICMP and ICMPv6 types, codes, MTUs and pointers', () => {
    expect(readFields(file, ['icmp.type', 'icmp.code', 'icmp.mtu', 'icmp.pointer', 'icmpv6.type', 'icmpv6.code', 'icmpv6.mtu', 'icmpv6.pointer'])).toEqual([
      ['', '', '', '', '', '', '', ''],
      ['', '', '', '', '', '', '', ''],
      ['3', '4', '1200', '', '', '', '', ''],
      ['3', '3', '', '', '', '', '', ''],
      ['12', '0', '', '20', '', '', '', ''],
      ['', '', '', '', '2', '0', '1280', ''],
      ['', '', '', '', '1', '4', '', ''],
      ['', '', '', '', '4', '1', '', '6'],
    ]);
  });

  it('shows the ECN codepoints, the flow label and the IPv4 options', () => {
    // ECN as a number: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE (RFC 3168 §5). tshark gives no type for the
    // unknown option 30, only its 4 bytes; the EOL (type 0) that pads the area is found right after them.
    const options = ['131,0', '11', '4', '198.18.0.9'];
    expect(readFields(file, ['ip.dsfield.ecn', 'ipv6.tclass.ecn', 'ipv6.flow', 'ip.opt.type', 'ip.opt.len', 'ip.opt.ptr', 'ip.src_rt'])).toEqual([
      ['', '2', '0x0abcde', '', '', '', ''],
      ['3', '', '', ...options],
      ['0,0', '', '', '', '', '', ''],
      ['0,3', '', '', ...options],
      ['0,3', '', '', ...options],
      ['', '0,2', '0x000000,0x0abcde', '', '', '', ''],
      ['', '0,0', '0x000000,0x000000', '', '', '', ''],
      ['', '1,2', '0x000000,0x0abcde', '', '', '', ''],
    ]);
  });

  it('finds every checksum good: IPv4 headers, TCP over both pseudo-headers, ICMP, ICMPv6', () => {
    // Status 1 is "Good". tshark checks no TCP checksum in 8 quoted octets, and finds one bad where the
    // quote of a 1400-byte segment stops at 1232 bytes (it cannot see the rest); a whole quoted one is good.
    const cutShort = '0';
    expect(readFields(file, ['ip.checksum.status', 'tcp.checksum.status', 'icmp.checksum.status', 'icmpv6.checksum.status'])).toEqual([
      ['', '1', '', ''],
      ['1', '1', '', ''],
      ['1,1', '', '1', ''],
      ['1,1', '', '1', ''],
      ['1,1', '', '1', ''],
      ['', cutShort, '', '1'],
      ['', '1', '', '1'],
      ['', cutShort, '', '1'],
    ]);
  });
});
