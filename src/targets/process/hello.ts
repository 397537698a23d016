/**
 * What the harness will not accept in a hello, beyond the schema: another protocol version, or an
 * address outside 198.18.0.0/15 and 2001:2::/48 — the only ranges tcpconform ever speaks to (design
 * notes, "Addresses and safety"). An adapter that claims another range could make the harness address
 * a real host.
 */
import { inIpv4TestRange, inIpv6TestRange } from '../family';
import { PROTOCOL_VERSION } from './messages';
import type { HelloMessage } from './messages';

export function inBenchmarkRange(address: string): boolean {
  return inIpv4TestRange(address);
}

/** Whether `address` is IPv6 text in 2001:2::/48; false for anything that does not parse. */
function inIpv6Range(address: string): boolean {
  try {
    return inIpv6TestRange(address);
  } catch {
    return false;
  }
}

/** Why the harness refuses `hello`, as the end of a sentence ("… its hello …"), or undefined. */
export function helloRefusal(hello: HelloMessage): string | undefined {
  if (hello.protocol !== PROTOCOL_VERSION) {
    return `speaks protocol version ${hello.protocol}, but this harness speaks version ${PROTOCOL_VERSION}`;
  }
  const addresses = [['address', hello.address], ['peer', hello.peer], ...(hello.broadcast === undefined ? [] : [['broadcast', hello.broadcast]])] as const;
  for (const [field, address] of addresses) {
    if (!inBenchmarkRange(address)) {
      return `gives ${field} ${address}, outside 198.18.0.0/15, the only range tcpconform speaks to`;
    }
  }
  if (hello.address === hello.peer) return `gives the same address ${hello.address} for itself and for the peer`;
  if (!hello.capabilities.families.includes('ipv4')) {
    return `says its stack speaks ${hello.capabilities.families.join(', ')} but not ipv4, which every adapter speaks (its address and peer are IPv4)`;
  }
  const speaks6 = hello.capabilities.families.includes('ipv6');
  if (speaks6 !== (hello.address6 !== undefined && hello.peer6 !== undefined)) {
    return speaks6 ? 'says its stack speaks ipv6 but gives no address6 and peer6' : 'gives address6 or peer6 but its families do not hold ipv6';
  }
  for (const [field, address] of [['address6', hello.address6], ['peer6', hello.peer6]] as const) {
    if (address !== undefined && !inIpv6Range(address)) return `gives ${field} ${address}, outside 2001:2::/48, the only IPv6 range tcpconform speaks to`;
  }
  if (speaks6 && hello.address6 === hello.peer6) return `gives the same IPv6 address ${hello.address6} for itself and for the peer`;
  return undefined;
}
