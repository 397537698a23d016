/**
 * The peer's ports on the wire. A remote target is one host that outlives every case: the connections a
 * case leaves behind (TIME-WAIT for two minutes, a FIN still retransmitted) would meet the next case if it
 * spoke from the same port, and the linux target never has that, since each of its cases gets a fresh
 * kernel. So each port a case's peer uses gets a fresh wire port from a range, taken in turn from a
 * random start; the harness maps it back, so the runner, the trace and the pcap see the case's own
 * ports. Segments to any other port are an earlier case's leftovers and are dropped.
 *
 * Rewriting a port keeps the TCP checksum exactly as right or as wrong as it was (RFC 1624, eqn. 3): a
 * case that sends a bad checksum still sends one.
 */
import type { PortRange } from './config';

const cursors = new Map<string, number>();

/** The next port of `range`, in turn for the whole process, from a random start (runs follow each other). */
function takePort(range: PortRange): number {
  const key = `${range.first}-${range.last}`;
  const size = range.last - range.first + 1;
  const offset = cursors.get(key) ?? Math.floor(Math.random() * size);
  cursors.set(key, (offset + 1) % size);
  return range.first + offset;
}

/** One case's mapping between the peer's ports as the case names them and as they go on the wire. */
export class PeerPorts {
  private readonly toWire = new Map<number, number>();
  private readonly fromWire = new Map<number, number>();

  constructor(private readonly range: PortRange) {}

  /** The wire port for the case's `port`, taken on first use. */
  wire(port: number): number {
    let wire = this.toWire.get(port);
    if (wire === undefined) {
      if (this.fromWire.size > this.range.last - this.range.first) throw new Error(`the peer port range ${this.range.first}-${this.range.last} is too small for this case`);
      do wire = takePort(this.range);
      while (this.fromWire.has(wire));
      this.toWire.set(port, wire);
      this.fromWire.set(wire, port);
    }
    return wire;
  }

  /** The case's port for a wire port this case uses, else undefined. */
  caseOf(wire: number): number | undefined {
    return this.fromWire.get(wire);
  }
}

/** Where a port sits in the TCP header: the source port (0) or the destination port (2). */
export type PortField = 0 | 2;

/**
 * A copy of `packet` (IPv4 or IPv6, its TCP header at `tcp`) with one TCP port set to `port` and the TCP
 * checksum adjusted. The caller has checked that the packet holds the TCP ports; a header too short for
 * the checksum keeps none.
 */
export function withPort(packet: Uint8Array, tcp: number, field: PortField, port: number): Uint8Array {
  const copy = Uint8Array.from(packet);
  const view = new DataView(copy.buffer);
  const old = view.getUint16(tcp + field);
  view.setUint16(tcp + field, port);
  if (copy.length >= tcp + 18) view.setUint16(tcp + 16, adjustChecksum(view.getUint16(tcp + 16), old, port));
  return copy;
}

/** RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), in one's complement arithmetic. */
export function adjustChecksum(checksum: number, oldWord: number, newWord: number): number {
  let sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + newWord;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
