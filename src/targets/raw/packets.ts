/**
 * Between the case's view of a packet and the wire's: which packets may leave, which arriving ones
 * belong to the case, and the peer's port mapped on the way (ports.ts). Pure: no sockets here.
 */
import { formatIpv4Address, internetChecksum } from '../../wire';
import type { Endpoint } from './config';
import type { PeerPorts } from './ports';
import { withPort } from './ports';

const TCP = 6;
const ICMP = 1;
/** ICMP's type, code, checksum and four octets before the quoted packet (RFC 792). */
const ICMP_HEADER = 8;

export interface Addresses {
  readonly target: string;
  readonly peer: string;
}

interface Header {
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  /** Where TCP begins, when the packet is long enough to hold the TCP ports. */
  readonly tcp: number | undefined;
  readonly fragment: boolean;
}

function header(packet: Uint8Array): Header | undefined {
  if (packet.length < 20 || packet[0]! >> 4 !== 4) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const tcp = (packet[0]! & 0x0f) * 4;
  return {
    src: formatIpv4Address(view.getUint32(12)),
    dst: formatIpv4Address(view.getUint32(16)),
    protocol: packet[9]!,
    tcp: tcp >= 20 && packet.length >= tcp + 4 ? tcp : undefined,
    // A later fragment has no TCP header to read ports from; the harness sends and expects none.
    fragment: (view.getUint16(6) & 0x1fff) !== 0,
  };
}

/**
 * The packet as it goes on the wire: the peer's source port mapped, or for an ICMP error about the
 * target's segment, the peer's port in its quote. Throws for a packet that is neither TCP nor such an
 * error from the peer to the target: the raw target sends nothing else, to no one else.
 */
export function toWire(packet: Uint8Array, addresses: Addresses, ports: PeerPorts): Uint8Array {
  const ip = header(packet);
  if (ip !== undefined && ip.protocol === ICMP && !ip.fragment && ip.src === addresses.peer && ip.dst === addresses.target) {
    return icmpToWire(packet, ports);
  }
  if (ip === undefined || ip.protocol !== TCP || ip.tcp === undefined || ip.fragment) {
    throw new Error('the raw target sends whole IPv4 TCP segments and ICMP errors about them only');
  }
  if (ip.src !== addresses.peer || ip.dst !== addresses.target) {
    throw new Error(`the raw target sends only from ${addresses.peer} to ${addresses.target}, not from ${ip.src} to ${ip.dst}`);
  }
  const port = new DataView(packet.buffer, packet.byteOffset, packet.byteLength).getUint16(ip.tcp);
  return withPort(packet, 0, ports.wire(port));
}

/**
 * An ICMP error quoting a segment the target sent to the peer: the quote's destination port goes on the
 * wire as the target sent it, and the ICMP checksum is computed again over the message.
 */
function icmpToWire(packet: Uint8Array, ports: PeerPorts): Uint8Array {
  const icmpAt = (packet[0]! & 0x0f) * 4;
  const quote = header(packet.subarray(icmpAt + ICMP_HEADER));
  if (quote === undefined || quote.protocol !== TCP || quote.tcp === undefined || quote.fragment) {
    throw new Error('the raw target sends ICMP errors about TCP segments only, quoting their ports');
  }
  const copy = Uint8Array.from(packet);
  const view = new DataView(copy.buffer);
  const quotedPort = icmpAt + ICMP_HEADER + quote.tcp + 2;
  view.setUint16(quotedPort, ports.wire(view.getUint16(quotedPort)));
  view.setUint16(icmpAt + 2, 0);
  view.setUint16(icmpAt + 2, internetChecksum(copy.subarray(icmpAt)));
  return copy;
}

/**
 * The packet as the case sees it, when it is a segment from the target to one of this case's wire ports;
 * undefined for anything else: other hosts, the agent's control connection, earlier cases' leftovers.
 */
export function fromWire(packet: Uint8Array, addresses: Addresses, ports: PeerPorts, control?: Endpoint): Uint8Array | undefined {
  const ip = header(packet);
  if (ip === undefined || ip.protocol !== TCP || ip.tcp === undefined || ip.fragment) return undefined;
  if (ip.src !== addresses.target || ip.dst !== addresses.peer) return undefined;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  if (control !== undefined && ip.src === control.host && view.getUint16(ip.tcp) === control.port) return undefined;
  const port = ports.caseOf(view.getUint16(ip.tcp + 2));
  return port === undefined ? undefined : withPort(packet, 2, port);
}
