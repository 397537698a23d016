/**
 * The address families a case runs in (a run dimension, like the target), and the only addresses test
 * traffic ever uses in each: 198.18.0.0/15 for IPv4 (RFC 2544) and 2001:2::/48 for IPv6 (RFC 5180), the
 * ranges set aside for benchmarking (design notes, "Addresses and safety").
 */
import { parseIpv4Address, parseIpv6Address } from '../wire';

/** An address family a target's IP layer speaks. */
export type AddressFamily = 'ipv4' | 'ipv6';

/**
 * How a case's connection is carried: over IPv4, over IPv6, or over IPv4 to an application whose socket
 * is AF_INET6 and sees the peer as an IPv4-mapped address, `::ffff:198.18.0.2` (RFC 4291 §2.5.5.2;
 * packetdrill's third mode). On the wire `ipv4-mapped` is IPv4.
 */
export type RunFamily = AddressFamily | 'ipv4-mapped';

export const RUN_FAMILIES: readonly RunFamily[] = ['ipv4', 'ipv6', 'ipv4-mapped'];

/** What `--family` takes: one family, or `both`, IPv4 and IPv6. */
export const FAMILY_CHOICES = [...RUN_FAMILIES, 'both'] as const;
export type FamilyChoice = (typeof FAMILY_CHOICES)[number];

/** The families `--family` stands for. */
export function familiesOf(choice: FamilyChoice): RunFamily[] {
  return choice === 'both' ? ['ipv4', 'ipv6'] : [choice];
}

/** The IP version on the wire of a run in `family`. */
export function wireFamily(family: RunFamily): AddressFamily {
  return family === 'ipv6' ? 'ipv6' : 'ipv4';
}

/** A family's name as a report writes it. */
export const FAMILY_NAMES: Readonly<Record<RunFamily, string>> = { ipv4: 'IPv4', ipv6: 'IPv6', 'ipv4-mapped': 'IPv4-mapped IPv6' };

const IPV4_NET = parseIpv4Address('198.18.0.0', 0);
const IPV4_MASK = 0xfffe0000; // a /15
const IPV6_PREFIX = parseIpv6Address('2001:2::', 0).slice(0, 6); // a /48

/** The IPv4 test range, 198.18.0.0/15. */
export function inIpv4TestRange(address: string): boolean {
  return ((parseIpv4Address(address, 0) & IPV4_MASK) >>> 0) === IPV4_NET;
}

/** The IPv6 test range, 2001:2::/48. */
export function inIpv6TestRange(address: string): boolean {
  const bytes = parseIpv6Address(address, 0);
  return IPV6_PREFIX.every((byte, i) => bytes[i] === byte);
}

/**
 * Whether `address` lies in its family's test range; false for anything that is not an address. Nothing
 * outside these ranges is ever sent to.
 */
export function inTestRange(address: string): boolean {
  try {
    return address.includes(':') ? inIpv6TestRange(address) : inIpv4TestRange(address);
  } catch {
    return false;
  }
}

/** The ranges as a sentence ends them. */
export const TEST_RANGES_TEXT = '198.18.0.0/15 (IPv4) or 2001:2::/48 (IPv6), the only ranges tcpconform speaks to';
