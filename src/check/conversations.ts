/**
 * A capture's TCP segments, sorted into conversations: one per pair of sockets (address and port on each
 * side), whatever the family, in the order of the capture. Each conversation knows which side opened
 * it (the sender of the first SYN without ACK: the client) when the capture shows it. An ICMP error
 * about a segment of a conversation goes with it (RFC 9293 §3.9.2.2). Records that are neither, or
 * that do not parse, are counted, not lost: the summary says how many and why.
 */
// Straight from the modules, not the wire index: its re-exports cost a getter call on every use, and every segment passes here.
import type { IcmpError } from '../reference';
import { icmpErrorOfIcmpv4, icmpErrorOfIcmpv6 } from '../reference/icmpv6';
import type { CaptureRecord } from '../wire/capture';
import { WireError } from '../wire/errors';
import { TcpFlag } from '../wire/flags';
import type { IpHeader } from '../wire/ip';
import { decodePacket, type DecodedPacket } from '../wire/packet';
import type { TcpSegment } from '../wire/tcp';

export interface Socket {
  readonly address: string;
  readonly port: number;
}

/** A TCP segment as the capture holds it. */
export interface CapturedSegment {
  /** The record's number in the capture, from 1. */
  readonly number: number;
  /** Milliseconds since the capture's first record: the oracle's clock. */
  readonly timeMs: number;
  /** The whole IP packet, for the report's trace and pcap. */
  readonly packet: Uint8Array;
  /** Its IP header: what IP tells TCP of it (addresses, ECN field, source route). */
  readonly ip: IpHeader;
  readonly tcp: TcpSegment;
  readonly src: Socket;
  readonly dst: Socket;
  readonly checksumOk: boolean;
}

/** An ICMP error about a segment of a conversation, as the capture holds it. */
export interface CapturedIcmp {
  readonly number: number;
  readonly timeMs: number;
  readonly packet: Uint8Array;
  readonly error: IcmpError;
  /** The socket that sent the segment the error quotes: the endpoint the error is for. */
  readonly about: Socket;
}

export interface Conversation {
  /** `198.18.0.2:40000 ↔ 198.18.0.1:8080`, the client first when known (set by `finish`). */
  name: string;
  /** The two sockets; `client` indexes the one that sent the first SYN without ACK, when the capture shows it. */
  readonly sockets: readonly [Socket, Socket];
  client: 0 | 1 | undefined;
  readonly segments: CapturedSegment[];
  /** ICMP errors about its segments, in capture order. */
  readonly icmp: CapturedIcmp[];
}

export interface SortedCapture {
  readonly conversations: Conversation[];
  /** Records that carried no TCP segment, by reason, with the first record's number. */
  readonly passedOver: Map<string, { count: number; first: number }>;
  /** Milliseconds since the first record, of the last record: how far the capture reaches. */
  endMs: number;
  /** The first record's time, in milliseconds since the epoch (0 for a capture without records). */
  startedAt: number;
  segments: number;
}

/**
 * Where a datagram is going: its destination, or, on a source route with hops still to visit, the
 * route's last address (RFC 791 §3.1), so that an answer sent back by a source route (RFC 9293 MUST-53)
 * belongs to the conversation it answers.
 */
function finalDestination(ip: IpHeader): string {
  if (ip.version !== 4 || ip.options === undefined || ip.options.length === 0) return ip.dst;
  for (const option of ip.options) {
    if ((option.kind === 'lsrr' || option.kind === 'ssrr') && option.pointer <= 3 + 4 * option.route.length && option.route.length > 0) return option.route[option.route.length - 1]!;
  }
  return ip.dst;
}

export const socketText = (s: Socket): string => (s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`);

// The same object first: a conversation's segments share its two sockets (ConversationSorter.add).
export const sameSocket = (a: Socket, b: Socket): boolean => a === b || (a.port === b.port && a.address === b.address);

/** Sorts records into conversations as they come, so that a capture is read once, record by record. */
export class ConversationSorter {
  private readonly byKey = new Map<string, Conversation>();
  private startSeconds: number | undefined;
  private startNanoseconds = 0;
  readonly sorted: SortedCapture = { conversations: [], passedOver: new Map(), endMs: 0, startedAt: 0, segments: 0 };

  add(record: CaptureRecord): void {
    if (this.startSeconds === undefined) {
      this.startSeconds = record.seconds;
      this.startNanoseconds = record.nanoseconds;
      this.sorted.startedAt = record.seconds * 1000 + record.nanoseconds / 1e6;
    }
    const timeMs = (record.seconds - this.startSeconds) * 1000 + (record.nanoseconds - this.startNanoseconds) / 1e6;
    this.sorted.endMs = Math.max(this.sorted.endMs, timeMs);
    if (record.packet === undefined) return this.passOver(record.skipped ?? 'no packet', record.number);
    let decoded;
    try {
      decoded = decodePacket(record.packet);
    } catch (error) {
      if (!(error instanceof WireError)) throw error;
      return this.passOver(`does not parse as IP and TCP: ${error.message.replace(/ \(at byte \d+\)$/, '')}`, record.number);
    }
    const { ip, tcp } = decoded;
    const icmp = decoded.icmpChecksumOk ? icmpAboutTcp(decoded) : undefined;
    if (icmp !== undefined) {
      const conversation = this.byKey.get(this.keyOf(icmp.about, icmp.to));
      if (conversation === undefined) return this.passOver('an ICMP error about a TCP segment of no conversation in the capture', record.number);
      conversation.icmp.push({ number: record.number, timeMs, packet: record.packet, error: icmp.error, about: icmp.about });
      return;
    }
    if (tcp === undefined) return this.passOver(`IPv${ip.version} protocol ${ip.protocol}, not TCP`, record.number);
    const src = { address: ip.src, port: tcp.srcPort };
    const dst = { address: finalDestination(ip), port: tcp.dstPort };
    const conversation = this.conversationOf(src, dst);
    // The conversation's own sockets, not copies: a long capture's segments each held two more objects.
    const [first, second] = sameSocket(conversation.sockets[0], src) ? conversation.sockets : [conversation.sockets[1], conversation.sockets[0]];
    conversation.segments.push({ number: record.number, timeMs, packet: record.packet, ip, tcp, src: first, dst: second, checksumOk: decoded.ipChecksumOk && decoded.tcpChecksumOk === true });
    this.sorted.segments++;
  }

  private passOver(reason: string, number: number): void {
    const seen = this.sorted.passedOver.get(reason);
    if (seen) seen.count++;
    else this.sorted.passedOver.set(reason, { count: 1, first: number });
  }

  /** The conversation of the last segment: most segments follow one of their own conversation's. */
  private last: Conversation | undefined;

  private conversationOf(src: Socket, dst: Socket): Conversation {
    const last = this.last;
    if (last !== undefined) {
      const [x, y] = last.sockets;
      if ((sameSocket(x, src) && sameSocket(y, dst)) || (sameSocket(x, dst) && sameSocket(y, src))) return last;
    }
    this.last = this.byKey.get(this.keyOf(src, dst)) ?? this.newConversation(src, dst);
    return this.last;
  }

  private keyOf(src: Socket, dst: Socket): string {
    const a = `${src.address}|${src.port}`;
    const b = `${dst.address}|${dst.port}`;
    return a < b ? `${a}|${b}` : `${b}|${a}`;
  }

  private newConversation(src: Socket, dst: Socket): Conversation {
    const conversation: Conversation = { name: '', sockets: [src, dst], client: undefined, segments: [], icmp: [] };
    this.byKey.set(this.keyOf(src, dst), conversation);
    this.sorted.conversations.push(conversation);
    return conversation;
  }

  /** The conversations, each named and with its client known where a SYN without ACK shows it. */
  finish(): SortedCapture {
    for (const c of this.sorted.conversations) {
      const opener = c.segments.find((s) => (s.tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN);
      c.client = opener === undefined ? undefined : sameSocket(opener.src, c.sockets[0]) ? 0 : 1;
      const [first, second] = c.client === 1 ? [c.sockets[1], c.sockets[0]] : c.sockets;
      c.name = `${socketText(first)} ↔ ${socketText(second)}`;
    }
    return this.sorted;
  }
}

/**
 * What an ICMP or ICMPv6 error says to TCP (an ICMPv6 one as the ICMP error that says the same,
 * src/reference/icmpv6.ts), and the sockets of the segment it quotes; undefined for anything else.
 */
function icmpAboutTcp(decoded: DecodedPacket): { error: IcmpError; about: Socket; to: Socket } | undefined {
  const error = decoded.icmp ? icmpErrorOfIcmpv4(decoded.icmp) : decoded.icmpv6 ? icmpErrorOfIcmpv6(decoded.icmpv6) : undefined;
  const message = decoded.icmp ?? decoded.icmpv6;
  const invoking = message === undefined || message.kind === 'other' ? undefined : message.invoking;
  if (error === undefined || invoking === undefined) return undefined;
  return { error, about: { address: invoking.src, port: error.quoted.srcPort }, to: { address: invoking.dst, port: error.quoted.dstPort } };
}
