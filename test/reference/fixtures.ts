/**
 * Fixtures for the reference machine's tests, smoltcp-style: an endpoint in each state, built through
 * real transitions; a template segment from the peer with spread overrides; helpers that read outputs
 * like a packet trace.
 */
import { ReferenceEndpoint, RFC9293_PROFILE, type Output, type Profile } from '../../src/reference';
import { formatFlags, parseFlags, seqAdd, type TcpSegment, type TcpState } from '../../src/wire';

export const LOCAL_PORT = 80;
export const REMOTE_PORT = 40000;
/** This endpoint's ISS, and the peer's (RFC 9293 Figure 6's numbers). */
export const ISS = 100;
export const IRS = 300;
export const LOCAL = { address: '198.18.0.1', port: LOCAL_PORT };
export const REMOTE = { address: '198.18.0.2', port: REMOTE_PORT };

export type ProfileChanges = Partial<Profile>;

/** RFC 5961's three checks (§3 RST, §4 SYN, §5 ACK) all on, or all off as RFC 793 had it. */
export function rfc5961(on: boolean): ProfileChanges {
  return { rfc5961Rst: on, rfc5961Syn: on, rfc5961Ack: on };
}

export function profile(changes: ProfileChanges = {}): Profile {
  return { ...RFC9293_PROFILE, ...changes };
}

export function endpoint(changes: ProfileChanges = {}, options: { nagle?: boolean } = {}): ReferenceEndpoint {
  return new ReferenceEndpoint(profile(changes), LOCAL, { iss: ISS, ...options });
}

/** A segment from the peer: flags as letters, `data` as a count of octets or the octets; the rest from the template. */
export type PeerSegment = Partial<Omit<TcpSegment, 'flags' | 'payload'>> & { flags?: string; data?: number | Uint8Array };

/**
 * The template: from the peer's port to ours, at RCV.NXT, acknowledging SND.NXT, window 65535, ACK only.
 * Overrides name what differs, as smoltcp's `..SEND_TEMPL` does.
 */
export function peerSegment(ep: ReferenceEndpoint, changes: PeerSegment = {}): TcpSegment {
  const { flags = 'A', data = 0, ...rest } = changes;
  return {
    srcPort: REMOTE_PORT,
    dstPort: LOCAL_PORT,
    seq: ep.tcb.rcvNxt,
    ack: ep.tcb.sndNxt,
    window: 65535,
    urgentPointer: 0,
    options: [],
    ...rest,
    flags: parseFlags(flags),
    payload: typeof data === 'number' ? new Uint8Array(data).fill(0x78) : data,
  };
}

/** The peer's segment arrives at `now` (default 0); returns what the endpoint did. */
export function arrive(ep: ReferenceEndpoint, changes: PeerSegment = {}, now = 0): Output[] {
  return ep.segmentArrives(peerSegment(ep, changes), now);
}

export function segments(outputs: readonly Output[]): TcpSegment[] {
  return outputs.flatMap((o) => (o.kind === 'segment' ? [o.segment] : []));
}

export function events(outputs: readonly Output[]): string[] {
  return outputs.flatMap((o) => (o.kind === 'user' ? [o.event] : []));
}

export function transitions(outputs: readonly Output[]): string[] {
  return outputs.flatMap((o) => (o.kind === 'state' ? [`${o.from} => ${o.to}`] : []));
}

/** A segment as a short trace line with the fields tests compare: `A seq 101 ack 301 win 65535 len 0`. */
export function line(segment: TcpSegment): string {
  return `${formatFlags(segment.flags)} seq ${segment.seq} ack ${segment.ack} win ${segment.window} len ${segment.payload.length}`;
}

/** The segments of `outputs` as trace lines without the window, the usual comparison. */
export function sent(outputs: readonly Output[]): string[] {
  return segments(outputs).map((s) => `${formatFlags(s.flags)} seq ${s.seq} ack ${s.ack} len ${s.payload.length}`);
}

// Fixtures, each built from the one before through real transitions (RFC 9293 Figures 6, 12 and 13).

export function closed(changes: ProfileChanges = {}): ReferenceEndpoint {
  return endpoint(changes);
}

export function listen(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = endpoint(changes);
  ep.openPassive(0);
  return ep;
}

/** LISTEN, then the peer's SYN at IRS with MSS 1460: SYN-RECEIVED. */
export function synReceived(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = listen(changes);
  arrive(ep, { flags: 'S', seq: IRS, ack: 0, options: [{ kind: 'mss', mss: 1460 }] });
  return ep;
}

export function established(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = synReceived(changes);
  arrive(ep);
  return ep;
}

/** An active OPEN to the peer: SYN-SENT. */
export function synSent(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = endpoint(changes);
  ep.openActive(REMOTE, ISS, 0);
  return ep;
}

/** SYN-SENT, then the peer's own SYN without ACK: a simultaneous open (Figure 7), SYN-RECEIVED. */
export function synReceivedActive(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = synSent(changes);
  arrive(ep, { flags: 'S', seq: IRS, ack: 0, options: [{ kind: 'mss', mss: 1460 }] });
  return ep;
}

/** ESTABLISHED, then CLOSE of the sending side: our FIN is out, FIN-WAIT-1. */
export function finWait1(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = established(changes);
  ep.shutdown(0);
  return ep;
}

/** FIN-WAIT-1, then the peer acknowledges our FIN: FIN-WAIT-2. */
export function finWait2(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = finWait1(changes);
  arrive(ep);
  return ep;
}

/** FIN-WAIT-1, then the peer's FIN, not acknowledging ours: CLOSING (Figure 13). */
export function closing(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = finWait1(changes);
  arrive(ep, { flags: 'FA', ack: seqAdd(ISS, 1) });
  return ep;
}

/** FIN-WAIT-2, then the peer's FIN: TIME-WAIT. */
export function timeWait(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = finWait2(changes);
  arrive(ep, { flags: 'FA' });
  return ep;
}

/** ESTABLISHED, then the peer's FIN: CLOSE-WAIT. */
export function closeWait(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = established(changes);
  arrive(ep, { flags: 'FA' });
  return ep;
}

/** CLOSE-WAIT, then CLOSE: our FIN is out, LAST-ACK. */
export function lastAck(changes: ProfileChanges = {}): ReferenceEndpoint {
  const ep = closeWait(changes);
  ep.shutdown(0);
  return ep;
}

export const FIXTURES: Record<TcpState, (changes?: ProfileChanges) => ReferenceEndpoint> = {
  CLOSED: closed,
  LISTEN: listen,
  'SYN-SENT': synSent,
  'SYN-RECEIVED': synReceived,
  ESTABLISHED: established,
  'FIN-WAIT-1': finWait1,
  'FIN-WAIT-2': finWait2,
  'CLOSE-WAIT': closeWait,
  CLOSING: closing,
  'LAST-ACK': lastAck,
  'TIME-WAIT': timeWait,
};
