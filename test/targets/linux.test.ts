/**
 * The linux target against the real kernel, in real namespaces (needs root, as in CI).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { createLinuxTarget, reapStaleNamespaces } from '../../src/targets/linux';
import type { LinuxTarget } from '../../src/targets/linux';
import { loadProfile } from '../../src/cli/load-profiles';
import { runCase } from '../../src/runner/run-case';
import { parseCase } from '../../src/suite/parse';
import { TcpFlag, formatFlags } from '../../src/wire';
import { agentPattern, eventsOf, nextSegment, peerSegment, waitForEvent } from './peer';
import type { Received } from './peer';
import { namespacesOnHost, killTargetChildren, startTargetChild, tunDevices } from './processes';

const LISTEN_PORT = 8080;
const PEER_PORT = 40000;
const PEER_ISN = 1000;

const open: LinuxTarget[] = [];

async function newTarget(): Promise<LinuxTarget> {
  const target = await createLinuxTarget();
  open.push(target);
  return target;
}

afterEach(async () => {
  killTargetChildren();
  await Promise.all(open.splice(0).map((target) => target.close()));
});

/** Sends the peer's SYN to a listening port and returns the target's answer. */
async function synToListener(target: LinuxTarget): Promise<Received> {
  expect(await target.app({ call: 'listen', port: LISTEN_PORT })).toEqual({ ok: true });
  target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
  return nextSegment(target);
}

/** A passive open completed by the peer; returns the target's ISN. */
async function establishPassive(target: LinuxTarget): Promise<number> {
  const synAck = await synToListener(target);
  target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
  await waitForEvent(target, (event) => event.event === 'accepted');
  return synAck.tcp.seq;
}

describe('linux target: segments through the TUN', () => {
  test('a SYN to a listening port gets a SYN-ACK from the target address', async () => {
    const target = await newTarget();
    const synAck = await synToListener(target);
    expect(formatFlags(synAck.tcp.flags)).toBe('SA');
    expect(synAck.tcp.ack).toBe(PEER_ISN + 1);
    expect(synAck.ip.src).toBe('198.18.0.1');
    expect(synAck.ip.dst).toBe('198.18.0.2');
    expect(synAck.tcp.dstPort).toBe(PEER_PORT);
    expect(synAck.ipChecksumOk && synAck.tcpChecksumOk).toBe(true);
  });

  test('a SYN to a closed port gets RST/ACK acknowledging the SYN', async () => {
    const target = await newTarget();
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: 9, seq: PEER_ISN }));
    const reset = await nextSegment(target);
    expect(formatFlags(reset.tcp.flags)).toBe('RA');
    expect(reset.tcp.ack).toBe(PEER_ISN + 1);
  });

  test('packets that arrive while nobody receives are kept, in order', async () => {
    const target = await newTarget();
    const seqs = [10, 20, 30, 40, 50];
    for (const seq of seqs) target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: 9, seq }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const acks: number[] = [];
    for (const _ of seqs) acks.push((await nextSegment(target)).tcp.ack);
    expect(acks).toEqual(seqs.map((seq) => seq + 1));
    expect(await target.receive(50)).toBeUndefined();
  });

  test('the namespace\'s own IPv6 chatter (an MLD report as the TUN comes up) is not handed over', async () => {
    const target = await newTarget();
    expect(await target.receive(300)).toBeUndefined();
  });

  test('times are taken on process.hrtime.bigint()\'s clock, the answer after the question', async () => {
    const target = await newTarget();
    const before = process.hrtime.bigint();
    const sent = target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: 9, seq: 1 }));
    const answer = await nextSegment(target);
    const after = process.hrtime.bigint();
    expect(sent.timeNs).toBeGreaterThanOrEqual(before);
    expect(answer.timeNs).toBeGreaterThan(sent.timeNs);
    expect(answer.timeNs).toBeLessThanOrEqual(after);
  });

  test('two targets at once do not see each other\'s packets', async () => {
    const [first, second] = await Promise.all([newTarget(), newTarget()]);
    expect(first.namespace).not.toBe(second.namespace);
    const synAck = await synToListener(first);
    expect(formatFlags(synAck.tcp.flags)).toBe('SA');
    expect(await second.receive(200)).toBeUndefined();
    second.send(peerSegment(second, { flags: 'S', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: 5 }));
    expect(formatFlags((await nextSegment(second)).tcp.flags)).toBe('RA');
    expect(await first.receive(200)).toBeUndefined();
  });
});

describe('linux target: application calls', () => {
  test('connect sends the kernel\'s SYN toward the peer, and the handshake completes', async () => {
    const target = await newTarget();
    expect(await target.app({ call: 'connect', port: 5555, localPort: 41000 })).toEqual({ ok: true });
    const syn = await nextSegment(target);
    expect(formatFlags(syn.tcp.flags)).toBe('S');
    expect([syn.ip.src, syn.ip.dst]).toEqual(['198.18.0.1', '198.18.0.2']);
    expect([syn.tcp.srcPort, syn.tcp.dstPort]).toEqual([41000, 5555]);
    target.send(peerSegment(target, { flags: 'SA', srcPort: 5555, dstPort: 41000, seq: PEER_ISN, ack: syn.tcp.seq + 1 }));
    const ack = await nextSegment(target);
    expect(formatFlags(ack.tcp.flags)).toBe('A');
    expect(ack.tcp.ack).toBe(PEER_ISN + 1);
    await waitForEvent(target, (event) => event.event === 'connected');
  });

  test('a refused connect is reported as an ECONNREFUSED event', async () => {
    const target = await newTarget();
    await target.app({ call: 'connect', port: 5555 });
    const syn = await nextSegment(target);
    target.send(peerSegment(target, { flags: 'RA', srcPort: 5555, dstPort: syn.tcp.srcPort, ack: syn.tcp.seq + 1 }));
    const events = await waitForEvent(target, (event) => event.event === 'error');
    expect(events).toContainEqual({ event: 'error', error: 'ECONNREFUSED' });
  });

  test('write after a handshake puts that many octets of the pattern on the wire', async () => {
    const target = await newTarget();
    const isn = await establishPassive(target);
    const written = 5000;
    expect(await target.app({ call: 'write', bytes: written })).toEqual({ ok: true, bytes: written });
    let payload = '';
    while (payload.length < written) {
      const segment = await nextSegment(target);
      expect(segment.tcp.seq).toBe(isn + 1 + payload.length);
      payload += Buffer.from(segment.tcp.payload).toString('latin1');
    }
    expect(payload).toBe(agentPattern(0, written));
    expect(await target.receive(100)).toBeUndefined();
  });

  test('read takes what the peer sent, and sees the FIN as eof', async () => {
    const target = await newTarget();
    const isn = await establishPassive(target);
    const data = new TextEncoder().encode('hello');
    target.send(peerSegment(target, { flags: 'PA', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1, ack: isn + 1, payload: data }));
    expect((await nextSegment(target)).tcp.ack).toBe(PEER_ISN + 1 + data.length);
    expect(await target.app({ call: 'read', bytes: 3 })).toEqual({ ok: true, bytes: 3 });
    target.send(peerSegment(target, { flags: 'FA', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1 + data.length, ack: isn + 1 }));
    await nextSegment(target);
    expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 2, eof: true });
    expect(eventsOf(target)).toEqual(expect.arrayContaining([{ event: 'closing' }, { event: 'eof' }]));
  });

  test('abort sends a RST', async () => {
    const target = await newTarget();
    const isn = await establishPassive(target);
    expect(await target.app({ call: 'abort' })).toEqual({ ok: true });
    const reset = await nextSegment(target);
    expect(reset.tcp.flags & TcpFlag.RST).toBe(TcpFlag.RST);
    expect(reset.tcp.seq).toBe(isn + 1);
  });

  test('a RST from the peer is reported as an ECONNRESET event', async () => {
    const target = await newTarget();
    const isn = await establishPassive(target);
    target.send(peerSegment(target, { flags: 'R', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1, ack: isn + 1 }));
    const events = await waitForEvent(target, (event) => event.event === 'error');
    expect(events).toContainEqual({ event: 'error', error: 'ECONNRESET' });
  });

  test('state follows the connection: SYN-RECEIVED, ESTABLISHED, and TIME-WAIT after the application closed it', async () => {
    const target = await newTarget();
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'CLOSED' });
    const synAck = await synToListener(target);
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'SYN-RECEIVED' });
    target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
    await waitForEvent(target, (event) => event.event === 'accepted');
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'ESTABLISHED' });
    expect(await target.app({ call: 'close' })).toEqual({ ok: true });
    const fin = await nextSegment(target);
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'FIN-WAIT-1' });
    target.send(peerSegment(target, { flags: 'FA', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1, ack: fin.tcp.seq + 1 }));
    await nextSegment(target);
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'TIME-WAIT' });
  });

  test("an event keeps the time it reached the harness; in a case's trace it stands where it happened", async () => {
    const parsed = parseCase('case.yaml', `id: handshake/example
title: A passive open, then a second of quiet before data
spec: { rfc9293: ["3.5"] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - wait: 1s
  - send: { flags: PA, data: 10 }
  - expect: { flags: A, ack: 11 }
`);
    const result = await runCase(parsed.case!, await newTarget(), loadProfile('linux').profile);
    expect(result.verdict).toBe('pass');
    const times = result.trace.map((entry) => entry.timeMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const handshakeAck = result.trace.find((entry) => entry.kind === 'packet' && entry.direction === 'to-target' && entry.segment?.flags === 'A');
    const accepted = result.trace.find((entry) => entry.kind === 'app-event' && entry.event.event === 'accepted');
    // The agent reports the accept within milliseconds of the ACK, a second before the runner next looks.
    expect(accepted!.timeMs - handshakeAck!.timeMs).toBeGreaterThanOrEqual(0);
    expect(accepted!.timeMs - handshakeAck!.timeMs).toBeLessThan(500);
  });

  test('calls with no connection fail with the errno name', async () => {
    const target = await newTarget();
    expect(await target.app({ call: 'write', bytes: 1 })).toEqual({ ok: false, error: 'ENOTCONN' });
    expect(target.capabilities.appCalls).toEqual(
      expect.arrayContaining(['listen', 'connect', 'write', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state']),
    );
  });
});

describe('linux target: leaving nothing behind', () => {
  test('close removes the namespace; the TUN lived only inside it; a second close is harmless', async () => {
    const target = await createLinuxTarget();
    expect(namespacesOnHost()).toContain(target.namespace);
    expect(tunDevices(target.namespace)).toEqual(['tcpconform0']);
    expect(tunDevices()).not.toContain('tcpconform0');
    await target.close();
    expect(namespacesOnHost()).not.toContain(target.namespace);
    expect(tunDevices()).not.toContain('tcpconform0');
    await target.close();
    expect(() => target.send(new Uint8Array(20))).toThrow('closed');
    expect(await target.receive(10)).toBeUndefined();
  });

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('a process ended by %s half-way through its work leaves no namespace', async (signal, exitCode) => {
    const child = await startTargetChild('churn');
    const owned = new RegExp(`^tcpconform-${child.process.pid}-`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(namespacesOnHost().some((name) => owned.test(name))).toBe(true);
    child.process.kill(signal);
    expect(await child.exited).toEqual({ code: exitCode, signal: null });
    expect(namespacesOnHost().filter((name) => owned.test(name))).toEqual([]);
  });

  test('the reaper removes a killed run\'s namespace and leaves live processes\' alone', async () => {
    const mine = await newTarget();
    const live = await startTargetChild('hold');
    const killed = await startTargetChild('hold');
    killed.process.kill('SIGKILL');
    await killed.exited;
    expect(namespacesOnHost()).toContain(killed.namespace);

    const reaped = reapStaleNamespaces();

    expect(reaped).toContain(killed.namespace);
    const left = namespacesOnHost();
    expect(left).not.toContain(killed.namespace);
    expect(left).toEqual(expect.arrayContaining([mine.namespace, live.namespace]));
    live.process.kill('SIGTERM');
    await live.exited;
  });

  test('without the capabilities it needs, the target says so in one sentence', () => {
    const script = `
      require('./src/targets/linux').createLinuxTarget().then(
        () => console.log('created'),
        (error) => console.log(error.name + ': ' + error.message));`;
    // Root with an empty bounding set has no capabilities after exec.
    const output = execFileSync('setpriv', ['--bounding-set=-all', '--inh-caps=-all', process.execPath, '-r', 'esbuild-register', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(output.trim()).toBe(
      'TargetSetupError: The linux target needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces and TUN devices; run as root.',
    );
  });
});
