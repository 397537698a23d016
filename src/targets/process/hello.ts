/**
 * What the harness will not accept in a hello, beyond the schema: another protocol version, or an
 * address outside 198.18.0.0/15 — the only range tcpconform ever speaks to (design notes, "Addresses
 * and safety"). An adapter that claims another range could make the harness address a real host.
 */
import { parseIpv4Address } from '../../wire';
import { PROTOCOL_VERSION } from './messages';
import type { HelloMessage } from './messages';

const BENCHMARK_NET = parseIpv4Address('198.18.0.0', 0);
const BENCHMARK_MASK = 0xfffe0000; // a /15

export function inBenchmarkRange(address: string): boolean {
  return ((parseIpv4Address(address, 0) & BENCHMARK_MASK) >>> 0) === BENCHMARK_NET;
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
    return `says its stack speaks ${hello.capabilities.families.join(', ')} but not ipv4, and this harness speaks ipv4 only`;
  }
  return undefined;
}
