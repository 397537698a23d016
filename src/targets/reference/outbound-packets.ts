/**
 * What the reference target's endpoint sent, oldest first, as it left the machine. Its IP header is made
 * only when someone wants the packet's bytes: an oracle's shadow machine sends millions of segments whose
 * headers no one reads (bench/check), and takes them as segments.
 */
import type { Output } from '../../reference';
import { sendingFields } from '../../reference/ip';
import { IpProtocol, encodePacket, type IpHeader, type TcpSegment } from '../../wire';
import type { AddressFamily } from '../family';

/** A segment the endpoint sent, as it left the machine. */
export interface QueuedSegment {
  /** The segment, and what its sending sets in its IP header: the ECN field, a source route. */
  readonly output: Extract<Output, { kind: 'segment' }>;
  /** The Differentiated Services codepoint the application had set when it was sent (SHLD-22). */
  readonly dscp: number | undefined;
  readonly timeMs: number;
}

export class OutboundPackets {
  private readonly queued: QueuedSegment[] = [];
  private nextId = 0;
  /** The IPv4 Identification each segment went with, by flags, sequence number and length: a retransmission reuses it (RFC 9293 MAY-4). */
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly family: AddressFamily,
    private readonly address: string,
    private readonly peerAddress: string,
  ) {}

  get length(): number {
    return this.queued.length;
  }

  push(segment: QueuedSegment): void {
    this.queued.push(segment);
  }

  take(): QueuedSegment | undefined {
    return this.queued.shift();
  }

  /** The packet carrying `queued`: to be asked in the order segments are taken, which is the order they were sent in. */
  encode({ output, dscp }: QueuedSegment): Uint8Array {
    const tcp = output.segment;
    const fields = sendingFields(output.ecn, output.route);
    // IPv6 has no Identification in its fixed header and no options: the ECN field (in the traffic
    // class, RFC 3168 §5) is what a segment's sending asks of it.
    const ip: IpHeader =
      this.family === 'ipv6'
        ? { version: 6, src: this.address, dst: fields.dst ?? this.peerAddress, protocol: IpProtocol.TCP, hopLimit: 64, ...(fields.ecn !== undefined && { ecn: fields.ecn }) }
        : { version: 4, src: this.address, dst: this.peerAddress, protocol: IpProtocol.TCP, ttl: 64, id: this.identificationFor(tcp), dontFragment: true, dscp, ...fields };
    return encodePacket({ ip, tcp });
  }

  /** The IPv4 Identification of the datagram carrying `tcp`: a new one, or the first one's for a retransmission (MAY-4). */
  private identificationFor(tcp: TcpSegment): number {
    const key = `${tcp.flags}/${tcp.seq}/${tcp.payload.length}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nextId;
      this.ids.set(key, id);
      this.nextId = (this.nextId + 1) & 0xffff;
    }
    return id;
  }
}
