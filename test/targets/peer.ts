/**
 * The harness's side of a conversation with a target, for tests: segments from the peer address, and the
 * target's segments decoded.
 */
import type { AppEvent, Target } from '../../src/targets/target';
import { IpProtocol, decodePacket, encodePacket, parseFlags } from '../../src/wire';
import type { DecodedPacket, IpHeader, Ipv4Option, TcpSegment } from '../../src/wire';

export type Received = DecodedPacket & { tcp: TcpSegment; timeNs: bigint };

/** A segment from the peer to the target; `flags` as letters, e.g. 'SA'; `ipOptions` in its IPv4 header (none over IPv6). */
export function peerSegment(
  target: Target,
  fields: Partial<Omit<TcpSegment, 'flags'>> & { flags: string; srcPort: number; dstPort: number },
  ipOptions: Ipv4Option[] = [],
): Uint8Array {
  const ip: IpHeader = target.address.includes(':')
    ? { version: 6, src: target.peerAddress, dst: target.address, protocol: IpProtocol.TCP, hopLimit: 64 }
    : { version: 4, src: target.peerAddress, dst: target.address, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true, options: ipOptions };
  return encodePacket({
    ip,
    tcp: { seq: 0, ack: 0, window: 65535, urgentPointer: 0, options: [], payload: new Uint8Array(), ...fields, flags: parseFlags(fields.flags) },
  });
}

/** The target's next TCP segment, failing the test when none comes within `timeoutMs`. */
export async function nextSegment(target: Target, timeoutMs = 2000): Promise<Received> {
  const packet = await target.receive(timeoutMs);
  if (packet === undefined) throw new Error(`no segment from the target within ${timeoutMs} ms`);
  const decoded = decodePacket(packet.bytes);
  if (decoded.tcp === undefined) throw new Error(`the target sent a packet that is not TCP (protocol ${decoded.ip.protocol})`);
  return { ...decoded, tcp: decoded.tcp, timeNs: packet.timeNs };
}

/** The application events a target has seen since last asked, without their times. */
export function eventsOf(target: Target): AppEvent[] {
  return target.takeEvents().map(({ event }) => event);
}

/** Waits for an application event matching `wanted`, keeping the ones before it. */
export async function waitForEvent(target: Target, wanted: (event: AppEvent) => boolean, timeoutMs = 2000): Promise<AppEvent[]> {
  const seen: AppEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    seen.push(...eventsOf(target));
    if (seen.some(wanted)) return seen;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no matching event within ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
}

/** The octets the agent writes: "abc…z" repeating from the start of the connection's output. */
export function agentPattern(offset: number, length: number): string {
  return Array.from({ length }, (_, i) => String.fromCharCode(97 + ((offset + i) % 26))).join('');
}
