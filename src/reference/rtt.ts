/**
 * The retransmission timeout of RFC 6298, which RFC 9293 §3.8.1 makes mandatory (MUST-18), with Karn's
 * algorithm for taking samples.
 */
import type { Seq } from '../wire';
import { ge } from './boundaries';
import { fire, type Machine } from './machine';

/** G, the clock granularity: the virtual clock counts milliseconds (RFC 6298 §2). */
const CLOCK_GRANULARITY_MS = 1;
/** K (RFC 6298 §2). */
const K = 4;
/** alpha and beta (RFC 6298 §2.3). */
const ALPHA = 1 / 8;
const BETA = 1 / 4;

/** Starts timing the segment ending at `end`, unless one is timed already (one sample per round trip, RFC 6298 §3). */
export function startTiming(m: Machine, end: Seq): void {
  if (m.tcb.rtt.timing === undefined) m.tcb.rtt.timing = { end, sentAt: m.now };
}

/** Karn's algorithm (RFC 6298 §3): a retransmission makes the segment being timed ambiguous. */
export function abandonTiming(m: Machine): void {
  m.tcb.rtt.timing = undefined;
}

/** An ACK up to `ack` arrived: it ends the measurement when it covers the timed segment. */
export function onAcknowledged(m: Machine, ack: Seq): void {
  const rtt = m.tcb.rtt;
  if (rtt.timing === undefined || !ge(m, 'RFC 6298 3: SEG.ACK >= timed end', ack, rtt.timing.end)) return;
  fire(m, 'rfc6298/2/rtt-sample');
  const sample = m.now - rtt.timing.sentAt;
  rtt.timing = undefined;
  if (rtt.srtt === undefined || rtt.rttvar === undefined) {
    // RFC 6298 §2.2: the first measurement.
    rtt.srtt = sample;
    rtt.rttvar = sample / 2;
  } else {
    // RFC 6298 §2.3: RTTVAR first, with the SRTT before this sample.
    rtt.rttvar = (1 - BETA) * rtt.rttvar + BETA * Math.abs(rtt.srtt - sample);
    rtt.srtt = (1 - ALPHA) * rtt.srtt + ALPHA * sample;
  }
  // RFC 6298 §2.2-§2.5: RTO <- SRTT + max(G, K*RTTVAR), within the profile's floor and ceiling. A new
  // measurement also ends any backoff (RFC 6298 §5, the note after rule 5.7).
  const { minRtoMs, maxRtoMs } = m.profile;
  rtt.rto = Math.min(maxRtoMs, Math.max(minRtoMs, rtt.srtt + Math.max(CLOCK_GRANULARITY_MS, K * rtt.rttvar)));
}

/** RFC 6298 §5.5: after the retransmission timer expires, RTO <- RTO * 2, at most the maximum. */
export function backOff(m: Machine): void {
  m.tcb.rtt.rto = Math.min(m.profile.maxRtoMs, m.tcb.rtt.rto * 2);
}

/**
 * RFC 6298 §5.7: when the SYN had to be retransmitted and the initial RTO is below 3 seconds, the RTO is
 * 3 seconds once data transmission begins.
 */
export function onEstablished(m: Machine): void {
  const rtt = m.tcb.rtt;
  if (!rtt.synRetransmitted || m.profile.initialRtoMs >= SYN_FALLBACK_RTO_MS) return;
  fire(m, 'rfc6298/5.7/syn-timeout-rto');
  rtt.rto = Math.min(m.profile.maxRtoMs, SYN_FALLBACK_RTO_MS);
}

const SYN_FALLBACK_RTO_MS = 3_000;
