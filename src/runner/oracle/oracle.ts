/**
 * The oracle: the reference machine run in lockstep beside the target, fed the same stimuli — the
 * peer's segments, the application's calls, time — and holding every segment the target sends against
 * what RFC 9293 lets a conforming TCP send at that moment (design notes, "The reference machine is the
 * oracle").
 *
 * What a conforming stack may choose freely must not fail a case, so the comparison abstracts:
 * - the target's ISN is adopted from its first SYN;
 * - an ACK may be delayed up to the profile's bound and cover several segments;
 * - data is compared as ranges of the application's octets, not as segments, and must lie within
 *   what the application wrote and what the peer's window allows;
 * - a segment the reference machine answers with obliges the target to answer too, by a deadline;
 *   one the machine would not send (a RST, a SYN, an ACK of what never arrived) is a divergence;
 * - windows are the target's own, checked by rule (the right edge never retreats, SHLD-14);
 * - options the peer did not offer never appear.
 * Retransmission timing is left to cases that assert it: a target's RTO follows its own measurements.
 */
import { ReferenceTarget } from '../../targets/reference';
import type { Profile } from '../../reference';
import type { AppCall } from '../../targets/target';
import { decodePacket, type TcpSegment, type TcpState } from '../../wire';
import { formatFlags, TcpFlag } from '../../wire/flags';
import { seqAdd, seqGt, seqLt, seqSub } from '../../wire/seq';
import { meets, type Obligation } from './obligation';
import { offeredBy, optionViolation, type Offered } from './options-rules';

/** Octet k of what an application writes: the pattern every target's application side uses. */
const PATTERN = 'abcdefghijklmnopqrstuvwxyz';

/** How long a target may take to answer with a SYN-ACK or a RST: it needs no timer to do so. */
const ANSWER_MS = 1000;
/** How long queued data or a FIN may wait once the window allows it (MUST-60: never held indefinitely). */
const SEND_MS = 1000;

export interface Violation {
  /** The requirement or rule broken, e.g. `MUST-65`, `RFC 9293 §3.10.7.4`. */
  readonly rule: string;
  readonly expected: string;
  readonly message: string;
}

/** The numbers a person reads: relative to each side's ISN. */
export interface Relative {
  target(seq: number): number;
  peer(seq: number): number;
}

const flagsOf = (segment: TcpSegment) => ({
  rst: (segment.flags & TcpFlag.RST) !== 0,
  syn: (segment.flags & TcpFlag.SYN) !== 0,
  ack: (segment.flags & TcpFlag.ACK) !== 0,
  fin: (segment.flags & TcpFlag.FIN) !== 0,
});

/** States in which a target sends nothing unless something obliges it to. */
const QUIET_STATES: readonly TcpState[] = ['CLOSED', 'LISTEN', 'SYN-SENT', 'TIME-WAIT'];

export class Oracle {
  private readonly shadow: ReferenceTarget;
  private obligations: Obligation[] = [];
  private isnAdopted = false;
  private offered: Offered | undefined;
  private sentEnd: number | undefined;
  private finSent = false;
  /** The furthest right edge (ACK + window) the target has advertised (SHLD-14). */
  private rightEdge: number | undefined;
  private readonly ackSlackMs: number;

  constructor(
    private readonly profile: Profile,
    private readonly relative: Relative,
    clock: 'real' | 'virtual',
  ) {
    // The machine never negotiates window scaling, so no window it offers exceeds the 16-bit field
    // (RFC 9293 §3.1); a target's larger buffer changes nothing the oracle checks.
    this.shadow = new ReferenceTarget({ ...profile, receiveBuffer: Math.min(profile.receiveBuffer, 0xffff) });
    // A real clock adds the time the packets take through the harness itself.
    this.ackSlackMs = clock === 'real' ? 50 : 1;
  }

  get state(): TcpState {
    return this.shadow.state;
  }

  /** The reference machine's rules applied so far. */
  get rules(): readonly string[] {
    return this.shadow.firedRules;
  }

  /** Lets the reference machine's time run to `atMs`; what its timers send is allowed, not required. */
  advance(atMs: number): void {
    this.shadow.advanceUntil(atMs);
    this.predictions();
  }

  /** A segment the peer sent the target at `atMs`. `toShadowPort` addresses it to the machine. */
  peerSent(segment: TcpSegment, atMs: number, toShadowPort: boolean): void {
    this.advance(atMs);
    if (segment.flags & TcpFlag.SYN) this.offered = offeredBy(segment);
    this.shadow.deliver(toShadowPort ? { ...segment, dstPort: this.shadow.localPort } : segment);
    this.oblige(atMs);
  }

  /** A call the target's application made at `atMs`. */
  async appCall(call: AppCall, atMs: number): Promise<void> {
    this.advance(atMs);
    await this.shadow.app(call);
    this.oblige(atMs);
  }

  /** The segments the machine sent since last asked. */
  private predictions(): TcpSegment[] {
    const segments: TcpSegment[] = [];
    for (let packet = this.shadow.takePacket(); packet; packet = this.shadow.takePacket()) {
      const { tcp } = decodePacket(packet.bytes);
      if (tcp) segments.push(tcp);
    }
    return segments;
  }

  /** Turns the machine's answer to a stimulus into what the target must send, and by when. */
  private oblige(atMs: number): void {
    for (const p of this.predictions()) {
      const f = flagsOf(p);
      if (f.rst) {
        this.obligations.push({ kind: 'rst', seq: p.seq, ack: f.ack ? p.ack : undefined, since: atMs, deadline: atMs + ANSWER_MS });
        continue;
      }
      if (f.syn) this.obligations.push({ kind: 'syn', ack: f.ack ? p.ack : undefined, since: atMs, deadline: atMs + ANSWER_MS });
      const end = seqAdd(p.seq, p.payload.length + (f.syn ? 1 : 0) + (f.fin ? 1 : 0));
      if (!f.syn && (p.payload.length > 0 || f.fin)) this.obligations.push({ kind: 'send', end, fin: f.fin, since: atMs, deadline: atMs + SEND_MS });
      if (f.ack && !f.syn) {
        this.obligations.push({ kind: 'ack', ack: p.ack, since: atMs, deadline: atMs + this.profile.maxAckDelayMs + this.ackSlackMs });
      }
    }
  }

  /** Says, in words with relative numbers, what an obligation asks for. */
  describe(o: Obligation): string {
    switch (o.kind) {
      case 'ack': return `an ACK of ${this.relative.peer(o.ack)} within ${this.profile.maxAckDelayMs} ms (the profile's ACK delay)`;
      case 'rst': return o.ack !== undefined ? `a RST with ACK ${this.relative.peer(o.ack)}` : `a RST with seq ${this.relative.target(o.seq)}`;
      case 'syn': return o.ack !== undefined ? `a SYN-ACK acknowledging ${this.relative.peer(o.ack)}` : 'a SYN';
      case 'send': return `sending up to ${this.relative.target(o.end)}${o.fin ? ' with the FIN' : ''}`;
    }
  }

  /** The first obligation whose deadline passed unmet before `atMs`. */
  overdue(atMs: number): Violation | undefined {
    const late = this.obligations.find((o) => o.deadline < atMs);
    if (!late) return undefined;
    return {
      rule: 'RFC 9293 §3.10',
      expected: this.describe(late),
      message: `the reference machine sends ${this.describe(late)} here (state ${this.state}), but by ${late.deadline.toFixed(0)} ms the target had not`,
    };
  }

  /** When the last pending obligation falls due; undefined when nothing is pending. */
  latestDeadline(): number | undefined {
    return this.obligations.length === 0 ? undefined : Math.max(...this.obligations.map((o) => o.deadline));
  }

  /** Holds a segment the target sent at `atMs` against the machine; the first rule it breaks, if any. */
  observe(segment: TcpSegment, atMs: number): Violation | undefined {
    this.advance(atMs);
    const f = flagsOf(segment);
    const tcb = () => this.shadow.tcb;
    if (f.syn && !this.isnAdopted) {
      const before = tcb().iss;
      try {
        this.shadow.adoptIss(segment.seq);
      } catch {
        return this.violation('RFC 9293 §3.10', 'no SYN', `a SYN, which the reference machine does not send in ${this.state}`);
      }
      this.shiftObligations(seqSub(segment.seq, before));
      this.isnAdopted = true;
    }
    const option = optionViolation(segment, this.offered);
    if (option) return this.violation(option.rule, 'no such option', option.message);

    const progressBefore = { sentEnd: this.sentEnd, finSent: this.finSent };
    if (f.rst) {
      const index = this.obligations.findIndex((o) => o.kind === 'rst' && meets(o, { flags: f, seq: segment.seq, ack: segment.ack }, progressBefore, atMs));
      if (index < 0) return this.violation('RFC 9293 §3.5.2', 'no RST', `a RST, which the reference machine does not send here (state ${this.state})`);
      this.obligations.splice(index, 1);
      return undefined;
    }
    if (f.syn) {
      const state = this.state;
      if (state !== 'SYN-SENT' && state !== 'SYN-RECEIVED') {
        return this.violation('RFC 9293 §3.10', 'no SYN', `a ${formatFlags(segment.flags)}, which the reference machine does not send in ${state}`);
      }
      if (segment.seq !== tcb().iss) return this.violation('RFC 9293 §3.4', 'seq 0', `a SYN at seq ${this.relative.target(segment.seq)}, not at its ISN`);
    }
    // Without a connection (CLOSED, LISTEN) there is no RCV.NXT to hold an ACK against.
    if (f.ack && this.state !== 'CLOSED' && this.state !== 'LISTEN') {
      const rcvNxt = tcb().rcvNxt;
      if (seqGt(segment.ack, rcvNxt)) {
        return this.violation('RFC 9293 §3.4', `ack <= ${this.relative.peer(rcvNxt)}`, `an ACK of ${this.relative.peer(segment.ack)}, but only ${this.relative.peer(rcvNxt)} has arrived (RCV.NXT)`);
      }
      const edge = seqAdd(segment.ack, segment.window);
      if (!f.syn && this.rightEdge !== undefined && seqLt(edge, this.rightEdge)) {
        return this.violation('SHLD-14', `right edge >= ${this.relative.peer(this.rightEdge)}`, `a window whose right edge ${this.relative.peer(edge)} retreats from ${this.relative.peer(this.rightEdge)} (RFC 9293 §3.8.6, SHLD-14)`);
      }
      if (!f.syn) this.rightEdge = this.rightEdge === undefined || seqGt(edge, this.rightEdge) ? edge : this.rightEdge;
    }
    const sending = this.checkSending(segment, f);
    if (sending) return sending;

    const progress = { sentEnd: this.sentEnd, finSent: this.finSent };
    const met = this.obligations.filter((o) => meets(o, { flags: f, seq: segment.seq, ack: segment.ack }, progress, atMs));
    this.obligations = this.obligations.filter((o) => !met.includes(o));
    const carries = f.syn || f.fin || segment.payload.length > 0;
    if (!carries && met.length === 0 && QUIET_STATES.includes(this.state)) {
      return this.violation('RFC 9293 §3.10', 'nothing', `an ACK, which the reference machine does not send in ${this.state}`);
    }
    return undefined;
  }

  /** Data and FIN: only what the application wrote, within the peer's window, FIN after the last octet. */
  private checkSending(segment: TcpSegment, f: ReturnType<typeof flagsOf>): Violation | undefined {
    const tcb = this.shadow.tcb;
    const start = f.syn ? seqAdd(segment.seq, 1) : segment.seq;
    const dataEnd = seqAdd(start, segment.payload.length);
    if (segment.payload.length > 0) {
      if (seqGt(dataEnd, tcb.sndQueueEnd)) {
        return this.violation('RFC 9293 §3.10.2', `data up to ${this.relative.target(tcb.sndQueueEnd)}`, `data up to ${this.relative.target(dataEnd)}, beyond what the application wrote (${this.relative.target(tcb.sndQueueEnd)})`);
      }
      // One octet beyond a zero window is a probe (RFC 9293 §3.8.6.1).
      const windowEnd = seqAdd(tcb.sndUna, Math.max(tcb.sndWnd, 1));
      if (seqGt(dataEnd, windowEnd)) {
        return this.violation('MUST-1', `data within the peer's window, up to ${this.relative.target(windowEnd)}`, `data up to ${this.relative.target(dataEnd)}, beyond the peer's window ending at ${this.relative.target(windowEnd)} (RFC 9293 §3.8.6)`);
      }
      const firstOctet = seqSub(start, seqAdd(tcb.iss, 1));
      for (let i = 0; i < segment.payload.length; i++) {
        const expected = PATTERN.charCodeAt((firstOctet + i) % PATTERN.length);
        if (segment.payload[i] !== expected) {
          return this.violation('RFC 9293 §3.10.2', `octet ${firstOctet + i + 1} '${String.fromCharCode(expected)}'`, `octet ${firstOctet + i + 1} of the stream as ${JSON.stringify(String.fromCharCode(segment.payload[i] ?? 0))}, not what the application wrote`);
        }
      }
    }
    if (f.fin && !(tcb.finQueued && dataEnd === tcb.sndQueueEnd)) {
      const why = tcb.finQueued ? `before the last octet the application wrote (${this.relative.target(tcb.sndQueueEnd)})` : 'although the application has not closed';
      return this.violation('RFC 9293 §3.10.4', 'no FIN yet', `a FIN at ${this.relative.target(dataEnd)} ${why}`);
    }
    const end = seqAdd(dataEnd, f.fin ? 1 : 0);
    if (f.syn || f.fin || segment.payload.length > 0) {
      if (this.sentEnd === undefined || seqGt(end, this.sentEnd)) this.sentEnd = end;
      if (f.fin) this.finSent = true;
    }
    return undefined;
  }

  private shiftObligations(by: number): void {
    this.obligations = this.obligations.map((o) =>
      o.kind === 'send' ? { ...o, end: seqAdd(o.end, by) } : o.kind === 'rst' && o.ack !== undefined ? o : o.kind === 'rst' ? { ...o, seq: seqAdd(o.seq, by) } : o,
    );
  }

  private violation(rule: string, expected: string, what: string): Violation {
    return { rule, expected, message: `the target sent ${what}` };
  }
}
