/**
 * Wire-time stamps on the linux target (issue 20): a packet the kernel sent is judged by when the kernel
 * handed it to the TUN, however late the harness reads it; and a timed step measures from the previous
 * event's wire time, so a late harness neither excuses a late target nor blames a prompt one.
 * Needs root, as the other linux tests do.
 */
import { loadProfile } from '../../src/cli/load-profiles';
import { runCase } from '../../src/runner/run-case';
import { parseCase } from '../../src/suite/parse';
import { createLinuxTarget, type LinuxTarget } from '../../src/targets/linux';
import type { Target } from '../../src/targets/target';
import { peerSegment } from './peer';

const LINUX = loadProfile('linux').profile;
const open: LinuxTarget[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((target) => target.close()));
});

async function newTarget(): Promise<LinuxTarget> {
  const target = await createLinuxTarget();
  open.push(target);
  return target;
}

/** Holds the whole harness back: nothing on its main loop runs, the TUN is not read. */
function busyFor(ms: number): void {
  const until = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < until) {
    // the kernel goes on meanwhile
  }
}

test('a packet read 150 ms late carries the time the kernel sent it', async () => {
  const target = await newTarget();
  const sent = target.send(peerSegment(target, { flags: 'S', srcPort: 40000, dstPort: 9, seq: 1000 }));
  busyFor(150);
  const readAt = process.hrtime.bigint();
  const reset = await target.receive(1000);
  expect(reset).toBeDefined();
  const wireMs = Number((reset?.timeNs ?? 0n) - sent.timeNs) / 1e6;
  expect(wireMs).toBeGreaterThanOrEqual(0);
  expect(wireMs).toBeLessThan(10);
  expect(Number(readAt - sent.timeNs) / 1e6).toBeGreaterThanOrEqual(150);
  // Every packet, this one and the namespace's own IPv6 chatter, found its capture.
  expect(target.stamps()).toMatchObject({ read: 0 });
  expect(target.stamps().wire).toBeGreaterThanOrEqual(1);
});

/** The linux target, with the harness held back for `holdMs` right after the peer's first segment. */
function heldBackAfterFirstSend(target: Target, holdMs: number): Target {
  let sends = 0;
  return new Proxy(target, {
    get(inner, key, receiver) {
      if (key !== 'send') return Reflect.get(inner, key, receiver);
      return (packet: Uint8Array) => {
        const sent = inner.send(packet);
        if (++sends === 1) busyFor(holdMs);
        return sent;
      };
    },
  });
}

const SYN_ACK_TWICE = `id: handshake/wire-time
title: The SYN-ACK at once, and its retransmission only after the initial RTO
spec: { rfc9293: ["3.8.1"] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1, within: 4ms }
  - expect: { flags: SA, ack: 1, within: 500ms }
`;

test('held back 1.2 s after its SYN, the harness still passes the prompt SYN-ACK and fails the retransmission that came 1 s later', async () => {
  const parsed = parseCase('wire-time.yaml', SYN_ACK_TWICE);
  if (!parsed.case) throw new Error(JSON.stringify(parsed.problems));
  const target = heldBackAfterFirstSend(await newTarget(), 1200);
  const result = await runCase(parsed.case, target, LINUX);
  // Read 1.2 s after the SYN, the first SYN-ACK left the kernel within microseconds: within 4 ms holds.
  expect(result.steps[2]).toMatchObject({ outcome: 'pass', timing: expect.stringMatching(/^within 4ms \(\+4\.4ms tolerance\); on the wire 0\.\d+ms after/) });
  // The retransmission was already waiting when the step began, but it left the kernel about 1 s after
  // the first SYN-ACK (Linux's initial RTO), not within 500 ms of it.
  expect(result.verdict).toBe('fail');
  expect(result.steps[3]).toMatchObject({ outcome: 'fail', observed: 'nothing' });
  expect(result.reason).toBe('wire-time.yaml:9: expected SA ack 1 within 500ms (+54ms tolerance), but the target sent nothing');
  const retransmission = result.trace.filter((event) => event.kind === 'packet' && event.direction === 'from-target')[1];
  expect(retransmission?.timeMs).toBeGreaterThan(900);
});
