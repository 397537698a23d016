/**
 * The peer's packets out and the target's in, through two raw sockets made inside the harness's
 * namespace (netns addon), of the case's family: an IPPROTO_RAW socket that sends whole packets, our
 * header included (IPPROTO_RAW implies IP_HDRINCL, and IPV6_HDRINCL likewise), marked so the RST rule lets
 * them pass; and an IPPROTO_TCP socket that receives every TCP segment reaching the namespace. An IPv4 one
 * gives the IP header too; an IPv6 one never does (RFC 3542 §3), so over IPv6 the headers the wire
 * carried come from the capture below, matched to the segment.
 *
 * Times: a send is stamped just before its sendto(2). A received packet carries its wire time: raw-socket
 * reads with recvfrom(2), which carries no kernel timestamp, so a packet socket on the harness's end of
 * the veth (the netns addon's capture) keeps the kernel's stamp of each arriving packet, and the copy
 * raw-socket hands over is matched to it; one no capture matches is stamped as read. All are on
 * process.hrtime.bigint()'s clock, like every target's.
 */
import type { Socket } from './raw-socket-types';
import type { TimedPacket } from '../target';

import type { AddressFamily } from '../family';
import { PacketQueue } from '../linux/packet-queue';
import type { Endpoint } from './config';
import { LINK_NAME } from './harness-namespace';
import type { Capture, NetnsAddon, RawSocketModule } from './native';
import type { Addresses } from './packets';
import { fromWire, toWire } from './packets';
import type { PeerPorts } from './ports';
import { HARNESS_MARK } from './rst-rule';

const IPPROTO_RAW = 255;
const IPPROTO_TCP = 6;
/** raw-socket's address families. */
const SOCKET_FAMILY: Readonly<Record<AddressFamily, number>> = { ipv4: 1, ipv6: 2 };
const SOL_SOCKET = 1;
const SO_MARK = 36;
/** How raw-socket words EAGAIN (strerror): a non-blocking read found nothing waiting. */
const NOTHING_WAITING = /temporarily unavailable/i;
/** How raw-socket words EMSGSIZE (strerror). */
const TOO_LONG = /message too long/i;

/** Why a packet of `octets` could not leave: the reason a case errs with, which the raw target documents. */
export function packetTooLong(octets: number): string {
  return `the raw target cannot send a packet of ${octets} octets, larger than its link's MTU`;
}

/** A packet is at most 65535 octets (without jumbograms); raw-socket reads at most its buffer's size. */
const MAX_PACKET = 65535;

export class RawPath {
  /** What the target sent to this case's ports, in the case's view, from the moment the path opened. */
  private readonly packets = new PacketQueue(() => this.drain());
  private readonly sender: Socket;
  private readonly receiver: Socket;
  private readonly capture: Capture;
  private failure: Error | undefined;
  private closed = false;

  constructor(
    private readonly addon: NetnsAddon,
    raw: RawSocketModule,
    netnsPath: string,
    private readonly addresses: Addresses,
    private readonly ports: PeerPorts,
    private readonly control: Endpoint | undefined,
    private readonly family: AddressFamily,
  ) {
    const addressFamily = SOCKET_FAMILY[family];
    // Opened first: every packet the receiver gets arrived after it, so each has its capture.
    this.capture = addon.openCapture(netnsPath, LINK_NAME);
    try {
      this.sender = addon.runIn(netnsPath, () => raw.createSocket({ protocol: IPPROTO_RAW, addressFamily }));
    } catch (error) {
      addon.closeCapture(this.capture);
      throw error;
    }
    try {
      this.receiver = addon.runIn(netnsPath, () => raw.createSocket({ protocol: IPPROTO_TCP, addressFamily, bufferSize: MAX_PACKET }));
    } catch (error) {
      this.sender.close();
      addon.closeCapture(this.capture);
      throw error;
    }
    this.sender.on('error', (error) => this.fail(error));
    // raw-socket reads when the loop polls the socket readable; a drain may have read that packet
    // already, and its recvfrom then finds nothing (EAGAIN), which is no failure.
    this.receiver.on('error', (error) => {
      if (!NOTHING_WAITING.test(error.message)) this.fail(error);
    });
    this.receiver.on('message', (view) => this.take(view));
    this.sender.setOption(SOL_SOCKET, SO_MARK, HARNESS_MARK);
  }

  /** A packet the receiver read, stamped with its wire time, queued if it is the case's. */
  private take(view: Buffer): void {
    const wire = this.family === 'ipv4' ? this.wireIpv4(view) : this.wireIpv6(view);
    if (wire === undefined) return;
    // fromWire copies what it keeps: `view` is raw-socket's one buffer, overwritten by the next packet.
    const bytes = fromWire(wire.packet, this.addresses, this.ports, this.control);
    if (bytes !== undefined) this.packets.push({ bytes, timeNs: wire.timeNs });
  }

  /** An IPv4 packet as read, its time the capture's, or the read's when the capture missed it. */
  private wireIpv4(view: Buffer): { packet: Uint8Array; timeNs: bigint } {
    // Also puts back the wire's IPv4 header where the harness's kernel rewrote its options on delivery.
    const timeNs = this.addon.wireTime(this.capture, view);
    return { packet: view, timeNs: timeNs !== 0n ? timeNs : process.hrtime.bigint() };
  }

  /**
   * An IPv6 segment (the socket gives it from the TCP header on) behind the headers its capture shows.
   * Without its capture the packet's own header is unknown, and one made up would be no wire's: the path
   * fails instead, and the case with it.
   */
  private wireIpv6(view: Buffer): { packet: Uint8Array; timeNs: bigint } | undefined {
    const captured = this.addon.wireHeaders6(this.capture, view);
    if (captured === undefined) {
      this.fail(new Error(`an IPv6 segment of ${view.length} octets reached the raw socket without its capture, so the IPv6 header it came with is unknown`));
      return undefined;
    }
    return { packet: Buffer.concat([captured.headers, view]), timeNs: captured.timeNs };
  }

  /** Reads what the receiver holds now, before the loop polls it: a receive must not miss what came in time. */
  private drain(): void {
    if (this.closed) return;
    for (;;) {
      try {
        this.receiver.wrap.recv(this.receiver.buffer, (buffer, bytes) => this.take(buffer.subarray(0, bytes)));
      } catch (error) {
        // Nothing more waiting; anything else breaks the path.
        if (!NOTHING_WAITING.test((error as Error).message)) this.fail(error as Error);
        return;
      }
    }
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
    try {
      this.sender.wrap.send(buffer, 0, buffer.length, this.addresses.target, () => undefined);
    } catch (error) {
      // EMSGSIZE: the harness's kernel sends no packet larger than its link's MTU, as no wire carries one.
      if (TOO_LONG.test((error as Error).message)) throw new Error(`${packetTooLong(buffer.length)} (${(error as Error).message})`);
      throw error;
    }
    return timeNs;
  }

  /**
   * The case's next packet from the target, or undefined when none comes within `timeoutMs`. Throws when
   * the path failed meanwhile: its silence is then no target's.
   */
  async receive(timeoutMs: number): Promise<TimedPacket | undefined> {
    if (this.failure) throw this.failure;
    const packet = await this.packets.next(timeoutMs);
    if (packet === undefined && this.failure) throw this.failure;
    return packet;
  }

  /** Closes both sockets at once (a raw socket's close is immediate); safe to repeat. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.packets.close();
    this.sender.close();
    this.receiver.close();
    this.addon.closeCapture(this.capture);
  }

  private fail(error: Error): void {
    this.failure ??= new Error(`the raw socket failed: ${error.message}`, { cause: error });
    this.close();
  }
}
