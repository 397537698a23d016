/**
 * RFC 9293 §3.9.2.2, Receiving ICMP Messages from IP: an ICMP error about a segment this endpoint sent.
 * The checks run in the order a reader meets them in the RFCs:
 * 1. the error goes to the connection that caused it, found from the quoted segment's ports (MUST-54);
 * 2. Source Quench is silently discarded (MUST-55);
 * 3. a quoted sequence number outside SND.UNA..SND.NXT names nothing in flight: the error cannot be
 *    this connection's, and is ignored (RFC 5927 §4.1, against blind ICMP attacks);
 * 4. fragmentation needed lowers the path MTU, and with it Eff.snd.MSS (RFC 1191 §6.4, MUST-16); an
 *    ICMPv6 packet too big (RFC 4443 §3.2) comes here as one, naming the MTU as well (RFC 8201 §5.2);
 * 5. port and protocol unreachable are hard errors: the connection is aborted (SHLD-26), unless it is
 *    synchronized and the profile takes RFC 5927 §5.2's advice to treat them as soft there;
 * 6. everything else is a soft error: the connection stays (MUST-56) and the user is told (SHLD-25).
 */
import type { Icmpv4Message } from '../wire';
import { seqGe, seqLt } from '../wire/seq';
import { fire, signal, type Machine } from './machine';
import { deleteTcb, returnToListen } from './state';

/** The ICMP errors RFC 792 and RFC 1191 define that may concern a TCP connection, as src/wire names them. */
export type IcmpErrorKind = Exclude<Icmpv4Message['kind'], 'other'>;

/** An ICMP error as TCP receives it from IP: the message, and what its quote shows of the segment it is about. */
export interface IcmpError {
  readonly kind: IcmpErrorKind;
  /** The message's code; for `unreachable`, which destination was unreachable (RFC 792). */
  readonly code: number;
  /** For `frag-needed`: the next hop's MTU (RFC 1191 §4); 0 from a router that predates RFC 1191. */
  readonly nextHopMtu?: number;
  /** The quoted segment's ports (its source is this endpoint) and sequence number. */
  readonly quoted: { readonly srcPort: number; readonly dstPort: number; readonly seq: number };
}

/** Destination unreachable codes RFC 9293 §3.9.2.2 calls hard errors, fragmentation needed (4) aside. */
const PROTOCOL_UNREACHABLE = 2;
const PORT_UNREACHABLE = 3;

/** States with a connection an error can be about; in CLOSED and LISTEN this endpoint has sent nothing. */
function hasConnection(m: Machine): boolean {
  return m.state !== 'CLOSED' && m.state !== 'LISTEN';
}

/** Whether the connection is synchronized: past SYN-SENT and SYN-RECEIVED (RFC 9293 §3.5). */
function synchronized(m: Machine): boolean {
  return m.state !== 'SYN-SENT' && m.state !== 'SYN-RECEIVED';
}

export function icmpErrorArrives(m: Machine, error: IcmpError): void {
  const { tcb } = m;
  const { quoted } = error;
  // 1. "directing it to the connection that created the error": the quote names its ports (MUST-54).
  if (!hasConnection(m) || quoted.srcPort !== m.localPort || quoted.dstPort !== m.remotePort) {
    fire(m, '3.9.2.2/no-connection');
    return;
  }
  // 2. "TCP implementations MUST silently discard any received ICMP Source Quench messages" (MUST-55).
  if (error.kind === 'source-quench') {
    fire(m, '3.9.2.2/source-quench-ignored');
    return;
  }
  // 3. RFC 5927 §4.1: SND.UNA =< SEG.SEQ < SND.NXT, else the quoted segment was never in flight.
  if (!(seqGe(quoted.seq, tcb.sndUna) && seqLt(quoted.seq, tcb.sndNxt))) {
    fire(m, 'rfc5927/4.1/outside-send-window-ignored');
    return;
  }
  // 4. RFC 1191 §6.4: the segment was too large for a link on the path; later segments fit the MTU named.
  if (error.kind === 'frag-needed') {
    const named = error.nextHopMtu ?? 0;
    // RFC 8201 §4: a packet too big "reporting a next-hop MTU that is less than the IPv6 minimum link
    // MTU" is discarded; the estimate never drops below 1280.
    if (m.ip.family === 'ipv6' && named < m.ip.minimumMtu) {
      fire(m, 'rfc8201/4/below-minimum-discarded');
      return;
    }
    // RFC 1191 §3: never below 68 octets, RFC 791's minimum.
    const mtu = Math.max(m.ip.minimumMtu, named);
    if (tcb.pathMtu !== undefined && mtu >= tcb.pathMtu) {
      fire(m, 'rfc1191/6.4/path-mtu-kept');
      return;
    }
    fire(m, 'rfc1191/6.4/path-mtu-lowered');
    tcb.pathMtu = mtu;
    return;
  }
  // 5. "Destination Unreachable -- codes 2-4 ... TCP implementations SHOULD abort the connection" (SHLD-26).
  const hard = error.kind === 'unreachable' && (error.code === PROTOCOL_UNREACHABLE || error.code === PORT_UNREACHABLE);
  if (hard && (!synchronized(m) || m.profile.icmpHardErrorsAbort)) {
    if (m.state === 'SYN-RECEIVED' && tcb.passiveOpen) returnToListen(m, '3.9.2.2/hard-error-abort');
    else deleteTcb(m, '3.9.2.2/hard-error-abort');
    signal(m, 'unreachable');
    return;
  }
  if (hard) {
    fire(m, 'rfc5927/5.2/hard-error-as-soft');
    signal(m, 'soft-error');
    return;
  }
  // 6. "Destination Unreachable -- codes 0, 1, 5; Time Exceeded -- codes 0, 1; Parameter Problem": soft
  // errors, "MUST NOT abort the connection" (MUST-56), "SHOULD make the information available to the
  // application" (SHLD-25). The codes later RFCs added (RFC 1122 §3.2.2.1, RFC 1812 §5.2.7.1) say, as
  // codes 0 and 1 do, that the network did not deliver: the machine takes them as soft too.
  fire(m, '3.9.2.2/soft-error');
  signal(m, 'soft-error');
}
