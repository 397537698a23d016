/**
 * RFC 3168 §6.1, Explicit Congestion Notification in TCP (RFC 9293 §3.8.2, SHLD-8): the negotiation on
 * the SYN and SYN-ACK (§6.1.1), the data sender's answer to an ECN-Echo (§6.1.2), the receiver's echo of
 * a Congestion Experienced mark until CWR (§6.1.3). Congestion control itself is not modelled (see
 * transmit.ts); what shows on the wire is the ECE and CWR flags and the ECN field of the datagrams.
 */
import type { TcpSegment } from '../wire';
import type { Ecn } from '../wire/ecn';
import { TcpFlag } from '../wire/flags';
import * as seqArithmetic from '../wire/seq';
import * as machine from './machine';
import type { Machine } from './machine';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { seqGt } = seqArithmetic;
const { fire } = machine;

/** Both flags: an ECN-setup SYN (RFC 3168 §6.1.1). */
const SETUP = TcpFlag.ECE | TcpFlag.CWR;

export interface EcnState {
  /** The connection is ECN-capable: both SYNs agreed. */
  capable: boolean;
  /** A Congestion Experienced mark arrived and no CWR yet: every ACK carries ECE (§6.1.3). */
  echo: boolean;
  /** An ECN-Echo asked for a window reduction: the next new data carries CWR (§6.1.2). */
  cwrPending: boolean;
  /** SND.NXT when the window was last reduced: ECN-Echoes up to it answer that reduction (once per window, §6.1.2). */
  recover: number;
}

export function newEcnState(iss: number): EcnState {
  return { capable: false, echo: false, cwrPending: false, recover: iss };
}

/** LISTEN, a SYN: an ECN-setup SYN (ECE and CWR) makes the connection ECN-capable where the profile accepts ECN. */
export function ecnOnSyn(m: Machine, seg: TcpSegment): void {
  if ((seg.flags & SETUP) !== SETUP) return;
  if (!m.profile.ecnAccept) {
    fire(m, 'rfc3168/6.1.1/setup-declined');
    return;
  }
  fire(m, 'rfc3168/6.1.1/setup-accepted');
  m.tcb.ecn.capable = true;
}

/** SYN-SENT, the SYN-ACK: after an ECN-setup SYN, an ECN-setup SYN-ACK (ECE without CWR) makes the connection ECN-capable. */
export function ecnOnSynAck(m: Machine, seg: TcpSegment): void {
  if (!m.profile.ecnRequest || (seg.flags & SETUP) !== TcpFlag.ECE) return;
  fire(m, 'rfc3168/6.1.1/negotiated');
  m.tcb.ecn.capable = true;
}

/** What ECN says of a segment: its flags, and the codepoint of its datagram's ECN field. */
export interface SegmentEcn {
  readonly flags: number;
  readonly codepoint: Ecn;
}

const NONE: SegmentEcn = { flags: 0, codepoint: 'not-ect' };

/**
 * The endpoint's SYN asks for ECN (ECE and CWR) where the profile asks; its SYN-ACK answers an
 * ECN-setup SYN with ECE alone. Neither is ECN-capable itself (§6.1.1: "A host MUST NOT set ECT on SYN
 * or SYN-ACK packets").
 */
export function synEcn(m: Machine, ack: boolean): SegmentEcn {
  if (ack) return m.tcb.ecn.capable ? { flags: TcpFlag.ECE, codepoint: 'not-ect' } : NONE;
  if (!m.profile.ecnRequest) return NONE;
  fire(m, 'rfc3168/6.1.1/setup-syn');
  return { flags: SETUP, codepoint: 'not-ect' };
}

/**
 * An acceptable segment of an ECN-capable connection. As receiver (§6.1.3): CWR ends the echo, and a
 * Congestion Experienced mark starts it again. As sender (§6.1.2): ECE on an ACK is congestion on the
 * path; the window is reduced (not modelled) once per window of data, and the next new data says so
 * with CWR.
 */
export function ecnOnSegment(m: Machine, seg: TcpSegment): void {
  const { ecn } = m.tcb;
  if (!ecn.capable) return;
  if (seg.flags & TcpFlag.CWR && ecn.echo) {
    fire(m, 'rfc3168/6.1.3/cwr-ends-echo');
    ecn.echo = false;
  }
  if (m.arrival.ecn === 'ce' && !ecn.echo) {
    fire(m, 'rfc3168/6.1.3/ce-echoed');
    ecn.echo = true;
  }
  if (seg.flags & TcpFlag.ACK && seg.flags & TcpFlag.ECE && seqGt(seg.ack, ecn.recover)) {
    fire(m, 'rfc3168/6.1.2/window-reduced');
    ecn.cwrPending = true;
    ecn.recover = m.tcb.sndNxt;
  }
}

/**
 * The ECN flags and codepoint of a segment of the connection: ECE on every ACK while echoing; on new data
 * (not a retransmission, §6.1.5), ECT(0), and CWR once after a window reduction. Everything else, pure
 * ACKs included (§6.1.4), goes Not-ECT.
 */
export function segmentEcn(m: Machine, hasAck: boolean, newData: boolean): SegmentEcn {
  const { ecn } = m.tcb;
  if (!ecn.capable) return NONE;
  let flags = hasAck && ecn.echo ? TcpFlag.ECE : 0;
  if (!newData) return { flags, codepoint: 'not-ect' };
  if (ecn.cwrPending) {
    fire(m, 'rfc3168/6.1.2/cwr-sent');
    ecn.cwrPending = false;
    flags |= TcpFlag.CWR;
  }
  return { flags, codepoint: 'ect0' };
}
