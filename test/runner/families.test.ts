/**
 * What differs by family, as the oracle, the ICMPv6 table and the run's family dimension hold it:
 * IPv6's default send MSS of 1220 (MUST-15), its 60 octets of headers, the 1280 floor of a packet too
 * big (RFC 8201), the ICMPv6 errors that say what ICMP errors say, which cases run in which family.
 */
import { Oracle } from '../../src/runner/oracle/oracle';
import { profileIn, runsIn } from '../../src/runner/families';
import { icmpErrorOfIcmpv6, icmpv6Counterpart, mssIn, RFC9293_PROFILE, type IpFamily } from '../../src/reference';
import { parseCase } from '../../src/suite/parse';
import { TcpFlag, type TcpSegment } from '../../src/wire';

const PEER_ISN = 1000;
const TARGET_ISN = 5000;
const { SYN, ACK } = TcpFlag;
const relative = { target: (seq: number) => (seq - TARGET_ISN) >>> 0, peer: (seq: number) => (seq - PEER_ISN) >>> 0 };

function fromPeer(over: Partial<TcpSegment>): TcpSegment {
  return { srcPort: 40000, dstPort: 8080, seq: PEER_ISN + 1, ack: TARGET_ISN + 1, flags: ACK, window: 65535, urgentPointer: 0, options: [], payload: new Uint8Array(), ...over };
}
function fromTarget(over: Partial<TcpSegment>): TcpSegment {
  return { srcPort: 8080, dstPort: 40000, seq: TARGET_ISN + 1, ack: PEER_ISN + 1, flags: ACK, window: 64240, urgentPointer: 0, options: [], payload: new Uint8Array(), ...over };
}

/** An oracle in `family` whose connection is established by a peer SYN with `options` (none: no MSS option). */
async function establishedWithoutMss(family: IpFamily, options: TcpSegment['options'] = []): Promise<Oracle> {
  const oracle = new Oracle({ ...RFC9293_PROFILE, mss: 1460 }, relative, 'virtual', 'pattern', family);
  oracle.appCall({ call: 'listen', port: 8080 }, 0);
  oracle.peerSent(fromPeer({ seq: PEER_ISN, ack: 0, flags: SYN, options }), 1, true);
  expect(oracle.observe(fromTarget({ seq: TARGET_ISN, flags: SYN | ACK }), 1)).toBeUndefined();
  oracle.peerSent(fromPeer({}), 2, true);
  oracle.appCall({ call: 'write', bytes: 3000 }, 3);
  return oracle;
}

describe('the default send MSS (RFC 9293 §3.7.1, MUST-15)', () => {
  test.each([
    ['ipv4', 536],
    ['ipv6', 1220],
  ] as const)('over %s, a peer without an MSS option takes %i octets a segment, not one more', async (family, mss) => {
    const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => 0x61 + (i % 26));
    const fits = await establishedWithoutMss(family);
    expect(fits.observe(fromTarget({ payload: bytes(mss) }), 3)).toBeUndefined();
    const over = await establishedWithoutMss(family);
    const violation = over.observe(fromTarget({ payload: bytes(mss + 1) }), 3);
    expect(violation?.rule).toBe('MUST-16');
    expect(violation?.message).toContain(`${mss}, the default when the peer's SYN carries no MSS option`);
  });
});

describe('a path MTU from ICMP', () => {
  const packetTooBig = (mtu: number) => icmpErrorOfIcmpv6({ kind: 'packet-too-big', code: 0, mtu, quote: new Uint8Array(), invoking: { version: 6, src: '2001:2::1', dst: '2001:2::2', protocol: 6, srcPort: 8080, dstPort: 40000, seq: TARGET_ISN + 1 } });
  const octets = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => 0x61 + ((from + i) % 26));

  test('a packet too big lowers the path MTU and holds segments to it less 60 octets', async () => {
    const oracle = await establishedWithoutMss('ipv6', [{ kind: 'mss', mss: 1460 }]);
    const error = packetTooBig(1280);
    expect(error).toEqual({ kind: 'frag-needed', code: 4, nextHopMtu: 1280, quoted: { srcPort: 8080, dstPort: 40000, seq: TARGET_ISN + 1 } });
    // Quoting data in flight: the oracle's machine must have sent it first.
    expect(oracle.observe(fromTarget({ payload: octets(0, 1220) }), 3)).toBeUndefined();
    oracle.icmpSent(error!, 4, true);
    const tooLarge = oracle.observe(fromTarget({ seq: TARGET_ISN + 1221, payload: octets(1220, 1221) }), 5);
    expect(tooLarge?.message).toContain('more than the 1220 the path allows (the path MTU of 1280 an ICMPv6 packet too big gave (RFC 8201)');
  });

  test('one naming less than 1280 is discarded (RFC 8201 §4): segments keep the size the MSS allows', async () => {
    const oracle = await establishedWithoutMss('ipv6', [{ kind: 'mss', mss: 1460 }]);
    expect(oracle.observe(fromTarget({ payload: octets(0, 1220) }), 3)).toBeUndefined();
    oracle.icmpSent(packetTooBig(552)!, 4, true);
    expect(oracle.observe(fromTarget({ seq: TARGET_ISN + 1221, payload: octets(1220, 1400) }), 5)).toBeUndefined();
  });
});

describe('ICMPv6 counterparts (RFC 4443)', () => {
  test('each ICMP error with one goes as the ICMPv6 error that says the same to TCP, and reads back as it', () => {
    const pairs = [
      ['unreachable', 0, 'unreachable', 0],
      ['unreachable', 1, 'unreachable', 3],
      ['unreachable', 2, 'parameter-problem', 1],
      ['unreachable', 3, 'unreachable', 4],
      ['frag-needed', 4, 'packet-too-big', 0],
      ['time-exceeded', 1, 'time-exceeded', 1],
      ['parameter-problem', 0, 'parameter-problem', 0],
    ] as const;
    for (const [kind, code, kind6, code6] of pairs) {
      expect(icmpv6Counterpart(kind, code)).toEqual({ kind: kind6, code: code6 });
      const back = icmpErrorOfIcmpv6({ kind: kind6, code: code6, ...(kind6 === 'packet-too-big' ? { mtu: 1280 } : kind6 === 'parameter-problem' ? { pointer: 6 } : {}), quote: new Uint8Array(), invoking: { version: 6, src: '2001:2::1', dst: '2001:2::2', protocol: 6, srcPort: 1, dstPort: 2, seq: 3 } } as never);
      expect([back?.kind, back?.code]).toEqual([kind, code]);
    }
  });

  test('Source Quench and source route failed have none; an unpaired ICMPv6 code is a soft error', () => {
    expect(icmpv6Counterpart('source-quench', 0)).toBeUndefined();
    expect(icmpv6Counterpart('unreachable', 5)).toBeUndefined();
    const beyondScope = icmpErrorOfIcmpv6({ kind: 'unreachable', code: 2, quote: new Uint8Array(), invoking: { version: 6, src: '2001:2::1', dst: '2001:2::2', protocol: 6, srcPort: 1, dstPort: 2, seq: 3 } });
    expect([beyondScope?.kind, beyondScope?.code]).toEqual(['unreachable', 0]);
  });
});

describe('the family dimension', () => {
  const header = 'id: a/b\ntitle: t\nspec: { rfc9293: ["3.5"] }\nlevel: MUST\n';
  const caseOf = (text: string) => {
    const parsed = parseCase('case.yaml', text);
    if (!parsed.case) throw new Error(JSON.stringify(parsed.problems));
    return parsed.case;
  };

  test('a case runs in every family unless it names one; ipv4-mapped only where the application makes calls', () => {
    const wire = caseOf(`${header}steps:\n  - send: { flags: S }\n`);
    const calls = caseOf(`${header}steps:\n  - app: listen\n`);
    const ipv4 = caseOf(`${header}family: ipv4\nsteps:\n  - app: listen\n`);
    expect((['ipv4', 'ipv6', 'ipv4-mapped'] as const).map((f) => [runsIn(wire, f), runsIn(calls, f), runsIn(ipv4, f)])).toEqual([
      [true, true, true],
      [true, true, false],
      [false, true, true],
    ]);
  });

  test('a profile\'s MSS over IPv6 is its interface\'s MTU less 60, at least 1220, unless the profile says otherwise', () => {
    expect(mssIn(1460, 'ipv6')).toBe(1440);
    expect(mssIn(536, 'ipv6')).toBe(1220);
    expect(profileIn({ ...RFC9293_PROFILE, mss: 1460 }, 'ipv4').mss).toBe(1460);
    expect(profileIn({ ...RFC9293_PROFILE, mss: 1460 }, 'ipv6').mss).toBe(1440);
    expect(profileIn({ ...RFC9293_PROFILE, mss: 536 }, 'ipv6', 536).mss).toBe(536);
    expect(profileIn({ ...RFC9293_PROFILE, mss: 1460 }, 'ipv4-mapped').mss).toBe(1460);
  });
});
