/**
 * RFC 9293 §3.9.2, the TCP/Lower-Level Interface: what IP hands TCP beside each segment, and what TCP
 * asks of IP for each segment it sends. The machine never sees an IP header; its caller (a target's IP
 * layer, or the oracle) turns the header into an Arrival with `arrivalOf`.
 */
import type { Ecn } from '../wire/ecn';
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

/** A datagram from a unicast source to this host, with nothing else to say. */
export const PLAIN_ARRIVAL: Arrival = { to: 'unicast', sourceValid: true, ecn: 'not-ect' };

type RouteOption = Extract<Ipv4Option, { route: string[] }>;

/** Whether every hop of a source route has been visited: the pointer is past the last address (RFC 791 §3.1). */
function completed(option: RouteOption): boolean {
  return option.pointer > 3 + 4 * option.route.length;
}

/** Whether `address` names one host, or every host of a network or a group, at a host whose subnet broadcast is `broadcast`. */
export function addressedTo(address: string, broadcast?: string): Arrival['to'] {
  const kind = ipv4AddressKind(address, broadcast);
  return kind === 'broadcast' || kind === 'multicast' ? kind : 'unicast';
}

/**
 * What IP tells TCP of a datagram with `header`, at a host whose subnet's directed broadcast address is
 * `broadcast` (where its interface has one).
 */
export function arrivalOf(header: Ipv4Header, broadcast?: string): Arrival {
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
