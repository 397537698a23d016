/**
 * The `icmp` step on the reference target: the error quotes the target's last segment (or the sequence
 * number the step names), the oracle's machine takes it as the target's does, and the trace shows what
 * it said. ICMP from the target is decoded into the trace; a target that cannot receive ICMP skips.
 */
import { parseCase } from '../../src/suite/parse';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';
import { RFC9293_PROFILE } from '../../src/reference';
import type { CaseResult, TraceEvent } from '../../src/runner/result';
import type { Target, TimedPacket } from '../../src/targets/target';
import { ladderLines } from '../../src/cli/text-ladder';
import { renderLadder } from '../../src/report/ladder';
import { decodePacket, encodePacket, IpProtocol, quoteForIcmpv4 } from '../../src/wire';

const OPEN = `  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
`;

async function run(steps: string, wrap: (target: Target) => Target = (t) => t): Promise<CaseResult> {
  const parsed = parseCase('case.yaml', `id: icmp/example\ntitle: An example\nspec: { rfc9293: ["3.9.2.2"] }\nlevel: MUST\nsteps:\n${OPEN}${steps}`);
  expect(parsed.problems).toEqual([]);
  const target = await createReferenceTarget(RFC9293_PROFILE);
  return runCase(parsed.case!, wrap(target), RFC9293_PROFILE);
}

const icmpEvents = (result: CaseResult) => result.trace.filter((e): e is TraceEvent & { kind: 'packet' } => e.kind === 'packet' && e.icmp !== undefined);

describe('the icmp step', () => {
  test('quotes the last segment the target sent; the machine and the target both lower the path MTU', async () => {
    const result = await run(`  - app: { write: 1000 }
  - icmp: { message: frag-needed, mtu: 300 }
  - wait: 1500ms
`);
    expect(result.verdict).toBe('pass');
    const [sent] = icmpEvents(result);
    // The target sent 536 octets and holds the rest back (Nagle): the error quotes that segment.
    expect(sent?.icmp).toEqual({ message: 'frag-needed', type: 3, code: 4, nextHopMtu: 300, quoted: { srcPort: 8080, dstPort: 40000, seq: 1 }, checksumOk: true });
    const resent = result.trace.filter((e) => e.kind === 'packet' && e.direction === 'from-target' && e.timeMs > 0);
    expect(resent.map((e) => (e.kind === 'packet' ? e.segment?.length : undefined))).toEqual([260]);
    expect(result.rules).toContain('rfc1191/6.4/path-mtu-lowered');
  });

  test('a chosen quoted sequence number outside the window is ignored by both', async () => {
    const result = await run(`  - app: { write: 100 }
  - icmp: { message: port-unreachable, seq: 100000 }
  - send: { flags: PA, data: 5 }
  - expect: { flags: A, ack: 6 }
`);
    expect(result.verdict).toBe('pass');
    expect(icmpEvents(result)[0]?.icmp?.quoted?.seq).toBe(100000);
    expect(result.rules).toContain('rfc5927/4.1/outside-send-window-ignored');
  });

  test('the ladders show the error as what it says', async () => {
    const result = await run(`  - app: { write: 100 }
  - icmp: { message: host-unreachable }
`);
    expect(ladderLines(result.trace).join('\n')).toMatch(/peer ──▶ +ICMP host-unreachable \(3\/1\) about 8080 > 40000 seq 1/);
    expect(renderLadder(result)?.svg).toContain('ICMP host-unreachable (3/1) about 8080 &gt; 40000 seq 1');
  });

  test('before the target has sent anything there is nothing to quote: the case errors', async () => {
    const parsed = parseCase('case.yaml', 'id: icmp/x\ntitle: X\nspec: { rfc9293: ["3.9.2.2"] }\nlevel: MUST\nsteps:\n  - icmp: { message: host-unreachable }\n');
    const result = await runCase(parsed.case!, await createReferenceTarget(), RFC9293_PROFILE);
    expect(result.verdict).toBe('error');
    expect(result.reason).toBe('case.yaml:6: icmp: the target has sent no segment yet for the error to quote');
  });

  test('a target that cannot pass ICMP to its stack skips the case, saying so', async () => {
    const result = await run('  - icmp: { message: host-unreachable }\n', (target) =>
      Object.assign(Object.create(target) as Target, { capabilities: { ...target.capabilities, icmp: false } }),
    );
    expect(result.verdict).toBe('skip');
    expect(result.reason).toBe('sends ICMP errors, which the reference target cannot pass to its stack');
  });
});

test('ICMP from the target is decoded into the trace and passed over', async () => {
  const parsed = parseCase('case.yaml', `id: icmp/example\ntitle: X\nspec: { rfc9293: ["3.9.2.2"] }\nlevel: MUST\nsteps:\n${OPEN}  - expect: { flags: A, ack: 1, within: 10ms }\n`);
  const target = await createReferenceTarget(RFC9293_PROFILE);
  // A target that, after the handshake, tells the peer its port is unreachable: ICMP about the peer's ACK.
  const receive = target.receive.bind(target);
  let told = false;
  const peerAck = encodePacket({
    ip: { version: 4, src: target.peerAddress, dst: target.address, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true },
    tcp: { srcPort: 40000, dstPort: 8080, seq: parsed.case!.peerIsn + 1, ack: 0, flags: 0x10, window: 65535, urgentPointer: 0, options: [], payload: new Uint8Array() },
  });
  target.receive = async (timeoutMs) => {
    if (target.state === 'ESTABLISHED' && !told) {
      told = true;
      const ip = { version: 4 as const, src: target.address, dst: target.peerAddress, protocol: IpProtocol.ICMP, ttl: 64, id: 1, dontFragment: false };
      return { bytes: encodePacket({ ip, icmp: { kind: 'unreachable', code: 3, quote: quoteForIcmpv4(peerAck) } }), timeNs: target.now() };
    }
    return receive(timeoutMs);
  };
  const result = await runCase(parsed.case!, target, RFC9293_PROFILE);
  const [fromTarget] = icmpEvents(result);
  expect(fromTarget).toMatchObject({ direction: 'from-target', icmp: { message: 'port-unreachable', quoted: { srcPort: 40000, dstPort: 8080, seq: 1 } } });
  // Passed over: the expect failed on the silence, not on the ICMP.
  expect(result.steps[4]).toMatchObject({ outcome: 'fail', observed: 'nothing' });
});

test('a segment the target sent before the error but the harness read after it is judged before the error', async () => {
  // The target's second data segment is held back from the harness until the error has been sent, as a
  // harness descheduled between reading and sending would read it: on the wire it came first.
  const crossing = (target: Target): Target => {
    const receive = target.receive.bind(target);
    const send = target.send.bind(target);
    let held: TimedPacket | undefined;
    let dataSegments = 0;
    let errorSent = false;
    target.receive = async (timeoutMs) => {
      if (errorSent && held) {
        const crossed = held;
        held = undefined;
        return crossed;
      }
      const packet = await receive(timeoutMs);
      if (!errorSent && packet && (decodePacket(packet.bytes).tcp?.payload.length ?? 0) > 0 && ++dataSegments === 2) {
        held = packet;
        return receive(0);
      }
      return packet;
    };
    target.send = (bytes) => {
      errorSent ||= decodePacket(bytes).icmp !== undefined;
      return send(bytes);
    };
    return target;
  };
  const result = await run(
    `  - app: { write: 2144 }
  - wait: 10ms
  - icmp: { message: frag-needed, mtu: 552 }
  - wait: 1500ms
`,
    crossing,
  );
  expect(result.reason).toBeUndefined();
  expect(result.verdict).toBe('pass');
  // The four segments of 536 the initial window let go before the error, the held one among them.
  const before = result.trace.filter((e) => e.kind === 'packet' && e.direction === 'from-target' && e.timeMs < 10 && e.segment?.length === 536);
  expect(before).toHaveLength(4);
});
