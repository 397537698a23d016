/**
 * The Transmission Control Block (RFC 9293 §3.3.1): the RFC's connection state variables under the RFC's
 * names, plus what an implementation of §3.10 needs besides (queues, MSS, timers).
 */
import type { Seq } from '../wire';
import { seqAdd } from '../wire/seq';
import { newCongestionState, type CongestionState } from './congestion';
import { newEcnState, type EcnState } from './ecn';
import type { Profile } from './profile';
import { SendBuffer } from './send-buffer';
import { newNegotiated, type Negotiated } from './syn-options';
import type { TimestampState } from './timestamps';
import { IP_FACTS, type IpFacts } from './ip';

/** Sequence numbers `start` up to, not including, `end`, received beyond RCV.NXT and held (SHLD-31). */
export interface HeldRange {
  start: Seq;
  end: Seq;
  /** The count of `Tcb.heldArrivals` when data last joined the range: the latest is reported first (RFC 2018 §4). */
  arrival: number;
}

/**
 * RFC 6298's round-trip state. Times are milliseconds of virtual time.
 */
export interface RttState {
  /** SRTT, the smoothed round-trip time; undefined until the first measurement (RFC 6298 §2.2). */
  srtt: number | undefined;
  /** RTTVAR, the round-trip time variation (RFC 6298 §2.2). */
  rttvar: number | undefined;
  /** RTO, the retransmission timeout in force, backed off after each expiry (RFC 6298 §5.5). */
  rto: number;
  /**
   * The one segment being timed (Karn's algorithm, RFC 6298 §3): its measurement ends when an ACK covers
   * `end`, and is abandoned when anything is retransmitted.
   */
  timing: { end: Seq; sentAt: number } | undefined;
  /** Whether the SYN (or SYN-ACK) had to be retransmitted, for RFC 6298 §5.7. */
  synRetransmitted: boolean;
}

/** Deadlines in milliseconds of virtual time; undefined when the timer is not running (RFC 9293 §3.10.8). */
export interface Timers {
  /** The retransmission timer (RFC 6298 §5). */
  retransmission: number | undefined;
  /** The zero-window probe timer, also the sender's SWS override timer (RFC 9293 §3.8.6.1, §3.8.6.2.1). */
  probe: number | undefined;
  /** The user timeout, R2 (RFC 9293 §3.8.3). */
  user: number | undefined;
  /** The TIME-WAIT timer, 2×MSL (RFC 9293 §3.6.1). */
  timeWait: number | undefined;
  /** The keep-alive timer (RFC 9293 §3.8.4): the next probe, or the idle time before the first. */
  keepAlive: number | undefined;
}

export interface Tcb {
  // Send sequence variables (RFC 9293 §3.3.1).
  /** SND.UNA: send unacknowledged, the oldest sequence number sent and not yet acknowledged. */
  sndUna: Seq;
  /** SND.NXT: send next, the sequence number of the next octet (or SYN, FIN) to send. */
  sndNxt: Seq;
  /** SND.WND: send window, the peer's window, an offset from SND.UNA. */
  sndWnd: number;
  /**
   * SND.UP: send urgent pointer, the sequence number after the last urgent octet SEND queued (MUST-62);
   * at the ISS until a SEND has the URGENT flag (which new applications SHOULD NOT use, SHLD-13).
   */
  sndUp: Seq;
  /** SND.WL1: the segment sequence number used for the last window update. */
  sndWl1: Seq;
  /** SND.WL2: the segment acknowledgment number used for the last window update. */
  sndWl2: Seq;
  /** ISS: the initial send sequence number. */
  iss: Seq;

  // Receive sequence variables (RFC 9293 §3.3.1).
  /** RCV.NXT: receive next, the sequence number expected next. */
  rcvNxt: Seq;
  /** RCV.WND: receive window, the octets offered beyond RCV.NXT. */
  rcvWnd: number;
  /** The right edge the window field last offered, scaled (RFC 7323 §2.4); undefined before the first. */
  rcvOffered: Seq | undefined;
  /** RCV.UP: receive urgent pointer, the sequence number after the last urgent octet (MUST-62). */
  rcvUp: Seq;
  /** The sequence number of the next octet RECEIVE returns, to tell where the application reads against RCV.UP. */
  rcvRead: Seq;
  /** IRS: the initial receive sequence number. */
  irs: Seq;

  // What the send side needs besides.
  /** The sequence number after the last octet SEND queued: a conforming sender sends nothing beyond it. */
  sndQueueEnd: Seq;
  /** Whether CLOSE queued a FIN, which takes the sequence number `sndQueueEnd`. */
  finQueued: boolean;
  /** The octets from `sndBufferSeq` to `sndQueueEnd`: sent and unacknowledged, then not yet sent. */
  sndBuffer: SendBuffer;
  /** The sequence number of the first octet in `sndBuffer`. */
  sndBufferSeq: Seq;
  /** Octets SEND has queued over the connection's life, for the pattern of the next ones. */
  sndQueuedTotal: number;
  /** MAX.SND.WND: the largest SND.WND the peer has offered (RFC 5961 §5.2; Max(SND.WND), §3.8.6.2.1). */
  maxSndWnd: number;
  /** SendMSS: the MSS the peer advertised, or 536 when it sent none (RFC 9293 §3.7.1, MUST-15). */
  sndMss: number;
  /** The MSS this endpoint advertised in its SYN (RFC 9293 §3.7.1). */
  rcvMss: number;
  /**
   * The path MTU (RFC 1191), once an ICMP fragmentation needed lowered it below the interface's; it
   * bounds MMS_S, and so Eff.snd.MSS (RFC 9293 §3.7.1, MUST-16).
   */
  pathMtu: number | undefined;

  // What the receive side needs besides.
  /** RCV.BUFF: the receive buffer's size (RFC 9293 §3.8.6.2.2). */
  rcvBuff: number;
  /** RCV.USER: octets received in order that the buffer holds, not yet consumed (RFC 9293 §3.8.6.2.2). */
  rcvUser: number;
  /** Octets the reading application has taken from the buffer and not yet returned by RECEIVE. */
  appHeld: number;
  /** Whether the application takes data as it arrives; `stopReading` clears it. */
  reading: boolean;
  /** Whether the application closed the connection for reading too (RFC 9293 §3.6.1, MAY-1). */
  readClosed: boolean;
  /** Out-of-order ranges held for later processing (SHLD-31), sorted, disjoint, beyond RCV.NXT. */
  held: HeldRange[];
  /** How many times out-of-order data has been held: a clock for which range grew last. */
  heldArrivals: number;
  /** The sequence number of a FIN received beyond RCV.NXT, held until the data before it arrives. */
  heldFin: Seq | undefined;

  // Connection bookkeeping.
  /** Whether SYN-RECEIVED was entered from LISTEN, a passive OPEN (MUST-11). */
  passiveOpen: boolean;
  /**
   * Set on a connection reopened from TIME-WAIT (MAY-2) until an ISS is adopted (adopt-iss.ts): the
   * lowest ISS it may take, one past the old connection's last sequence number.
   */
  issFloor?: Seq;
  /** Whether a CLOSE in SYN-RECEIVED waits for ESTABLISHED to send its FIN (RFC 9293 §3.10.4). */
  closePending: boolean;
  /** The source route back to the peer, from a source-routed datagram of the connection (RFC 9293 §3.9.2.1). */
  returnRoute?: readonly string[];
  /** What the two SYNs agreed on beside MSS: window scaling, timestamps, SACK (RFC 7323, RFC 2018). */
  options: Negotiated;
  /** TS.Recent and Last.ACK.sent (RFC 7323 §4.3). */
  ts: TimestampState;
  /** Explicit Congestion Notification (RFC 3168 §6.1). */
  ecn: EcnState;
  /** Congestion control (RFC 5681). */
  cc: CongestionState;
  /** Keep-alive probes sent since the peer was last heard from (RFC 9293 §3.8.4). */
  keepAliveProbes: number;
  rtt: RttState;
  timers: Timers;
}

/** A TCB for a connection whose SYN takes `iss`, with nothing sent or received yet. */
export function newTcb(profile: Profile, iss: Seq): Tcb {
  const dataStart = seqAdd(iss, 1);
  return {
    sndUna: iss,
    sndNxt: iss,
    sndWnd: 0,
    sndUp: iss,
    sndWl1: 0,
    sndWl2: 0,
    iss,
    rcvNxt: 0,
    rcvWnd: profile.receiveBuffer,
    rcvOffered: undefined,
    rcvUp: 0,
    rcvRead: 0,
    irs: 0,
    sndQueueEnd: dataStart,
    finQueued: false,
    sndBuffer: new SendBuffer(),
    sndBufferSeq: dataStart,
    sndQueuedTotal: 0,
    maxSndWnd: 0,
    sndMss: DEFAULT_SEND_MSS,
    rcvMss: profile.mss,
    pathMtu: undefined,
    rcvBuff: profile.receiveBuffer,
    rcvUser: 0,
    appHeld: 0,
    reading: true,
    readClosed: false,
    held: [],
    heldArrivals: 0,
    heldFin: undefined,
    passiveOpen: false,
    closePending: false,
    options: newNegotiated(profile),
    ts: { recent: undefined, lastAckSent: 0 },
    ecn: newEcnState(iss),
    cc: newCongestionState(),
    keepAliveProbes: 0,
    rtt: { srtt: undefined, rttvar: undefined, rto: profile.initialRtoMs, timing: undefined, synRetransmitted: false },
    timers: { retransmission: undefined, probe: undefined, user: undefined, timeWait: undefined, keepAlive: undefined },
  };
}

/** The send MSS assumed for IPv4 when the peer's SYN has no MSS option, 576 - 40 (RFC 9293 §3.7.1, MUST-15). */
export const DEFAULT_SEND_MSS = IP_FACTS.ipv4.defaultSendMss;

/**
 * Eff.snd.MSS: the largest segment this endpoint sends, the smaller of the peer's MSS and its own, and
 * of what the path MTU leaves for data, less `ip`'s headers, once ICMP has lowered it (RFC 9293 §3.7.1,
 * MUST-16).
 */
export function effSndMss(tcb: Tcb, ip: IpFacts): number {
  // TCPhdrsize counts the options every segment carries: TSopt with its two NOPs once negotiated (RFC 7323 §3.2).
  const options = tcb.options.timestamps ? TSOPT_OCTETS : 0;
  return Math.min(tcb.sndMss, tcb.rcvMss, tcb.pathMtu === undefined ? Infinity : tcb.pathMtu - ip.ipTcpHeaders) - options;
}

/** TSopt (10 octets) and the two NOPs that align it (RFC 7323 Appendix A). */
const TSOPT_OCTETS = 12;

/** Whether this endpoint's FIN has been sent (SND.NXT is past it). */
export function finSent(tcb: Tcb): boolean {
  return tcb.finQueued && tcb.sndNxt === seqAdd(tcb.sndQueueEnd, 1);
}
