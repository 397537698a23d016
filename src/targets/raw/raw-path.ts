/**
 * The peer's packets out and the target's in, through two raw sockets made inside the harness's
 * namespace (netns addon): an IPPROTO_RAW socket that sends whole IPv4 packets, our header included
 * (IP_HDRINCL is implied), marked so the RST rule lets them pass; and an IPPROTO_TCP socket that receives
 * every TCP segment reaching the namespace, IP header included.
 *
 * Times: a send is stamped just before its sendto(2). A received packet is stamped with hrtime when
 * raw-socket hands it over, in the poll callback that read it: raw-socket reads with recvfrom(2), which
 * carries no kernel timestamp, so SO_TIMESTAMPNS would be of no use. Both are on process.hrtime.bigint()'s
 * clock, like every target's.
 */
import type { Socket } from './raw-socket-types';

import { PacketQueue } from '../linux/packet-queue';
import type { Endpoint } from './config';
import type { NetnsAddon, RawSocketModule } from './native';
import type { Addresses } from './packets';
import { fromWire, toWire } from './packets';
import type { PeerPorts } from './ports';
import { HARNESS_MARK } from './rst-rule';

const IPPROTO_RAW = 255;
const IPPROTO_TCP = 6;
const SOL_SOCKET = 1;
const SO_MARK = 36;
/** An IPv4 packet is at most 65535 octets; raw-socket reads at most its buffer's size. */
const MAX_PACKET = 65535;

export class RawPath {
  /** What the target sent to this case's ports, in the case's view, from the moment the path opened. */
  readonly packets = new PacketQueue();
  private readonly sender: Socket;
  private readonly receiver: Socket;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    addon: NetnsAddon,
    raw: RawSocketModule,
    netnsPath: string,
    private readonly addresses: Addresses,
    private readonly ports: PeerPorts,
    control: Endpoint | undefined,
  ) {
    this.sender = addon.runIn(netnsPath, () => raw.createSocket({ protocol: IPPROTO_RAW }));
    try {
      this.receiver = addon.runIn(netnsPath, () => raw.createSocket({ protocol: IPPROTO_TCP, bufferSize: MAX_PACKET }));
    } catch (error) {
      this.sender.close();
      throw error;
    }
    this.sender.on('error', (error) => this.fail(error));
    this.receiver.on('error', (error) => this.fail(error));
    this.receiver.on('message', (view) => {
      const timeNs = process.hrtime.bigint();
      // fromWire copies what it keeps: `view` is raw-socket's one buffer, overwritten by the next packet.
      const bytes = fromWire(view, this.addresses, this.ports, control);
      if (bytes !== undefined) this.packets.push({ bytes, timeNs });
    });
    this.sender.setOption(SOL_SOCKET, SO_MARK, HARNESS_MARK);
  }

  /**
   * Sends one packet at once, returning the time just before it went. raw-socket's own send() queues
   * until the socket polls writable, a loop turn later, after an app call made meanwhile; its native
   * send is the same sendto(2) made now, so the order of packets and app calls is the case's.
   */
  send(packet: Uint8Array): bigint {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('the target is closed');
    const wire = toWire(packet, this.addresses, this.ports);
    const buffer = Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength);
    const timeNs = process.hrtime.bigint();
    this.sender.wrap.send(buffer, 0, buffer.length, this.addresses.target, () => undefined);
    return timeNs;
  }

  /** Closes both sockets at once (a raw socket's close is immediate); safe to repeat. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.packets.close();
    this.sender.close();
    this.receiver.close();
  }

  private fail(error: Error): void {
    this.failure ??= new Error(`the raw socket failed: ${error.message}`, { cause: error });
    this.close();
  }
}
