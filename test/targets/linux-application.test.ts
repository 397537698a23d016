/**
 * The linux target's application side beyond the plain calls: the error a reset leaves for the next
 * call, urgent data both ways, socket options, and kernel settings inside the target's namespace.
 * Real kernel, real namespaces (needs root, as in CI).
 */
import { readFileSync } from 'node:fs';

import { createLinuxTarget } from '../../src/targets/linux';
import type { LinuxTarget } from '../../src/targets/linux';
import { TcpFlag } from '../../src/wire';
import { eventsOf, nextSegment, peerSegment, waitForEvent } from './peer';

const PORT = 8080;
const PEER_PORT = 40000;
const PEER_ISN = 1000;

const open: LinuxTarget[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((target) => target.close()));
});

/** A fresh target with a connection the peer opened; its ISN. */
async function established(): Promise<{ target: LinuxTarget; isn: number }> {
  const target = await createLinuxTarget();
  open.push(target);
  expect(await target.app({ call: 'listen', port: PORT })).toEqual({ ok: true });
  target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
  const synAck = await nextSegment(target);
  target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
  await waitForEvent(target, (event) => event.event === 'accepted');
  return { target, isn: synAck.tcp.seq };
}

test('after a reset the next read fails with ECONNRESET, not an end of file, and the error is taken once', async () => {
  const { target, isn } = await established();
  target.send(peerSegment(target, { flags: 'R', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: isn + 1 }));
  expect(await waitForEvent(target, (event) => event.event === 'error')).toContainEqual({ event: 'error', error: 'ECONNRESET' });
  expect(await target.app({ call: 'read' })).toEqual({ ok: false, error: 'ECONNRESET' });
  expect((await target.app({ call: 'read' })).ok).toBe(true);
  expect(eventsOf(target)).not.toContainEqual({ event: 'closing' });
});

test('urgent data from the peer is an urgent event; at-mark tells where the last urgent octet is', async () => {
  const { target, isn } = await established();
  target.send(peerSegment(target, { flags: 'UPA', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: isn + 1, urgentPointer: 4, payload: new Uint8Array(4) }));
  await waitForEvent(target, (event) => event.event === 'urgent');
  expect(await target.app({ call: 'read', bytes: 3 })).toEqual({ ok: true, bytes: 3 });
  expect(await target.app({ call: 'at-mark' })).toEqual({ ok: true, atMark: true });
  expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 1 });
  expect(await target.app({ call: 'at-mark' })).toEqual({ ok: true, atMark: false });
});

test('write-urgent sends URG with the pointer after the urgent octets', async () => {
  const { target, isn } = await established();
  expect(await target.app({ call: 'write-urgent', bytes: 3 })).toEqual({ ok: true, bytes: 3 });
  const segment = await nextSegment(target);
  expect(segment.tcp.flags & TcpFlag.URG).toBe(TcpFlag.URG);
  expect(segment.tcp.seq).toBe(isn + 1);
  expect(segment.tcp.urgentPointer).toBe(3);
  expect(Buffer.from(segment.tcp.payload).toString('latin1')).toBe('abc');
});

test('keep-alives set through set-option probe after the idle time; times that are not whole seconds are refused', async () => {
  const { target, isn } = await established();
  expect(await target.app({ call: 'set-option', name: 'keepalive-idle', value: 1500 })).toEqual({ ok: false, error: 'EINVAL' });
  expect(await target.app({ call: 'set-option', name: 'keepalive-idle', value: 1000 })).toEqual({ ok: true });
  expect(await target.app({ call: 'set-option', name: 'keepalive', value: 1 })).toEqual({ ok: true });
  const started = process.hrtime.bigint();
  const probe = await nextSegment(target, 3000);
  expect(probe.tcp.seq).toBe(isn);
  expect(probe.tcp.payload.length).toBe(0);
  expect(Number(probe.timeNs - started) / 1e6).toBeGreaterThan(800);
});

test('options set before listen reach the connections it accepts', async () => {
  const target = await createLinuxTarget();
  open.push(target);
  expect(await target.app({ call: 'set-option', name: 'user-timeout', value: 1000 })).toEqual({ ok: true });
  expect(await target.app({ call: 'listen', port: PORT })).toEqual({ ok: true });
  target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN }));
  const synAck = await nextSegment(target);
  target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
  await waitForEvent(target, (event) => event.event === 'accepted');
  expect(await target.app({ call: 'write', bytes: 10 })).toEqual({ ok: true, bytes: 10 });
  // Nobody acknowledges: the accepted connection gives up after the listener's user timeout of 1 s.
  expect(await waitForEvent(target, (event) => event.event === 'error', 3000)).toContainEqual({ event: 'error', error: 'ETIMEDOUT' });
});

test('kernel settings go into the target\'s namespace only, and what is not a namespace\'s own is refused', async () => {
  const target = await createLinuxTarget();
  open.push(target);
  const hostValue = readFileSync('/proc/sys/net/ipv4/tcp_syn_retries', 'utf8');
  await target.applyKernelSettings({ 'net.ipv4.tcp_syn_retries': '1' });
  expect(readFileSync('/proc/sys/net/ipv4/tcp_syn_retries', 'utf8')).toBe(hostValue);
  // One retry: the SYN and one retransmission, then ETIMEDOUT after about 3 s instead of minutes.
  expect(await target.app({ call: 'connect', port: PORT })).toEqual({ ok: true });
  expect((await nextSegment(target)).tcp.flags).toBe(TcpFlag.SYN);
  expect((await nextSegment(target, 2000)).tcp.flags).toBe(TcpFlag.SYN);
  expect(await waitForEvent(target, (event) => event.event === 'error', 5000)).toContainEqual({ event: 'error', error: 'ETIMEDOUT' });
  await expect(target.applyKernelSettings({ 'kernel.hostname': 'x' })).rejects.toThrow('kernel.hostname is not a network setting');
  await expect(target.applyKernelSettings({ 'net.core.rmem_max': '1000' })).rejects.toThrow(/net\.core\.rmem_max=1000 inside the namespace failed: .*(Permission denied|Read-only)/);
}, 20_000);
