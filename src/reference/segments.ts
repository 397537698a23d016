/**
 * The segment forms RFC 9293 writes as `<SEQ=..><ACK=..><CTL=..>`, and the one place segments are emitted.
 */
import type { Seq, TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqAdd } from '../wire/seq';
import { segLen } from './acceptable';
import { segmentEcn, synEcn } from './ecn';
import type { Machine } from './machine';

const NO_PAYLOAD = new Uint8Array(0);

/** The window field this endpoint offers: RCV.WND (never more than the field holds: no window scaling). */
function offeredWindow(m: Machine): number {
  return Math.min(m.tcb.rcvWnd, 0xffff);
}

function emit(m: Machine, segment: TcpSegment): void {
  m.out.push({ kind: 'segment', segment });
}

/**
 * Emits a segment of this connection from this endpoint, carrying RCV.WND, with the ECN flags and
 * codepoint of RFC 3168 (new data: its first octet at SND.NXT) and the route back the connection keeps.
 */
function emitOnConnection(m: Machine, seq: Seq, flags: number, payload: Uint8Array = NO_PAYLOAD): void {
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ack = (flags & TcpFlag.ACK) !== 0;
  const ecn = syn ? synEcn(m, ack) : segmentEcn(m, ack, payload.length > 0 && seq === m.tcb.sndNxt);
  const segment: TcpSegment = {
    srcPort: m.localPort,
    dstPort: m.remotePort ?? 0,
    seq,
    ack: flags & TcpFlag.ACK ? m.tcb.rcvNxt : 0,
    flags: flags | ecn.flags,
    window: flags & TcpFlag.RST ? 0 : offeredWindow(m),
    urgentPointer: 0,
    options: syn ? [{ kind: 'mss', mss: m.tcb.rcvMss }] : [],
    payload,
  };
  const route = m.tcb.returnRoute;
  m.out.push({ kind: 'segment', segment, ...(ecn.codepoint !== 'not-ect' && { ecn: ecn.codepoint }), ...(route && { route }) });
}

/** `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`: the acknowledgment of §3.10.7.4, also the challenge ACK of RFC 5961. */
export function sendAck(m: Machine): void {
  emitOnConnection(m, m.tcb.sndNxt, TcpFlag.ACK);
}

/**
 * `<SEQ=ISS><CTL=SYN>` (RFC 9293 §3.10.1), with the MSS option: sent always (MAY-3), since the MSS this
 * endpoint advertises is the profile's, not necessarily 536 (SHLD-5).
 */
export function sendSyn(m: Machine): void {
  emitOnConnection(m, m.tcb.iss, TcpFlag.SYN);
}

/** `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>` (RFC 9293 §3.10.7.2, §3.10.7.3), with the MSS option. */
export function sendSynAck(m: Machine): void {
  emitOnConnection(m, m.tcb.iss, TcpFlag.SYN | TcpFlag.ACK);
}

/** A segment at `seq` carrying `payload` and, when `fin`, the FIN after it; PSH when `push` (MUST-61). */
export function sendData(m: Machine, seq: Seq, payload: Uint8Array, fin: boolean, push: boolean): void {
  const flags = TcpFlag.ACK | (fin ? TcpFlag.FIN : 0) | (push ? TcpFlag.PSH : 0);
  emitOnConnection(m, seq, flags, payload);
}

/** `<SEQ=SND.NXT><CTL=RST>`: the reset of ABORT (RFC 9293 §3.10.5). */
export function sendAbortReset(m: Machine): void {
  emitOnConnection(m, m.tcb.sndNxt, TcpFlag.RST);
}

/**
 * The reset answering `seg` when no connection wants it (RFC 9293 §3.5.2, groups 1 and 2), in the form
 * that makes it acceptable to the segment's sender:
 * - ACK bit on: `<SEQ=SEG.ACK><CTL=RST>`;
 * - ACK bit off: `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`.
 *
 * It offers no window: no connection stands behind it.
 */
export function sendResetFor(m: Machine, seg: TcpSegment): void {
  const hasAck = (seg.flags & TcpFlag.ACK) !== 0;
  emit(m, {
    srcPort: seg.dstPort,
    dstPort: seg.srcPort,
    seq: hasAck ? seg.ack : 0,
    ack: hasAck ? 0 : seqAdd(seg.seq, segLen(seg)),
    flags: hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
    window: 0,
    urgentPointer: 0,
    options: [],
    payload: NO_PAYLOAD,
  });
}
