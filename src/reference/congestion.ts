/**
 * RFC 5681 congestion control, which RFC 9293 §3.8.2 makes mandatory (MUST-19): slow start and
 * congestion avoidance (§3.1), fast retransmit and fast recovery (§3.2), the loss window after a
 * retransmission timeout (§3.1). The initial window is the profile's (RFC 5681 §3.1: up to 4 segments;
 * RFC 6928: 10). cwnd only ever lowers what the peer's window allows (transmit.ts).
 */
import type { TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqSub } from '../wire/seq';
import { fire, type Machine } from './machine';
import { abandonTiming } from './rtt';
import { peerWindow } from './syn-options';
import { effSndMss } from './tcb';

/** RFC 5681's state variables, in octets. */
export interface CongestionState {
  /** cwnd, the congestion window. */
  cwnd: number;
  /** ssthresh, the slow start threshold: "arbitrarily high" at first (RFC 5681 §3.1). */
  ssthresh: number;
  /** Duplicate ACKs in a row (RFC 5681 §2). */
  dupAcks: number;
  /** Whether fast recovery is under way (RFC 5681 §3.2, steps 4 to 6). */
  recovering: boolean;
  /** Whether the segment at SND.UNA has timed out already: ssthresh is then kept (RFC 5681 §3.1, after equation 4). */
  timedOut: boolean;
}

/** The state before the connection is established: no window yet limits anything. */
export function newCongestionState(): CongestionState {
  return { cwnd: Infinity, ssthresh: Infinity, dupAcks: 0, recovering: false, timedOut: false };
}

/** FlightSize: sent and not yet acknowledged (RFC 5681 §2). */
function flightSize(m: Machine): number {
  return seqSub(m.tcb.sndNxt, m.tcb.sndUna);
}

/** ESTABLISHED: cwnd starts at IW, the profile's number of full-sized segments (RFC 5681 §3.1, RFC 6928 §2). */
export function startCongestionControl(m: Machine): void {
  m.tcb.cc = { ...newCongestionState(), cwnd: m.profile.initialWindow * effSndMss(m.tcb, m.ip) };
}

/** An ACK of `octets` new data: the window grows, by slow start below ssthresh and congestion avoidance above it (RFC 5681 §3.1). */
export function onNewDataAcked(m: Machine, octets: number): void {
  const cc = m.tcb.cc;
  cc.dupAcks = 0;
  cc.timedOut = false;
  const smss = effSndMss(m.tcb, m.ip);
  if (cc.recovering) {
    // RFC 5681 §3.2 step 6: the ACK of new data ends fast recovery; cwnd deflates to ssthresh.
    fire(m, 'rfc5681/3.2/recovery-ended');
    cc.recovering = false;
    cc.cwnd = cc.ssthresh;
  } else if (cc.cwnd < cc.ssthresh) {
    // Equation (2): cwnd += min(N, SMSS).
    fire(m, 'rfc5681/3.1/slow-start');
    cc.cwnd += Math.min(octets, smss);
  } else {
    // Equation (3): cwnd += SMSS*SMSS/cwnd, about one segment per round trip.
    fire(m, 'rfc5681/3.1/congestion-avoidance');
    cc.cwnd += Math.max(1, Math.floor((smss * smss) / cc.cwnd));
  }
}

/**
 * RFC 5681 §2's duplicate acknowledgment: data outstanding in an open window, none carried, neither SYN nor FIN, SEG.ACK =
 * SND.UNA, and the window unchanged. Its count leads to fast retransmit on the third (§3.2 steps 2 and
 * 3), and inflates the window during fast recovery (step 4). Judged before the segment's window is taken.
 */
export function onPossibleDuplicateAck(m: Machine, seg: TcpSegment, resend: (m: Machine, limit: number) => void): void {
  const { tcb } = m;
  const cc = tcb.cc;
  // A zero window's ACKs answer probes beyond it (RFC 9293 §3.8.6.1), not a loss.
  const duplicate = flightSize(m) > 0 && tcb.sndWnd > 0 && seg.payload.length === 0 && !(seg.flags & (TcpFlag.SYN | TcpFlag.FIN)) && seg.ack === tcb.sndUna && peerWindow(tcb, seg) === tcb.sndWnd;
  if (!duplicate) return;
  cc.dupAcks += 1;
  const smss = effSndMss(tcb, m.ip);
  if (cc.recovering) {
    fire(m, 'rfc5681/3.2/window-inflated');
    cc.cwnd += smss;
  } else if (cc.dupAcks === DUPLICATE_THRESHOLD) {
    // Steps 2 and 3: ssthresh = max(FlightSize / 2, 2*SMSS) (equation 4), the segment at SND.UNA sent
    // again, cwnd = ssthresh + 3*SMSS.
    fire(m, 'rfc5681/3.2/fast-retransmit');
    cc.ssthresh = Math.max(Math.floor(flightSize(m) / 2), 2 * smss);
    abandonTiming(m);
    resend(m, smss);
    cc.cwnd = cc.ssthresh + DUPLICATE_THRESHOLD * smss;
    cc.recovering = true;
  }
}

/** RFC 5681 §3.2: "the arrival of 3 duplicate ACKs" signals a loss. */
const DUPLICATE_THRESHOLD = 3;

/**
 * The retransmission timer expired (RFC 5681 §3.1): ssthresh = max(FlightSize / 2, 2*SMSS), kept when
 * the segment had timed out before, and cwnd is the loss window, one full-sized segment.
 */
export function onRetransmissionTimeout(m: Machine): void {
  const cc = m.tcb.cc;
  const smss = effSndMss(m.tcb, m.ip);
  fire(m, 'rfc5681/3.1/loss-window');
  if (!cc.timedOut) cc.ssthresh = Math.max(Math.floor(flightSize(m) / 2), 2 * smss);
  cc.timedOut = true;
  cc.cwnd = smss;
  cc.dupAcks = 0;
  cc.recovering = false;
}
