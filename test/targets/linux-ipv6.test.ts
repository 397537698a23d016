/**
 * The linux target over IPv6 and over IPv4 to an AF_INET6 application socket (IPv4-mapped), against
 * the real kernel in real namespaces (needs root, as in CI).
 */
import { createLinuxTarget } from '../../src/targets/linux';
import type { LinuxTarget } from '../../src/targets/linux';
import type { RunFamily } from '../../src/targets/family';
import { inTestRange } from '../../src/targets/family';
import { formatFlags } from '../../src/wire';
import { nextSegment, peerSegment, waitForEvent } from './peer';

const LISTEN_PORT = 8080;
const PEER_PORT = 40000;
const PEER_ISN = 1000;

const open: LinuxTarget[] = [];

async function newTarget(family: RunFamily): Promise<LinuxTarget> {
  const target = await createLinuxTarget(family);
  open.push(target);
  return target;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((target) => target.close()));
});

describe('linux target over IPv6', () => {
  test('its addresses lie in 2001:2::/48, and a SYN to a listener gets a SYN-ACK with an MSS from the TUN\'s IPv6 MTU', async () => {
    const target = await newTarget('ipv6');
    expect([target.address, target.peerAddress]).toEqual(['2001:2::1', '2001:2::2']);
    expect([target.address, target.peerAddress].every(inTestRange)).toBe(true);
    expect(target.broadcast).toBeUndefined();
    expect(await target.app({ call: 'listen', port: LISTEN_PORT })).toEqual({ ok: true });
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN, options: [{ kind: 'mss', mss: 1460 }] }));
    const synAck = await nextSegment(target);
    expect(synAck.ip.version).toBe(6);
    expect([synAck.ip.src, synAck.ip.dst]).toEqual(['2001:2::1', '2001:2::2']);
    expect(formatFlags(synAck.tcp.flags)).toBe('SA');
    expect(synAck.tcp.ack).toBe(PEER_ISN + 1);
    // The TUN's MTU of 1500 less 40 octets of IPv6 header and 20 of TCP header.
    expect(synAck.tcp.options).toContainEqual({ kind: 'mss', mss: 1440 });
    expect(synAck.tcpChecksumOk).toBe(true);
  });

  test('connect opens toward the peer\'s IPv6 address and the handshake completes', async () => {
    const target = await newTarget('ipv6');
    expect(await target.app({ call: 'connect', port: 5555, localPort: 41000 })).toEqual({ ok: true });
    const syn = await nextSegment(target);
    expect([syn.ip.version, syn.ip.src, syn.ip.dst]).toEqual([6, '2001:2::1', '2001:2::2']);
    target.send(peerSegment(target, { flags: 'SA', srcPort: 5555, dstPort: 41000, seq: PEER_ISN, ack: syn.tcp.seq + 1 }));
    expect(formatFlags((await nextSegment(target)).tcp.flags)).toBe('A');
    await waitForEvent(target, (event) => event.event === 'connected');
  });
});

describe('linux target with IPv4-mapped addresses', () => {
  test('an AF_INET6 listener takes an IPv4 SYN; an AF_INET6 connect to ::ffff:198.18.0.2 puts IPv4 on the wire', async () => {
    const target = await newTarget('ipv4-mapped');
    expect([target.address, target.peerAddress]).toEqual(['198.18.0.1', '198.18.0.2']);
    expect(await target.app({ call: 'listen', port: LISTEN_PORT })).toEqual({ ok: true });
    target.send(peerSegment(target, { flags: 'S', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN }));
    const synAck = await nextSegment(target);
    expect([synAck.ip.version, formatFlags(synAck.tcp.flags)]).toEqual([4, 'SA']);
    target.send(peerSegment(target, { flags: 'A', srcPort: PEER_PORT, dstPort: LISTEN_PORT, seq: PEER_ISN + 1, ack: synAck.tcp.seq + 1 }));
    await waitForEvent(target, (event) => event.event === 'accepted');
    expect(await target.app({ call: 'state' })).toEqual({ ok: true, state: 'ESTABLISHED' });

    const other = await newTarget('ipv4-mapped');
    expect(await other.app({ call: 'connect', port: 5555 })).toEqual({ ok: true });
    const syn = await nextSegment(other);
    expect([syn.ip.version, syn.ip.src, syn.ip.dst]).toEqual([4, '198.18.0.1', '198.18.0.2']);
  });

  test('the agent refuses a host outside the test ranges, mapped or not', async () => {
    const target = await newTarget('ipv4-mapped');
    await expect(target.app({ call: 'connect', port: 5555, host: '192.0.2.1' })).rejects.toThrow(/198\.18\.0\.0\/15 or 2001:2::\/48/);
    const six = await newTarget('ipv6');
    await expect(six.app({ call: 'connect', port: 5555, host: '2001:db8::1' })).rejects.toThrow(/2001:2::\/48/);
  });
});
