/**
 * What the machine produces: segments to send, signals to its user, and state changes, in order.
 */
import type { TcpSegment, TcpState } from '../wire';
import type { Ecn } from '../wire/ecn';
import type { Rule } from './rules';

/**
 * The signals RFC 9293 §3.10 gives the user: `connected` and `accepted` when an active or passive OPEN
 * reaches ESTABLISHED, `eof` when a RECEIVE finds no data left after the peer's FIN ("connection
 * closing"), `reset` and `refused` for a RST (§3.10.7.3, §3.10.7.4 second), `timeout` for the user
 * timeout (§3.10.8), `closing` when the peer's FIN arrives (§3.10.7.4 eighth), `urgent` when the peer's
 * urgent pointer advances (§3.10.7.4 sixth, MUST-32), `unreachable` when an ICMP hard error aborts the
 * connection (§3.9.2.2, SHLD-26) and `soft-error` when a soft one reaches it (§3.9.2.2, SHLD-25).
 */
export type UserEvent = 'connected' | 'accepted' | 'eof' | 'reset' | 'refused' | 'timeout' | 'closing' | 'urgent' | 'unreachable' | 'soft-error';

export type Output =
  /**
   * A segment, with what it asks of IP: its ECN codepoint (RFC 3168) and, on a connection that keeps one,
   * the source route back to the peer (RFC 9293 §3.9.2.1).
   */
  | { readonly kind: 'segment'; readonly segment: TcpSegment; readonly ecn?: Ecn; readonly route?: readonly string[] }
  | { readonly kind: 'user'; readonly event: UserEvent }
  | { readonly kind: 'state'; readonly from: TcpState; readonly to: TcpState; readonly rule: Rule };
