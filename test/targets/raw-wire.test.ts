/**
 * The raw target's pure parts: the peer's ports on the wire, the packets it lets out and in, its
 * settings and the RST rule's text. No sockets, no namespaces.
 */
import type { RawConfig } from '../../src/targets/raw';
import { rawConfig, rawSettingsFromEnv, rstRule } from '../../src/targets/raw';
import { configProblems } from '../../src/targets/raw/config';
import { fromWire, toWire } from '../../src/targets/raw/packets';
import { PeerPorts, adjustChecksum, withPort } from '../../src/targets/raw/ports';
import { IpProtocol, decodePacket, encodePacket, parseFlags, quoteForIcmpv4, quoteForIcmpv6 } from '../../src/wire';

const addresses = { target: '198.18.1.2', peer: '198.18.1.1' };
const addresses6 = { target: '2001:2::1:2', peer: '2001:2::1:1' };
const RANGE = { first: 40000, last: 40009 };

function packet(src: string, dst: string, srcPort: number, dstPort: number, payload = 'data'): Uint8Array {
  return encodePacket({
    ip: src.includes(':') ? { version: 6, src, dst, protocol: IpProtocol.TCP, hopLimit: 64 } : { version: 4, src, dst, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true },
    tcp: { srcPort, dstPort, seq: 123456, ack: 654321, flags: parseFlags('PA'), window: 1000, urgentPointer: 0, options: [{ kind: 'mss', mss: 1460 }], payload: new TextEncoder().encode(payload) },
  });
}

describe('the peer\'s ports on the wire', () => {
  test('a rewritten port carries the checksum a fresh encoding would, and a bad checksum stays exactly as bad', () => {
    for (const [from, to] of [[40000, 51234], [1, 65535], [65535, 0], [8080, 8080]] as const) {
      const original = packet(addresses.peer, addresses.target, from, 8080);
      const rewritten = withPort(original, 20, 0, to);
      expect(Buffer.from(rewritten).equals(Buffer.from(packet(addresses.peer, addresses.target, to, 8080)))).toBe(true);
      const bad = Uint8Array.from(original);
      bad[37] = bad[37]! ^ 0x5a;
      const badRewritten = withPort(bad, 20, 0, to);
      expect(decodePacket(badRewritten).tcpChecksumOk).toBe(false);
      expect(withPort(badRewritten, 20, 0, from)).toEqual(bad);
    }
    // RFC 1624's example: 0xdd2f with 0x5555 becoming 0x3285 gives 0x0000, not eqn. 2's 0xffff.
    expect(adjustChecksum(0xdd2f, 0x5555, 0x3285)).toBe(0x0000);
  });

  test('each port a case uses gets a wire port of its own, and the next case gets others', () => {
    const first = new PeerPorts(RANGE);
    const a = first.wire(40000);
    const b = first.wire(5555);
    expect(first.wire(40000)).toBe(a);
    expect(b).not.toBe(a);
    expect([first.caseOf(a), first.caseOf(b)]).toEqual([40000, 5555]);
    const unused = [40000, 40001, 40002].find((port) => port !== a && port !== b) ?? 0;
    expect(first.caseOf(unused)).toBeUndefined();
    const second = new PeerPorts(RANGE);
    const c = second.wire(40000);
    expect([a, b]).not.toContain(c);
    for (const port of [a, b, c]) expect(port >= RANGE.first && port <= RANGE.last).toBe(true);
    const tiny = new PeerPorts({ first: 40000, last: 40000 });
    tiny.wire(1);
    expect(() => tiny.wire(2)).toThrow('too small');
  });
});

describe('packets between the case and the wire', () => {
  test('what goes out must be TCP from the peer to the target, and leaves from the wire port', () => {
    const ports = new PeerPorts(RANGE);
    const out = toWire(packet(addresses.peer, addresses.target, 40000, 8080), addresses, ports);
    expect(decodePacket(out).tcp?.srcPort).toBe(ports.wire(40000));
    expect(decodePacket(out).tcpChecksumOk).toBe(true);
    expect(() => toWire(packet(addresses.peer, '198.18.1.3', 40000, 8080), addresses, ports)).toThrow('only from 198.18.1.1 to 198.18.1.2');
    expect(() => toWire(packet('198.18.1.9', addresses.target, 40000, 8080), addresses, ports)).toThrow('only from');
    const udp = Uint8Array.from(packet(addresses.peer, addresses.target, 40000, 8080));
    udp[9] = 17; // UDP
    expect(() => toWire(udp, addresses, ports)).toThrow('TCP segments and ICMP errors about them only');
  });

  test("an ICMP error about the target's segment quotes the peer's port as the target sent it, its checksum made again", () => {
    const ports = new PeerPorts(RANGE);
    const quoted = quoteForIcmpv4(packet(addresses.target, addresses.peer, 8080, 40000));
    const ip = { version: 4 as const, src: addresses.peer, dst: addresses.target, protocol: IpProtocol.ICMP, ttl: 64, id: 0, dontFragment: false };
    const out = decodePacket(toWire(encodePacket({ ip, icmp: { kind: 'unreachable', code: 3, quote: quoted } }), addresses, ports));
    expect(out.icmpChecksumOk).toBe(true);
    expect(out.icmp?.kind !== 'other' && out.icmp?.invoking).toMatchObject({ srcPort: 8080, dstPort: ports.wire(40000), seq: 123456 });
    const aboutUdp = Uint8Array.from(quoted);
    aboutUdp[9] = 17;
    expect(() => toWire(encodePacket({ ip, icmp: { kind: 'unreachable', code: 3, quote: aboutUdp } }), addresses, ports)).toThrow('ICMP errors about TCP segments only');
  });

  test('what comes in is the target\'s segment to this case\'s wire port, mapped back; all else is dropped', () => {
    const ports = new PeerPorts(RANGE);
    const wire = ports.wire(40000);
    const control = { host: addresses.target, port: 7000 };
    const answer = fromWire(packet(addresses.target, addresses.peer, 8080, wire), addresses, ports, control);
    expect(answer && decodePacket(answer).tcp?.dstPort).toBe(40000);
    expect(answer && decodePacket(answer).tcpChecksumOk).toBe(true);
    const otherWire = wire === RANGE.last ? RANGE.first : wire + 1;
    expect(fromWire(packet(addresses.target, addresses.peer, 8080, otherWire), addresses, ports, control)).toBeUndefined();
    expect(fromWire(packet('198.18.1.3', addresses.peer, 8080, wire), addresses, ports, control)).toBeUndefined();
    expect(fromWire(packet(addresses.target, addresses.peer, 7000, wire), addresses, ports, control)).toBeUndefined();
    expect(fromWire(packet(addresses.target, addresses.peer, 8080, wire).slice(0, 22), addresses, ports, control)).toBeUndefined();
  });
});

describe('packets between the case and the wire over IPv6', () => {
  test('a segment goes out from the wire port and comes back mapped, behind a destination options header too', () => {
    const ports = new PeerPorts(RANGE);
    const out = decodePacket(toWire(packet(addresses6.peer, addresses6.target, 40000, 8080), addresses6, ports));
    expect([out.tcp?.srcPort, out.tcpChecksumOk]).toEqual([ports.wire(40000), true]);
    expect(() => toWire(packet(addresses6.peer, '2001:2::1:3', 40000, 8080), addresses6, ports)).toThrow('only from 2001:2::1:1 to 2001:2::1:2');
    const withOptions = encodePacket({
      ip: { version: 6, src: addresses6.target, dst: addresses6.peer, protocol: IpProtocol.TCP, hopLimit: 64, extensions: [{ kind: 'destination-options', options: Uint8Array.from([1, 4, 0, 0, 0, 0]) }] },
      tcp: { srcPort: 8080, dstPort: ports.wire(40000), seq: 1, ack: 2, flags: parseFlags('A'), window: 1000, urgentPointer: 0, options: [], payload: new Uint8Array() },
    });
    const answer = fromWire(withOptions, addresses6, ports);
    expect(answer && [decodePacket(answer).tcp?.dstPort, decodePacket(answer).tcpChecksumOk]).toEqual([40000, true]);
    expect(fromWire(packet(addresses6.target, addresses6.peer, 8080, ports.wire(40000)), addresses, ports)).toBeUndefined();
  });

  test("an ICMPv6 error about the target's segment quotes the wire port, its checksum made again over the pseudo-header", () => {
    const ports = new PeerPorts(RANGE);
    const quote = quoteForIcmpv6(packet(addresses6.target, addresses6.peer, 8080, 40000));
    const ip = { version: 6 as const, src: addresses6.peer, dst: addresses6.target, protocol: IpProtocol.ICMPV6, hopLimit: 64 };
    const out = decodePacket(toWire(encodePacket({ ip, icmpv6: { kind: 'packet-too-big', code: 0, mtu: 1280, quote } }), addresses6, ports));
    expect(out.icmpChecksumOk).toBe(true);
    expect(out.icmpv6?.kind !== 'other' && out.icmpv6?.invoking).toMatchObject({ srcPort: 8080, dstPort: ports.wire(40000) });
  });
});

describe('settings', () => {
  const good: RawConfig = {
    target: '198.18.1.2',
    peer: '198.18.1.1',
    pathMtuPeer: '198.18.1.3',
    peerPorts: { first: 40000, last: 59999 },
    link: { kind: 'veth', namespace: 'lab', bridge: 'br0' },
    application: { mode: 'agent', agent: { host: '198.18.1.2', port: 7000 } },
  };

  test('every address must lie in 198.18.0.0/15, and names and ports must be usable', () => {
    expect(configProblems(good)).toEqual([]);
    expect(configProblems({ ...good, target: '10.0.0.2', application: { mode: 'agent', agent: { host: '192.168.1.1', port: 0 } } })).toEqual([
      'the target address 10.0.0.2 is outside 198.18.0.0/15, the only IPv4 range tcpconform speaks to',
      'the agent address 192.168.1.1 is outside 198.18.0.0/15, the only IPv4 range tcpconform speaks to',
      '0 is not a TCP port',
    ]);
    expect(configProblems({ ...good, peer: '198.18.1.2', peerPorts: { first: 60000, last: 62000 } })).toEqual([
      'the target and the peer cannot both be 198.18.1.2',
      "the agent cannot be at the peer's address 198.18.1.2",
      'the peer ports must be a range within 1024-60999, not 60000-62000',
    ]);
    expect(configProblems({ ...good, link: { kind: 'veth', namespace: 'a b', bridge: 'a-bridge-name-too-long' } })).toEqual([
      'the link\'s namespace name "a b" is not a usable name',
      'the link\'s bridge name "a-bridge-name-too-long" is not a usable interface name',
    ]);
    expect(configProblems({ ...good, target: '198.18.1.256' })).toEqual(['the target address "198.18.1.256" is not an IPv4 address']);
    expect(configProblems({ ...good, pathMtuPeer: '198.18.1.1' })).toEqual(['the peer and the path-MTU peer cannot both be 198.18.1.1']);
    expect(configProblems({ ...good, pathMtuPeer: '198.18.1.2' })).toEqual(['the target and the path-MTU peer cannot both be 198.18.1.2', "the agent cannot be at the path-MTU peer's address 198.18.1.2"]);
    expect(configProblems({ ...good, pathMtuPeer: '192.0.2.3' })).toEqual(['the path-MTU peer address 192.0.2.3 is outside 198.18.0.0/15, the only IPv4 range tcpconform speaks to']);
  });

  test('the settings give a config, or say what is missing and by which option or variable', () => {
    expect(rawConfig({ target: '198.18.1.2', link: 'veth:lab:br0', agent: '198.18.1.2:7000' })).toEqual(good);
    expect(rawConfig({ target: '198.18.1.2', link: 'veth:lab:br0', service: '7', peerPorts: '20000-20999' })).toEqual({
      ...good,
      peerPorts: { first: 20000, last: 20999 },
      application: { mode: 'service', port: 7 },
    });
    expect(() => rawConfig({ link: 'veth:lab:br0' })).toThrow(
      "The raw target needs --raw-target (or TCPCONFORM_RAW_TARGET), the target's address, e.g. 198.18.1.2; exactly one of --raw-agent (or TCPCONFORM_RAW_AGENT), HOST:PORT of tcpconform-agent --listen, and --raw-service (or TCPCONFORM_RAW_SERVICE), the port of the target's echo or discard server.",
    );
    expect(() => rawConfig({ target: '198.18.1.2', link: 'veth:lab:br0', agent: '198.18.1.2:7000', service: '7' })).toThrow('exactly one of --raw-agent');
    expect(() => rawConfig({ target: '8.8.8.8', link: 'veth:lab:br0', service: '7' })).toThrow('outside 198.18.0.0/15');
    expect(() => rawConfig({ target: '198.18.1.2', link: 'eth1', service: '7' })).toThrow('--raw-link (or TCPCONFORM_RAW_LINK) must be veth:NAMESPACE:BRIDGE, not "eth1".');
    expect(() => rawConfig({ target: '198.18.1.2', link: 'veth:lab:br0', service: 'seven' })).toThrow('--raw-service (or TCPCONFORM_RAW_SERVICE) needs a port number, not "seven".');
  });

  test('the environment holds the same settings, under the variables the options name', () => {
    expect(rawSettingsFromEnv({ TCPCONFORM_RAW_TARGET: '198.18.1.2', TCPCONFORM_RAW_PEER_PORTS: '20000-20999', HOME: '/root' })).toEqual({ target: '198.18.1.2', peerPorts: '20000-20999' });
  });

  test('IPv6 addresses must lie in 2001:2::/48, and are kept in RFC 5952\'s form', () => {
    expect(configProblems({ ...good, ipv6: { target: '2001:db8::2', peer: 'nonsense', pathMtuPeer: '2001:db8::3' } })).toEqual([
      'the IPv6 target address 2001:db8::2 is outside 2001:2::/48, the only IPv6 range tcpconform speaks to',
      'the IPv6 peer address "nonsense" is not an IPv6 address',
      'the IPv6 path-MTU peer address 2001:db8::3 is outside 2001:2::/48, the only IPv6 range tcpconform speaks to',
    ]);
    expect(configProblems({ ...good, ipv6: { target: '2001:2::1:2', peer: '2001:2:0::1:2', pathMtuPeer: '2001:2::1:3' } })).toEqual(['the IPv6 target and the peer cannot both be 2001:2::1:2']);
    expect(configProblems({ ...good, ipv6: { target: '2001:2::1:2', peer: '2001:2::1:1', pathMtuPeer: '2001:2::0:1:1' } })).toEqual(['the IPv6 peer and the path-MTU peer cannot both be 2001:2::1:1']);
    expect(rawConfig({ target: '198.18.1.2', target6: '2001:0002:0:0::1:2', link: 'veth:lab:br0', agent: '198.18.1.2:7000', pathMtuPeer6: '2001:2::1:0009' }).ipv6).toEqual({ target: '2001:2::1:2', peer: '2001:2::1:1', pathMtuPeer: '2001:2::1:9' });
    expect(() => rawConfig({ target: '198.18.1.2', pathMtuPeer6: '2001:2::9', link: 'veth:lab:br0', agent: '198.18.1.2:7000' })).toThrow('--raw-target6 (or TCPCONFORM_RAW_TARGET6)');
    expect(() => rawConfig({ target: '198.18.1.2', peer6: '2001:2::9', link: 'veth:lab:br0', agent: '198.18.1.2:7000' })).toThrow('--raw-target6 (or TCPCONFORM_RAW_TARGET6)');
    expect(() => rawConfig({ target: '198.18.1.2', target6: '::ffff:198.18.1.2', link: 'veth:lab:br0', agent: '198.18.1.2:7000' })).toThrow('outside 2001:2::/48');
  });

  test('the IPv6 RST rule is the same in an ip6 table', () => {
    expect(rstRule({ ...good, family: 'ipv6', target: '2001:2::1:2', peer: '2001:2::1:1' })).toContain('table ip6 tcpconform_raw {\n  chain output {\n    type filter hook output priority filter; policy accept;\n    ip6 saddr 2001:2::1:1 ip6 daddr 2001:2::1:2 tcp sport 40000-59999 tcp flags & rst == rst meta mark != 0x74637266 counter drop');
  });

  test('the RST rule drops only unmarked RSTs from the peer\'s wire ports to the target', () => {
    expect(rstRule({ ...good, family: 'ipv4' })).toBe(`table ip tcpconform_raw {
  chain output {
    type filter hook output priority filter; policy accept;
    ip saddr 198.18.1.1 ip daddr 198.18.1.2 tcp sport 40000-59999 tcp flags & rst == rst meta mark != 0x74637266 counter drop
  }
}
`);
  });
});
