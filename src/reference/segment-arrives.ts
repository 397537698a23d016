/**
 * RFC 9293 §3.10.7 SEGMENT ARRIVES: the segment goes to the processing of the connection's state, once
 * what IP said of it (§3.9.2) lets it.
 */
import type { TcpSegment } from '../wire';
import * as closed from './arrives/closed';
import * as ip from './arrives/ip';
import * as listen from './arrives/listen';
import * as otherStatesModule from './arrives/other-states';
import * as synSent from './arrives/syn-sent';
import * as keepAlive from './keep-alive';
import type { Machine } from './machine';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { closedState } = closed;
const { ipAccepts, keepReturnRoute } = ip;
const { listenState } = listen;
const { otherStates } = otherStatesModule;
const { synSentState } = synSent;
const { peerHeard } = keepAlive;

/**
 * Whether `seg` belongs to this endpoint's connection: addressed to its port and, once the remote socket
 * is known, from the remote port (smoltcp's `accepts`). For any other segment no TCB exists: it is
 * processed as in CLOSED.
 */
function accepts(m: Machine, seg: TcpSegment): boolean {
  return seg.dstPort === m.localPort && (m.remotePort === undefined || seg.srcPort === m.remotePort);
}

export function segmentArrives(m: Machine, seg: TcpSegment): void {
  if (!ipAccepts(m, seg)) return;
  if (!accepts(m, seg)) return closedState(m, seg);
  keepReturnRoute(m, seg);
  switch (m.state) {
    case 'CLOSED':
      return closedState(m, seg);
    case 'LISTEN':
      return listenState(m, seg);
    case 'SYN-SENT':
      synSentState(m, seg);
      break;
    default:
      otherStates(m, seg);
  }
  // Whatever the segment did, the peer is alive: the keep-alive idle time starts over (§3.8.4).
  peerHeard(m);
}
