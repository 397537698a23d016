/**
 * RFC 9293 §3.9.2: what TCP makes of what IP tells it about a segment, before the segment's state is
 * looked at: address validation (§3.9.2.3) and the route back of a source-routed datagram (§3.9.2.1).
 */
import type { TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';
import * as machine from '../machine';
import type { Machine } from '../machine';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { fire } = machine;

/**
 * Whether the segment goes on to SEGMENT ARRIVES. "A TCP implementation MUST silently discard an
 * incoming SYN segment that is addressed to a broadcast or multicast address" (MUST-57); "an incoming
 * SYN with an invalid source address MUST be ignored either by TCP or by the IP layer" (MUST-63). A
 * source-routed datagram goes on only where the host takes source routes at all: most are configured
 * to drop them (RFC 7126 §4.3), which the profile says.
 */
export function ipAccepts(m: Machine, seg: TcpSegment): boolean {
  const { arrival } = m;
  if (seg.flags & TcpFlag.SYN && arrival.to !== 'unicast') {
    fire(m, '3.9.2.3/syn-to-broadcast-dropped');
    return false;
  }
  if (seg.flags & TcpFlag.SYN && !arrival.sourceValid) {
    fire(m, '3.9.2.3/syn-from-invalid-source-dropped');
    return false;
  }
  if (arrival.returnRoute !== undefined && !m.profile.sourceRoute) {
    fire(m, '3.9.2.1/source-routed-dropped');
    return false;
  }
  return true;
}

/**
 * §3.9.2.1: a connection opened by a source-routed SYN keeps the route back "and use[s] it for all
 * segments sent on this connection" (MUST-53); "if a different source route arrives in a later segment,
 * the later definition SHOULD override the earlier one" (SHLD-24). A listener keeps only a SYN's route:
 * other segments open nothing.
 */
export function keepReturnRoute(m: Machine, seg: TcpSegment): void {
  const route = m.arrival.returnRoute;
  if (route === undefined || m.state === 'CLOSED' || (m.state === 'LISTEN' && !(seg.flags & TcpFlag.SYN))) return;
  const kept = m.tcb.returnRoute;
  if (kept !== undefined && kept.length === route.length && kept.every((hop, i) => hop === route[i])) return;
  fire(m, kept === undefined ? '3.9.2.1/return-route-kept' : '3.9.2.1/return-route-replaced');
  m.tcb.returnRoute = route;
}
