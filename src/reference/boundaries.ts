/**
 * The machine's boundary comparisons, each named by where the RFC makes it and the relation as the RFC
 * writes it (`3.10.7.4 fifth: SND.UNA < SEG.ACK`), so that the code reads like the RFC and a mutant can
 * move one boundary by one (mutation.ts): an off-by-one is the commonest way a stack departs from a
 * relation the RFC states exactly. A name's relation is `A op B` with op one of `<`, `=<`, `=`, `>=`, `>`,
 * and the comparison is made by the function of that op: `lt(m, '... SND.UNA < SEG.ACK', a, b)`.
 */
import type { Mutable } from './mutation';
import type { Rule } from './rules';

interface BoundaryInfo {
  /** The rule whose branch the comparison guards. */
  readonly rule: Rule;
  /** What the comparison decides, in a few words. */
  readonly decides: string;
}

const at = (rule: Rule, decides: string): BoundaryInfo => ({ rule, decides });

const BOUNDARIES = {
  // §3.4 Table 6, the first check of §3.10.7.4.
  '3.4 Table 6, zero window: SEG.SEQ = RCV.NXT': at('3.10.7.4/seq/unacceptable-ack', 'whether an empty segment is acceptable to a zero window'),
  '3.4 Table 6: RCV.NXT =< SEG.SEQ': at('3.10.7.4/seq/unacceptable-ack', "whether a segment's first octet lies at or after the window's left edge"),
  '3.4 Table 6: SEG.SEQ < RCV.NXT+RCV.WND': at('3.10.7.4/seq/unacceptable-ack', "whether a segment's first octet lies before the window's right edge"),
  '3.4 Table 6: RCV.NXT =< SEG.SEQ+SEG.LEN-1': at('3.10.7.4/seq/unacceptable-ack', "whether a segment's last octet lies at or after the window's left edge"),
  '3.4 Table 6: SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND': at('3.10.7.4/seq/unacceptable-ack', "whether a segment's last octet lies before the window's right edge"),
  // §3.10.7.4 first to fourth, and what comes before them.
  '3.10.7.4 TIME-WAIT, retransmitted FIN: SEG.SEQ+SEG.LEN = RCV.NXT': at('3.10.7.4/fin/time-wait-restart', 'whether a FIN in TIME-WAIT is the retransmission of the one received'),
  '3.6.1 TIME-WAIT, new SYN: SEG.SEQ > RCV.NXT': at('3.6.1/time-wait-reopen', 'whether a SYN in TIME-WAIT lies above the old connection and may reopen it'),
  '3.10.7.4 SYN-RECEIVED, crossing SYN: SEG.SEQ+1 = RCV.NXT': at('3.10.7.4/seq/crossing-syn-trimmed', "whether a SYN-ACK in SYN-RECEIVED repeats the peer's SYN of a simultaneous open"),
  '3.10.7.4 first, zero window: SEG.SEQ = RCV.NXT': at('3.10.7.4/seq/zero-window-allowance', 'whether a segment meeting a zero window is at RCV.NXT, where its ACK and RST are still taken'),
  '3.10.7.4 second, RFC 5961: SEG.SEQ = RCV.NXT': at('3.10.7.4/rst/in-window-not-exact', 'whether a RST is exactly at RCV.NXT and resets, or draws a challenge ACK'),
  '3.10.7.4 first, FIN: RCV.NXT =< FIN': at('3.10.7.4/seq/trimmed', "whether a segment's FIN lies at or after the window's left edge"),
  '3.10.7.4 first, FIN: FIN < RCV.NXT+RCV.WND': at('3.10.7.4/seq/trimmed', "whether a segment's FIN lies inside the window"),
  // §3.10.7.4 fifth, the ACK field.
  '3.10.7.4 SYN-RECEIVED: SND.UNA < SEG.ACK': at('3.10.7.4/ack/syn-received-established', 'whether the ACK in SYN-RECEIVED acknowledges the SYN'),
  '3.10.7.4 SYN-RECEIVED: SEG.ACK =< SND.NXT': at('3.10.7.4/ack/syn-received-established', 'whether the ACK in SYN-RECEIVED acknowledges nothing beyond the SYN'),
  'RFC 5961 5.2: SND.UNA-MAX.SND.WND =< SEG.ACK': at('3.10.7.4/ack/outside-range-challenge', 'whether an old ACK lies within the largest window the peer offered'),
  'RFC 5961 5.2: SEG.ACK =< SND.NXT': at('3.10.7.4/ack/outside-range-challenge', 'whether an ACK acknowledges nothing beyond what was sent'),
  '3.10.7.4 fifth: SEG.ACK > SND.NXT': at('3.10.7.4/ack/not-yet-sent', 'whether an ACK acknowledges something not yet sent'),
  '3.10.7.4 fifth: SND.UNA < SEG.ACK': at('3.10.7.4/ack/new', 'whether an ACK acknowledges something new'),
  '3.10.7.4 fifth, window: SND.UNA =< SEG.ACK': at('3.10.7.4/ack/window-update', "whether a segment's window may be taken at all"),
  '3.10.7.4 fifth, window: SND.WL1 < SEG.SEQ': at('3.10.7.4/ack/window-update', 'whether a segment is newer than the last window update'),
  '3.10.7.4 fifth, window: SND.WL1 = SEG.SEQ': at('3.10.7.4/ack/window-update', 'whether a segment is as new as the last window update'),
  '3.10.7.4 fifth, window: SND.WL2 =< SEG.ACK': at('3.10.7.4/ack/window-update', 'whether a segment acknowledges as much as the last window update'),
  '3.10.7.4 FIN-WAIT-1: SND.UNA = FIN+1': at('3.10.7.4/ack/fin-wait-1-fin-acked', 'whether an ACK in FIN-WAIT-1 acknowledges our FIN'),
  '3.10.7.4 CLOSING: SND.UNA = FIN+1': at('3.10.7.4/ack/closing-fin-acked', 'whether an ACK in CLOSING acknowledges our FIN'),
  '3.10.7.4 LAST-ACK: SND.UNA = FIN+1': at('3.10.7.4/ack/last-ack-fin-acked', 'whether an ACK in LAST-ACK acknowledges our FIN'),
  // §3.10.7.4 seventh, the text.
  '3.10.7.4 seventh: SEG.SEQ = RCV.NXT': at('3.10.7.4/text/taken', 'whether new text starts at RCV.NXT and is taken, or is held for later'),
  '3.10.7.4 seventh, held: start =< RCV.NXT': at('3.10.7.4/text/gap-filled', 'whether text held out of order is reached by RCV.NXT'),
  // §3.10.7.3 SYN-SENT.
  '3.10.7.3 first: SEG.ACK =< ISS': at('3.10.7.3/unacceptable-ack-reset', 'whether an ACK in SYN-SENT lies at or below the ISS, acknowledging nothing sent'),
  '3.10.7.3 first: SEG.ACK > SND.NXT': at('3.10.7.3/unacceptable-ack-reset', 'whether an ACK in SYN-SENT acknowledges more than the SYN'),
  '3.10.7.3 fourth: SND.UNA > ISS': at('3.10.7.3/syn-ack-established', 'whether our SYN is acknowledged, so that a SYN establishes the connection'),
  // §3.7.4, §3.8.6: sending.
  '3.7.4 Nagle: SND.NXT = SND.UNA': at('3.7.4/nagle', 'whether nothing is in flight, so that small data may go (Nagle)'),
  '3.8.6.1 FIN: U < 1': at('3.8.6.1/window-closed', "whether the FIN finds the peer's window closed"),
  '3.8.6.1: U =< 0': at('3.8.6.1/window-closed', "whether data finds the peer's window closed"),
  '3.8.6.2.1 (1): min(D,U) >= Eff.snd.MSS': at('3.8.6.2.1/full-segment', 'whether a full-sized segment can go'),
  '3.8.6.2.1 (2): D =< U': at('3.8.6.2.1/pushed', 'whether all queued data fits the window'),
  '3.8.6.2.1 (3): min(D,U) >= Fr*Max(SND.WND)': at('3.8.6.2.1/half-max-window', 'whether half the largest window the peer offered can go'),
  '3.6 FIN fits: U > count': at('3.6/fin-sent', 'whether the FIN fits in the window after the last data'),
  '3.8.6.1 probe timer: SND.NXT = SND.UNA': at('3.8.6.1/probe', 'whether nothing is in flight while data waits, so that the probe timer runs'),
  '3.8.6.1 probe: U > 0': at('3.8.6.2.1/override', 'whether the window is open when the probe timer expires'),
  // §3.8.6.2.2: the receive window.
  '3.8.6.2.2: RCV.BUFF-RCV.USER-RCV.WND >= min(Fr*RCV.BUFF,Eff.snd.MSS)': at('3.8.6.2.2/window-update', 'whether freed buffer space moves the right edge (receiver SWS avoidance)'),
  // §3.10.8 Timeouts.
  '3.10.8 retransmission: SND.UNA = ISS': at('3.10.8/retransmission/syn', 'whether the SYN is what is retransmitted'),
  '3.8.6.1 retransmission: SND.WND = 0': at('3.8.6.1/probe-again', 'whether a retransmission meets a zero window and probes it'),
  // RFC 6298.
  'RFC 6298 3: SEG.ACK >= timed end': at('rfc6298/2/rtt-sample', 'whether an ACK covers the segment being timed'),
  // §3.10.4 CLOSE, §3.6.1.
  '3.10.4 SYN-RECEIVED: D > 0': at('3.10.4/syn-received/queued', 'whether a CLOSE in SYN-RECEIVED finds data queued'),
  '3.6.1 close: RCV.USER > 0': at('3.6.1/unread-data-reset', 'whether a close that ends reading finds received data unread'),
} as const satisfies Record<string, BoundaryInfo>;

/** The name of one boundary comparison, e.g. `3.10.7.4 fifth: SND.UNA < SEG.ACK`. */
export type Boundary = keyof typeof BOUNDARIES;

/** Every boundary comparison the machine makes, in the RFC's order. */
export const ALL_BOUNDARIES: readonly Boundary[] = Object.keys(BOUNDARIES) as Boundary[];

export function boundaryInfo(boundary: Boundary): BoundaryInfo {
  return BOUNDARIES[boundary];
}

export type Relation = '<' | '=<' | '=' | '>=' | '>';

/** The relation of a boundary's name, `A op B`, split at its operator. */
export function relationOf(boundary: Boundary): { left: string; op: Relation; right: string } {
  const [, left, op, right] = /^.*?: (.*) (<|=<|=|>=|>) (.*)$/.exec(boundary) as unknown as [string, string, Relation, string];
  return { left, op, right };
}

/** The boundaries a mutant's run has found compared with the relation their names state: each is checked once. */
const checked = new Set<Boundary>();

/** `a - b` as a signed distance where the numbers are sequence numbers (modulo 2^32, as wire/seq's seqSub). */
function signedDistance(a: number, b: number): number {
  const d = a - b;
  return d >= 2 ** 31 || d < -(2 ** 31) ? d | 0 : d;
}

/** Whether `a op b`, as the boundary comparisons test it: for a mutant that looks at the comparisons made. */
export function relationHolds(op: Relation, a: number, b: number): boolean {
  const d = signedDistance(a, b);
  return op === '<' ? d < 0 : op === '=<' ? d <= 0 : op === '=' ? d === 0 : op === '>=' ? d >= 0 : d > 0;
}

/**
 * `a - b` after a mutant moved `b` (no two counts of octets lie 2^31 apart, so counts and sequence
 * numbers share the arithmetic). A mutant's run also checks that the comparison made is the one the
 * boundary's name states.
 */
function distance(m: Mutable, boundary: Boundary, op: Relation, a: number, b: number): number {
  const shift = m.mutation?.shift;
  if (shift && !checked.has(boundary)) {
    if (relationOf(boundary).op !== op) throw new Error(`boundary '${boundary}' is tested with ${op}, not the relation its name states`);
    checked.add(boundary);
  }
  return signedDistance(a, shift ? b + shift(boundary, a, b) : b);
}

// One function per relation, so that the true machine's comparison costs no look-up of its name.
/** `a < b` at `boundary`. */
export const lt = (m: Mutable, boundary: Boundary, a: number, b: number): boolean => distance(m, boundary, '<', a, b) < 0;
/** `a =< b` at `boundary`. */
export const le = (m: Mutable, boundary: Boundary, a: number, b: number): boolean => distance(m, boundary, '=<', a, b) <= 0;
/** `a = b` at `boundary`. */
export const eq = (m: Mutable, boundary: Boundary, a: number, b: number): boolean => distance(m, boundary, '=', a, b) === 0;
/** `a >= b` at `boundary`. */
export const ge = (m: Mutable, boundary: Boundary, a: number, b: number): boolean => distance(m, boundary, '>=', a, b) >= 0;
/** `a > b` at `boundary`. */
export const gt = (m: Mutable, boundary: Boundary, a: number, b: number): boolean => distance(m, boundary, '>', a, b) > 0;
