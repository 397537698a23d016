/**
 * The segment forms RFC 9293 writes as `<SEQ=..><ACK=..><CTL=..>`, and the one place segments are emitted
 * (where a mutant alters a form, mutation.ts).
 */
import type { Seq, TcpOption, TcpSegment } from '../wire';
import { TcpFlag } from '../wire/flags';
import { seqAdd, seqLt, seqSub } from '../wire/seq';
import { segLen } from './acceptable';
import { segmentEcn, synEcn } from './ecn';
import { fire, type Machine } from './machine';
import { sackBlocks } from './sack';
import { offerWindow, synOptions } from './syn-options';
import { tsClock } from './timestamps';

const NO_PAYLOAD = new Uint8Array(0);

/** Every form of segment the machine sends, as the RFC writes it. */
export const SEGMENT_FORMS = {
  ack: '<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>',
  syn: '<SEQ=ISS><CTL=SYN>',
  'syn-ack': '<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>',
  data: 'data <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, PSH on the last queued',
  fin: 'the FIN <SEQ=SND.NXT><ACK=RCV.NXT><CTL=FIN,ACK>, after any data',
  'keep-alive': 'the keep-alive probe <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, no data',
  'abort-reset': "ABORT's <SEQ=SND.NXT><CTL=RST>",
  reset: 'the reset of a segment with ACK, <SEQ=SEG.ACK><CTL=RST>',
  'reset-ack': 'the reset of a segment without ACK, <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>',
} as const;

export type SegmentForm = keyof typeof SEGMENT_FORMS;

/** Sends `segment`, of `form`, with no connection behind it; `other` is the form's alternative, which a mutant may send instead. */
function emit(m: Machine, form: SegmentForm, segment: TcpSegment, other?: TcpSegment): void {
  const emitting = m.mutation?.emitting;
  m.out.push({ kind: 'segment', segment: emitting ? emitting(form, segment, other) : segment });
}

/**
 * The urgent pointer a segment at `seq` carries: while urgent data lies at or beyond it (SND.UP > SEG.SEQ),
 * the offset to the octet after the urgent data (§3.8.5, MUST-62), as far as the 16-bit field reaches.
 */
export function urgentPointerAt(sndUp: Seq, seq: Seq): number | undefined {
  return seqLt(seq, sndUp) ? Math.min(seqSub(sndUp, seq), 0xffff) : undefined;
}

/**
 * Sends a segment of this connection, of `form`, with the ECN flags and codepoint of RFC 3168 (new data:
 * its first octet at SND.NXT) and by the route back the connection keeps (RFC 9293 §3.9.2.1).
 */
function emitOnConnection(m: Machine, form: SegmentForm, seq: Seq, flags: number, payload: Uint8Array = NO_PAYLOAD): void {
  const ack = (flags & TcpFlag.ACK) !== 0;
  const ecn = flags & TcpFlag.SYN ? synEcn(m, ack) : segmentEcn(m, ack, payload.length > 0 && seq === m.tcb.sndNxt);
  const formed = connectionSegment(m, seq, flags | ecn.flags, payload);
  // A reset offers no window.
  const segment = flags & TcpFlag.RST ? { ...formed, window: 0 } : formed;
  const emitting = m.mutation?.emitting;
  const route = m.tcb.returnRoute;
  m.out.push({ kind: 'segment', segment: emitting ? emitting(form, segment, undefined) : segment, ...(ecn.codepoint !== 'not-ect' && { ecn: ecn.codepoint }), ...(route && { route }) });
}

/** A segment of this connection from this endpoint, carrying RCV.WND (scaled, RFC 7323 §2.3). */
function connectionSegment(m: Machine, seq: Seq, flags: number, payload: Uint8Array = NO_PAYLOAD): TcpSegment {
  const { tcb } = m;
  const syn = (flags & TcpFlag.SYN) !== 0;
  const ack = (flags & TcpFlag.ACK) !== 0;
  const urgent = flags & (TcpFlag.SYN | TcpFlag.RST) ? undefined : urgentPointerAt(tcb.sndUp, seq);
  const options = syn ? synOptions(m, ack, tsClock(m)) : segmentOptions(m, flags, payload.length);
  // RFC 7323 §4.3: Last.ACK.sent, the ACK field of the last segment sent.
  if (ack) tcb.ts.lastAckSent = tcb.rcvNxt;
  return {
    srcPort: m.localPort,
    dstPort: m.remotePort ?? 0,
    seq,
    ack: ack ? tcb.rcvNxt : 0,
    flags: urgent === undefined ? flags : flags | TcpFlag.URG,
    window: offerWindow(tcb, syn),
    urgentPointer: urgent ?? 0,
    options,
    payload,
  };
}

/**
 * The options of a segment without SYN: TSopt on every one but a RST once timestamps are on, TSecr
 * echoing TS.Recent (RFC 7323 §3.2, §4.3); and on an ACK without data, while data is held out of order,
 * the SACK blocks (RFC 2018 §4; a data segment takes the whole Eff.snd.MSS, the ACKs report the holes).
 */
function segmentOptions(m: Machine, flags: number, octets: number): TcpOption[] {
  const { tcb } = m;
  const options: TcpOption[] = [];
  if (tcb.options.timestamps && !(flags & TcpFlag.RST)) options.push({ kind: 'timestamps', tsval: tsClock(m), tsecr: tcb.ts.recent ?? 0 });
  if (tcb.options.sack && flags & TcpFlag.ACK && !(flags & TcpFlag.RST) && octets === 0 && tcb.held.length > 0) {
    fire(m, 'rfc2018/4/blocks-reported');
    options.push({ kind: 'sack', blocks: sackBlocks(tcb) });
  }
  return options;
}

/** `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`: the acknowledgment of §3.10.7.4, also the challenge ACK of RFC 5961. */
export function sendAck(m: Machine): void {
  emitOnConnection(m, 'ack', m.tcb.sndNxt, TcpFlag.ACK);
}

/**
 * `<SEQ=ISS><CTL=SYN>` (RFC 9293 §3.10.1), with the MSS option: sent always (MAY-3), since the MSS this
 * endpoint advertises is the profile's, not necessarily 536 (SHLD-5).
 */
export function sendSyn(m: Machine): void {
  emitOnConnection(m, 'syn', m.tcb.iss, TcpFlag.SYN);
}

/** `<SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>` (RFC 9293 §3.10.7.2, §3.10.7.3), with the MSS option and what the SYN's options negotiated. */
export function sendSynAck(m: Machine): void {
  emitOnConnection(m, 'syn-ack', m.tcb.iss, TcpFlag.SYN | TcpFlag.ACK);
}

/** A segment at `seq` carrying `payload` and, when `fin`, the FIN after it; PSH when `push` (MUST-61). */
export function sendData(m: Machine, seq: Seq, payload: Uint8Array, fin: boolean, push: boolean): void {
  const flags = TcpFlag.ACK | (fin ? TcpFlag.FIN : 0) | (push ? TcpFlag.PSH : 0);
  emitOnConnection(m, fin ? 'fin' : 'data', seq, flags, payload);
}

/** `<SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>`, no data: a keep-alive probe (RFC 9293 §3.8.4, SHLD-12). */
export function sendKeepAlive(m: Machine): void {
  emitOnConnection(m, 'keep-alive', seqAdd(m.tcb.sndNxt, -1), TcpFlag.ACK);
}

/** `<SEQ=SND.NXT><CTL=RST>`: the reset of ABORT (RFC 9293 §3.10.5). */
export function sendAbortReset(m: Machine): void {
  emitOnConnection(m, 'abort-reset', m.tcb.sndNxt, TcpFlag.RST);
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
  const withAck = resetForm(seg, true);
  const withoutAck = resetForm(seg, false);
  if (seg.flags & TcpFlag.ACK) emit(m, 'reset', withAck, withoutAck);
  else emit(m, 'reset-ack', withoutAck, withAck);
}

/** §3.5.2's reset in the form for a segment whose ACK bit is on (`hasAck`) or off. */
function resetForm(seg: TcpSegment, hasAck: boolean): TcpSegment {
  return {
    srcPort: seg.dstPort,
    dstPort: seg.srcPort,
    seq: hasAck ? seg.ack : 0,
    ack: hasAck ? 0 : seqAdd(seg.seq, segLen(seg)),
    flags: hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
    window: 0,
    urgentPointer: 0,
    options: [],
    payload: NO_PAYLOAD,
  };
}
