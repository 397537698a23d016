/**
 * The reference target end to end: IPv4 packets in and out, application calls, and the virtual clock.
 */
import { createReferenceTarget } from '../../src/targets/reference';
import type { ReferenceTarget } from '../../src/targets/reference';
import { RFC9293_PROFILE } from '../../src/reference';
import { IpProtocol, encodePacket, formatFlags } from '../../src/wire';
import { eventsOf, nextSegment, peerSegment } from './peer';

const PORT = 8080;
const PEER_PORT = 40000;
const PEER_ISN = 1000;

async function established(target: ReferenceTarget): Promise<number> {
  await target.app({ call: 'listen', port: PORT });
  target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
  const synAck = await nextSegment(target);
  target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
  return synAck.tcp.seq;
}

/** The peer's next segment on the established connection, acknowledging the SYN unless `ack` says otherwise. */
function fromPeer(target: ReferenceTarget, iss: number, fields: { flags: string; ack?: number; payload?: Uint8Array; urgentPointer?: number }): Uint8Array {
  return peerSegment(target, { srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN + 1, ack: iss + 1, ...fields });
}

describe('reference target', () => {
  test('a SYN packet to a listening port gets a SYN-ACK packet, from the target address with good checksums', async () => {
    const target = await createReferenceTarget();
    expect(target.capabilities).toMatchObject({ clock: 'virtual' });
    expect(target.capabilities.appCalls).toEqual(['listen', 'connect', 'write', 'write-urgent', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state', 'at-mark', 'set-option']);
    expect(await target.app({ call: 'listen', port: PORT })).toEqual({ ok: true });
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
    const synAck = await nextSegment(target);
    expect(formatFlags(synAck.tcp.flags)).toBe('SA');
    expect(synAck.tcp).toMatchObject({ srcPort: PORT, dstPort: PEER_PORT, ack: PEER_ISN + 1 });
    expect(synAck.ip).toMatchObject({ src: '198.18.0.1', dst: '198.18.0.2' });
    expect(synAck.ipChecksumOk && synAck.tcpChecksumOk).toBe(true);
    expect(synAck.timeNs).toBe(0n);
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'SYN-RECEIVED' });
  });

  test('a SYN to a port nobody listens on gets RST/ACK', async () => {
    const target = await createReferenceTarget();
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: 9, seq: PEER_ISN }));
    const reset = await nextSegment(target);
    expect(formatFlags(reset.tcp.flags)).toBe('RA');
    expect(reset.tcp.ack).toBe(PEER_ISN + 1);
    expect(target.firedRules).toEqual(['3.10.7.1/reset-ack-off']);
  });

  test('an event is stamped on the virtual clock when it happened, not when it is taken', async () => {
    const target = await createReferenceTarget();
    await established(target);
    const acceptedAt = target.now();
    await target.sleep(5000);
    expect(target.takeEvents()).toEqual([{ event: { event: 'accepted', remotePort: PEER_PORT }, timeNs: acceptedAt }]);
  });

  test('virtual time: a 2×MSL TIME-WAIT passes at once', async () => {
    const target = await createReferenceTarget();
    const iss = await established(target);
    expect(eventsOf(target)).toEqual([{ event: 'accepted', remotePort: PEER_PORT }]);
    await target.app({ call: 'close' });
    expect(formatFlags((await nextSegment(target)).tcp.flags)).toBe('FA');
    target.send(fromPeer(target, iss, { flags: 'FA', ack: iss + 2 }));
    expect(formatFlags((await nextSegment(target)).tcp.flags)).toBe('A');
    expect(target.state).toBe('TIME-WAIT');
    const started = Date.now();
    await target.sleep(2 * RFC9293_PROFILE.mslMs);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(target.now()).toBe(240_000_000_000n);
    expect(target.state).toBe('CLOSED');
  });

  test('receive waits in virtual time for the next timer, and stops at the timeout when none is due', async () => {
    const target = await createReferenceTarget();
    await target.app({ call: 'listen', port: PORT });
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: PORT, seq: PEER_ISN }));
    await nextSegment(target);
    expect(await target.receive(500)).toBeUndefined();
    expect(target.now()).toBe(500_000_000n);
    const retransmitted = await nextSegment(target, 5000);
    expect(formatFlags(retransmitted.tcp.flags)).toBe('SA');
    expect(retransmitted.timeNs).toBe(1_000_000_000n);
    expect(target.now()).toBe(1_000_000_000n);
  });

  test('connect, write, read, and the events of the connection', async () => {
    const target = await createReferenceTarget();
    expect(await target.app({ call: 'connect', port: PORT })).toEqual({ ok: true });
    const syn = await nextSegment(target);
    expect(syn.tcp).toMatchObject({ srcPort: 49152, dstPort: PORT });
    target.send(peerSegment(target, { flags: 'SA', srcPort: PORT, dstPort: 49152, seq: PEER_ISN, ack: syn.tcp.seq + 1 }));
    expect((await nextSegment(target)).tcp.ack).toBe(PEER_ISN + 1);
    expect(eventsOf(target)).toEqual([{ event: 'connected' }]);
    expect(await target.app({ call: 'write', bytes: 5 })).toEqual({ ok: true, bytes: 5 });
    expect(Buffer.from((await nextSegment(target)).tcp.payload).toString()).toBe('abcde');
    target.send(peerSegment(target, { flags: 'FPA', srcPort: PORT, dstPort: 49152, seq: PEER_ISN + 1, ack: syn.tcp.seq + 6, payload: new Uint8Array(7) }));
    expect(await target.app({ call: 'read', bytes: 3 })).toEqual({ ok: true, bytes: 3 });
    // The read that reaches the peer's FIN says so, and so does every read after it.
    expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 4, eof: true });
    expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 0, eof: true });
    expect(await target.app({ call: 'read' })).toEqual({ ok: true, bytes: 0, eof: true });
    expect(eventsOf(target)).toEqual([{ event: 'closing' }, { event: 'eof' }]);
  });

  test('a RST is an ECONNRESET event, and the next read fails with it', async () => {
    const target = await createReferenceTarget();
    const iss = await established(target);
    target.send(fromPeer(target, iss, { flags: 'R' }));
    expect(eventsOf(target)).toContainEqual({ event: 'error', error: 'ECONNRESET' });
    expect(await target.app({ call: 'read' })).toEqual({ ok: false, error: 'ECONNRESET' });
    expect(await target.app({ call: 'write', bytes: 1 })).toEqual({ ok: false, error: 'ENOTCONN' });
  });

  test('a refused connect is an ECONNREFUSED event', async () => {
    const target = await createReferenceTarget();
    await target.app({ call: 'connect', port: PORT, localPort: 5555 });
    const syn = await nextSegment(target);
    target.send(peerSegment(target, { flags: 'RA', srcPort: PORT, dstPort: 5555, seq: 0, ack: syn.tcp.seq + 1 }));
    expect(eventsOf(target)).toEqual([{ event: 'error', error: 'ECONNREFUSED' }]);
    expect(await target.app({ call: 'write', bytes: 1 })).toEqual({ ok: false, error: 'ECONNREFUSED' });
  });

  test('the RFC\'s error answers become errno names; closing what is closing succeeds', async () => {
    const target = await createReferenceTarget();
    expect(await target.app({ call: 'write', bytes: 1 })).toEqual({ ok: false, error: 'ENOTCONN' });
    expect(await target.app({ call: 'abort' })).toEqual({ ok: false, error: 'ENOTCONN' });
    await established(target);
    expect(await target.app({ call: 'listen', port: PORT })).toEqual({ ok: false, error: 'EADDRINUSE' });
    expect(await target.app({ call: 'connect', port: PORT })).toEqual({ ok: false, error: 'EISCONN' });
    expect(await target.app({ call: 'shutdown' })).toEqual({ ok: true });
    expect(await target.app({ call: 'write', bytes: 1 })).toEqual({ ok: false, error: 'EPIPE' });
    expect(await target.app({ call: 'close' })).toEqual({ ok: true });
    expect(await target.app({ call: 'abort' })).toEqual({ ok: true });
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'CLOSED' });
  });

  test('stop-reading closes the window as data arrives', async () => {
    const target = await createReferenceTarget({ ...RFC9293_PROFILE, receiveBuffer: 100 });
    const iss = await established(target);
    expect(await target.app({ call: 'stop-reading' })).toEqual({ ok: true });
    target.send(fromPeer(target, iss, { flags: 'PA', payload: new Uint8Array(100) }));
    expect((await nextSegment(target)).tcp.window).toBe(0);
  });

  test('packets with a bad checksum, for another address, or not TCP at all are dropped', async () => {
    const target = await createReferenceTarget();
    const ip = { version: 4 as const, src: target.peerAddress, dst: target.address, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true };
    const tcp = { srcPort: PEER_PORT, dstPort: 9, seq: 1, ack: 0, flags: 2, window: 1000, urgentPointer: 0, options: [], payload: new Uint8Array() };
    target.send(encodePacket({ ip, tcp: { ...tcp, checksum: 1 } }));
    target.send(encodePacket({ ip: { ...ip, dst: '198.18.0.9' }, tcp }));
    target.send(encodePacket({ ip: { ...ip, protocol: 17 }, tcp }));
    target.send(new Uint8Array([0x45, 0]));
    expect(await target.receive(10)).toBeUndefined();
    await target.close();
  });

  test('the rules of every connection in the target\'s life are kept', async () => {
    const target = await createReferenceTarget();
    await target.app({ call: 'listen', port: PORT });
    await target.app({ call: 'close' });
    await target.app({ call: 'listen', port: PORT });
    expect(target.firedRules).toEqual(['3.10.1/closed/passive', '3.10.4/listen/delete', '3.10.1/closed/passive']);
  });
});

describe('reference target: socket options and urgent data', () => {
  test('options set before listen reach the connection: keep-alives with an idle time of 1 s probe after it', async () => {
    const target = await createReferenceTarget();
    expect(target.capabilities.options).toContain('keepalive-idle');
    expect(await target.app({ call: 'set-option', name: 'keepalive-idle', value: 1000 })).toEqual({ ok: true });
    expect(await target.app({ call: 'set-option', name: 'keepalive', value: 1 })).toEqual({ ok: true });
    const iss = await established(target);
    const probe = await nextSegment(target, 5000);
    expect({ seq: probe.tcp.seq, flags: formatFlags(probe.tcp.flags), atNs: probe.timeNs }).toEqual({ seq: iss, flags: 'A', atNs: 1_000_000_000n });
  });

  test('a zero linger time makes close an abort; sndbuf is taken and changes nothing on the wire', async () => {
    const target = await createReferenceTarget();
    const iss = await established(target);
    expect(await target.app({ call: 'set-option', name: 'sndbuf', value: 4096 })).toEqual({ ok: true });
    expect(await target.app({ call: 'set-option', name: 'linger', value: 0 })).toEqual({ ok: true });
    expect(await target.app({ call: 'close' })).toEqual({ ok: true });
    const reset = await nextSegment(target);
    expect({ flags: formatFlags(reset.tcp.flags), seq: reset.tcp.seq }).toEqual({ flags: 'R', seq: iss + 1 });
  });

  test('write-urgent sends URG and the pointer after the urgent octets; urgent data from the peer is an event and has a mark', async () => {
    const target = await createReferenceTarget();
    const iss = await established(target);
    expect(await target.app({ call: 'write-urgent', bytes: 3 })).toEqual({ ok: true, bytes: 3 });
    const urgent = await nextSegment(target);
    expect({ flags: formatFlags(urgent.tcp.flags), pointer: urgent.tcp.urgentPointer }).toEqual({ flags: 'PAU', pointer: 3 });
    target.send(fromPeer(target, iss, { flags: 'UPA', ack: iss + 4, payload: new Uint8Array(4), urgentPointer: 4 }));
    expect(eventsOf(target)).toContainEqual({ event: 'urgent' });
    expect(await target.app({ call: 'read', bytes: 3 })).toEqual({ ok: true, bytes: 3 });
    expect(await target.app({ call: 'at-mark' })).toEqual({ ok: true, atMark: true });
  });
});
