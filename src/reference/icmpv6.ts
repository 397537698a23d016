/**
 * ICMP and ICMPv6 messages as TCP receives them (RFC 9293 §3.9.2.2), which names ICMP for IPv4's
 * codes: each ICMPv6 error (RFC 4443) that concerns a TCP connection has an ICMP counterpart that says
 * the same thing to TCP. One table, read both ways: what a case's ICMP error is sent as over IPv6, and
 * what an ICMPv6 error a target receives means to its machine. Pure.
 */
import type { InvokingPacket } from '../wire/icmp';
import type { Icmpv4Message } from '../wire/icmpv4';
import { IpProtocol } from '../wire/ip-protocol';
import type { Icmpv6Message } from '../wire/icmpv6';
import type { IcmpError, IcmpErrorKind } from './icmp';

/** An ICMPv6 error's kind and code. */
export interface Icmpv6Kind {
  readonly kind: Exclude<Icmpv6Message['kind'], 'other'>;
  readonly code: number;
}

/** An ICMP error's kind and code, in RFC 792's terms as the machine takes them. */
interface IcmpKind {
  readonly kind: IcmpErrorKind;
  readonly code: number;
}

/**
 * The pairs with the same meaning to TCP. RFC 4443 §3.1 renumbers destination unreachable (no route,
 * administratively prohibited, address and port unreachable); an unknown upper-layer protocol is a
 * parameter problem there (§3.4, code 1) where IPv4 has protocol unreachable; packet too big carries the
 * MTU as fragmentation needed does (RFC 8201 §4); time exceeded and parameter problem keep their codes.
 */
const COUNTERPARTS: readonly (readonly [IcmpKind, Icmpv6Kind])[] = [
  [{ kind: 'unreachable', code: 0 }, { kind: 'unreachable', code: 0 }],
  [{ kind: 'unreachable', code: 1 }, { kind: 'unreachable', code: 3 }],
  [{ kind: 'unreachable', code: 2 }, { kind: 'parameter-problem', code: 1 }],
  [{ kind: 'unreachable', code: 3 }, { kind: 'unreachable', code: 4 }],
  [{ kind: 'unreachable', code: 13 }, { kind: 'unreachable', code: 1 }],
  [{ kind: 'frag-needed', code: 4 }, { kind: 'packet-too-big', code: 0 }],
  [{ kind: 'time-exceeded', code: 0 }, { kind: 'time-exceeded', code: 0 }],
  [{ kind: 'time-exceeded', code: 1 }, { kind: 'time-exceeded', code: 1 }],
  [{ kind: 'parameter-problem', code: 0 }, { kind: 'parameter-problem', code: 0 }],
];

/** The ICMPv6 error that says to TCP what the ICMP error of `kind` and `code` says; undefined where none does (Source Quench, source route failed, ...). */
export function icmpv6Counterpart(kind: IcmpErrorKind, code: number): Icmpv6Kind | undefined {
  return COUNTERPARTS.find(([v4]) => v4.kind === kind && (kind === 'frag-needed' || v4.code === code))?.[1];
}

/**
 * What an ICMPv6 error means to TCP, as the ICMP error the machine knows. The codes with no pair
 * (beyond scope, a failed source address policy, a reject route; RFC 4443 §3.1, §3.4) say, as a network
 * or host unreachable does, that the packet was not delivered: soft errors, as code 0 is.
 */
export function icmpOfIcmpv6(kind: Icmpv6Kind['kind'], code: number): IcmpKind {
  const pair = COUNTERPARTS.find(([, v6]) => v6.kind === kind && (kind === 'packet-too-big' || v6.code === code));
  if (pair) return pair[0];
  return kind === 'parameter-problem' ? { kind: 'parameter-problem', code: 0 } : kind === 'time-exceeded' ? { kind: 'time-exceeded', code: 0 } : { kind: 'unreachable', code: 0 };
}

/** The ports and sequence number of the TCP segment a quote shows, or undefined where it shows none. */
function quotedSegment(invoking: InvokingPacket | undefined): IcmpError['quoted'] | undefined {
  if (invoking?.protocol !== IpProtocol.TCP || invoking.srcPort === undefined || invoking.dstPort === undefined || invoking.seq === undefined) return undefined;
  return { srcPort: invoking.srcPort, dstPort: invoking.dstPort, seq: invoking.seq };
}

/** The machine's IcmpError for an ICMP error quoting a TCP segment, or undefined for a message that is none. */
export function icmpErrorOfIcmpv4(message: Icmpv4Message): IcmpError | undefined {
  if (message.kind === 'other') return undefined;
  const quoted = quotedSegment(message.invoking);
  if (quoted === undefined) return undefined;
  return {
    kind: message.kind,
    code: message.kind === 'frag-needed' ? 4 : message.code,
    ...(message.kind === 'frag-needed' && { nextHopMtu: message.nextHopMtu }),
    quoted,
  };
}

/** The machine's IcmpError for an ICMPv6 error quoting a TCP segment, or undefined for a message that is none. */
export function icmpErrorOfIcmpv6(message: Icmpv6Message): IcmpError | undefined {
  if (message.kind === 'other') return undefined;
  const quoted = quotedSegment(message.invoking);
  if (quoted === undefined) return undefined;
  return {
    ...icmpOfIcmpv6(message.kind, message.code),
    ...(message.kind === 'packet-too-big' && { nextHopMtu: message.mtu }),
    quoted,
  };
}
