/**
 * The packet an `icmp` step sends: the ICMP error a case names (RFC 792's names), or over IPv6 the
 * ICMPv6 error that says the same to TCP (src/reference/icmpv6.ts). An error with no ICMPv6
 * counterpart, such as Source Quench, belongs to a case for IPv4 alone.
 */
import { familyOfAddress } from '../reference/ip';
import { icmpv6Counterpart } from '../reference/icmpv6';
import type { IcmpTemplate } from '../suite/case';
import { IpProtocol, quoteForIcmpv4, quoteForIcmpv6, type Icmpv4Packet, type Icmpv6Packet } from '../wire';

/** The Next Header field of an IPv6 header, what a protocol unreachable's counterpart points at (RFC 4443 §3.4). */
const NEXT_HEADER_OCTET = 6;

/**
 * The error `template` names, from `from` to `to` (of one family), about the packet whose bytes are
 * `quoted`: its IP header and first 8 octets of data for ICMP (RFC 792), as much as fits for ICMPv6
 * (RFC 4443 §2.4 (c)). Throws, saying so, for an error IPv6 has no counterpart of.
 */
export function icmpErrorPacket(template: IcmpTemplate, quoted: Uint8Array, from: string, to: string): Icmpv4Packet | Icmpv6Packet {
  if (familyOfAddress(to) === 'ipv6') {
    const counterpart = icmpv6Counterpart(template.kind, template.code);
    if (counterpart === undefined) throw new Error(`ICMP ${template.message} has no ICMPv6 counterpart (RFC 4443): the case is for IPv4 (family: ipv4)`);
    const quote = quoteForIcmpv6(quoted);
    const ip = { version: 6 as const, src: from, dst: to, protocol: IpProtocol.ICMPV6, hopLimit: 64 };
    switch (counterpart.kind) {
      case 'packet-too-big':
        return { ip, icmpv6: { kind: 'packet-too-big', code: 0, mtu: template.nextHopMtu ?? 0, quote } };
      case 'parameter-problem':
        return { ip, icmpv6: { kind: 'parameter-problem', code: counterpart.code, pointer: counterpart.code === 1 ? NEXT_HEADER_OCTET : (template.pointer ?? 0), quote } };
      default:
        return { ip, icmpv6: { kind: counterpart.kind, code: counterpart.code, quote } };
    }
  }
  const quote = quoteForIcmpv4(quoted);
  const ip = { version: 4 as const, src: from, dst: to, protocol: IpProtocol.ICMP, ttl: 64, id: 0, dontFragment: false };
  switch (template.kind) {
    case 'frag-needed':
      return { ip, icmp: { kind: 'frag-needed', nextHopMtu: template.nextHopMtu ?? 0, quote } };
    case 'parameter-problem':
      return { ip, icmp: { kind: 'parameter-problem', code: template.code, pointer: template.pointer ?? 0, quote } };
    default:
      return { ip, icmp: { kind: template.kind, code: template.code, quote } };
  }
}
