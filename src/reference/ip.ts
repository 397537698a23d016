/**
 * RFC 9293 §3.9.2, the TCP/Lower-Level Interface: what IP hands TCP beside each segment, and what TCP
 * asks of IP for each segment it sends. The machine never sees an IP header; its caller (a target's IP
 * layer, or the oracle) turns the header into an Arrival with `arrivalOf`.
 */
import type { Ecn } from '../wire/ecn';
import type { IpHeader } from '../wire/ip';
import type { Ipv4Header } from '../wire/ipv4';
import { ipv4AddressKind } from '../wire/ipv4-address';
import type { Ipv4Option } from '../wire/ipv4-options';

export interface Arrival {
  /** How the datagram was addressed: to this host, or to every host of a network or of a group. */
  readonly to: 'unicast' | 'broadcast' | 'multicast';
  /** Whether its source address is one a datagram may come from (RFC 1122 §3.2.1.3). */
  readonly sourceValid: boolean;
  /** Its ECN field (RFC 3168 §5). */
  readonly ecn: Ecn;
  /**
   * The route back, when the datagram came by a source route whose every hop it visited: the hops it
   * recorded, last first, then its source (RFC 1122 §3.2.1.8; RFC 9293 §3.9.2.1, MUST-53).
   */
  readonly returnRoute?: readonly string[];
}

/** The IP version an endpoint runs over: what its segments' sizes and defaults depend on. */
export type IpFamily = 'ipv4' | 'ipv6';

/** What differs for TCP between the two IP versions (RFC 9293 §3.7.1; RFC 8200 §5; RFC 8201). */
export interface IpFacts {
  readonly family: IpFamily;
  /**
   * SendMSS when the peer's SYN carries no MSS option (MUST-15): the least datagram every host takes
   * less the IP and TCP headers, 576 - 40 for IPv4 (RFC 9293 §3.7.1), 1280 - 60 for IPv6 (RFC 8200 §5).
   */
  readonly defaultSendMss: number;
  /** The IP header without options or extension headers, and TCP's: what an MTU holds besides data. */
  readonly ipTcpHeaders: number;
  /**
   * The least path MTU an ICMP error may lower the estimate to: 68 for IPv4 (RFC 1191 §3, an error
   * naming less lowers it to 68), the IPv6 minimum link MTU of 1280 for IPv6 (RFC 8201 §4, an error
   * naming less is discarded).
   */
  readonly minimumMtu: number;
}

export const IP_FACTS: Readonly<Record<IpFamily, IpFacts>> = {
  ipv4: { family: 'ipv4', defaultSendMss: 536, ipTcpHeaders: 40, minimumMtu: 68 },
  ipv6: { family: 'ipv6', defaultSendMss: 1220, ipTcpHeaders: 60, minimumMtu: 1280 },
};

/**
 * The MSS an interface whose IPv4 MSS is `ipv4Mss` (its MTU less 40 octets) gives in `family`: over IPv6
 * the same MTU less 60, and never less than IPv6's minimum MTU of 1280 allows, 1220 (RFC 8200 §5).
 */
export function mssIn(ipv4Mss: number, family: IpFamily): number {
  if (family === 'ipv4') return ipv4Mss;
  return Math.max(ipv4Mss + IP_FACTS.ipv4.ipTcpHeaders, IP_FACTS.ipv6.minimumMtu) - IP_FACTS.ipv6.ipTcpHeaders;
}

/** The family an address is written in: IPv6 text has colons (RFC 4291 §2.2), IPv4's has none. */
export function familyOfAddress(address: string): IpFamily {
  return address.includes(':') ? 'ipv6' : 'ipv4';
}

/** Whether an IPv6 address is a group's, ff00::/8 (RFC 4291 §2.7). */
function ipv6Multicast(address: string): boolean {
  return /^ff[0-9a-f]{2}:/i.test(address);
}

/** A datagram from a unicast source to this host, with nothing else to say. */
export const PLAIN_ARRIVAL: Arrival = { to: 'unicast', sourceValid: true, ecn: 'not-ect' };

type RouteOption = Extract<Ipv4Option, { route: string[] }>;

/** Whether every hop of a source route has been visited: the pointer is past the last address (RFC 791 §3.1). */
function completed(option: RouteOption): boolean {
  return option.pointer > 3 + 4 * option.route.length;
}

/** Whether `address` names one host, or every host of a network or a group, at a host whose subnet broadcast is `broadcast`. */
export function addressedTo(address: string, broadcast?: string): Arrival['to'] {
  if (familyOfAddress(address) === 'ipv6') return ipv6Multicast(address) ? 'multicast' : 'unicast';
  const kind = ipv4AddressKind(address, broadcast);
  return kind === 'broadcast' || kind === 'multicast' ? kind : 'unicast';
}

/**
 * What IP tells TCP of a datagram with `header`, at a host whose subnet's directed broadcast address is
 * `broadcast` (where its interface has one). IPv6 has no broadcast (RFC 4291 §2) and no source route
 * to reverse (RFC 5095 deprecated type 0): its datagrams are to one host or to a group (ff00::/8).
 */
export function arrivalOf(header: IpHeader, broadcast?: string): Arrival {
  if (header.version === 6) {
    return { to: addressedTo(header.dst), sourceValid: !ipv6Multicast(header.src) && header.src !== '::', ecn: header.ecn ?? 'not-ect' };
  }
  const route = (header.options ?? []).find((o): o is RouteOption => o.kind === 'lsrr' || o.kind === 'ssrr');
  const returnRoute = route && completed(route) ? [...route.route].reverse().concat(header.src) : undefined;
  return {
    to: addressedTo(header.dst, broadcast),
    sourceValid: ipv4AddressKind(header.src, broadcast) === 'unicast',
    ecn: header.ecn ?? 'not-ect',
    ...(returnRoute && { returnRoute }),
  };
}

/**
 * The IPv4 header fields a segment the machine sends asks for: its ECN codepoint, and a route back kept
 * from the peer's source route. The first hop is the datagram's destination; the rest ride in a loose
 * source route option, pointing at its first address.
 */
export function sendingFields(ecn: Ecn | undefined, route: readonly string[] | undefined): Pick<Ipv4Header, 'ecn' | 'options'> & { dst?: string } {
  const fields: Pick<Ipv4Header, 'ecn' | 'options'> & { dst?: string } = ecn === undefined ? {} : { ecn };
  if (route === undefined || route.length === 0) return fields;
  const [first, ...rest] = route as [string, ...string[]];
  return { ...fields, dst: first, ...(rest.length > 0 && { options: [{ kind: 'lsrr', pointer: 4, route: rest }] }) };
}
