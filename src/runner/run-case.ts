/**
 * Runs one case against one target, step by step, and records everything that crossed between them.
 *
 * A case stops at its first divergence (the steps after it are `not-run`): what comes after a wrong
 * answer is no longer the exchange the case describes. Errors of the harness or the target's
 * surroundings end the case as `error`, never as a conformance `fail`.
 */
import { decodePacket, encodePacket, parseFlags, seqSub, TcpFlag, WireError, type Packet, type TcpOption, type TcpSegment } from '../wire';
import type { AppStepCall, Branch, Case, OptionTemplate, SegmentTemplate, Step } from '../suite/case';
import { appCallsNeeded } from '../suite/needs';
import { unmetCondition } from '../suite/when';
import { formatDuration } from '../suite/duration';
import { patternPayload } from '../suite/normalize';
import { timeMs, type TimeExpr, type TimeValues } from '../suite/time';
import type { AppCall, Target, TimedPacket } from '../targets/target';
import { RFC9293_PROFILE, type Profile } from '../reference';
import { timeValuesOf } from '../profile/time-values';
import { mismatches } from './match';
import type { Violation } from './oracle/oracle';
import { OracleChoices } from './oracle/choices';
import { Numbering } from './numbering';
import type { CaseResult, Direction, Mismatch, StepOutcome, TraceEvent } from './result';
import { appCallText, stepText } from './step-text';
import { matchText, segmentText, summarizeFromTarget, summarizeToTarget } from './summary';

/** The result of one step; `undefined` fields are left out of the JSON. */
type StepResult = Omit<StepOutcome, 'index' | 'line' | 'text' | 'note'>;

/** A packet taken from the target: a segment, or why it is not one; and what the oracle made of it. */
interface Pulled {
  readonly atMs: number;
  readonly segment?: TcpSegment;
  readonly checksumOk?: boolean;
  readonly garbage?: string;
  readonly violation?: Violation;
}

/** Steps after which the runner waits for what the reference machine obliges the target to send. */
const STIMULI: ReadonlySet<Step['kind']> = new Set(['send', 'fill', 'app', 'state']);

/**
 * How many octets a `fill` step sends before it gives up on the target's window closing: four times
 * gVisor's 1 MiB buffer, the largest of the targets', and far beyond any window offered unscaled.
 */
const FILL_LIMIT = 4 * 1024 * 1024;
/**
 * Full-sized segments a `fill` step sends before it waits for the target's ACK: a receiver acknowledges
 * at least every second one at once (RFC 9293 §3.8.6.3), so no round waits for a delayed ACK, and a
 * target on a real clock takes no longer over a round than the oracle's ACK deadline allows.
 */
const FILL_ROUND = 2;

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function wireOption(option: OptionTemplate): TcpOption {
  return option.kind === 'raw' ? { kind: 'malformed', bytes: option.bytes, reason: 'written verbatim by the case' } : option;
}

class CaseRun {
  private readonly trace: TraceEvent[] = [];
  private readonly numbering: Numbering;
  private readonly startNs: bigint;
  readonly startedAt = Date.now();
  private readonly oracle: OracleChoices;
  /** The profile's timers, for durations a case writes in them (`2*msl`). */
  private readonly timeValues: TimeValues;
  /** The steps to run: the case's, then those of the branch an `either` (always last) takes. */
  private readonly steps: Step[];
  /** Segments taken from the target (and judged by the oracle) that no step has consumed yet. */
  private readonly inbox: Pulled[] = [];

  constructor(private readonly testCase: Case, private readonly target: Target, profile: Profile) {
    this.numbering = new Numbering(testCase.peerIsn, testCase.peerPort, testCase.port);
    this.steps = [...testCase.steps];
    this.startNs = target.now();
    this.timeValues = timeValuesOf(profile);
    this.oracle = new OracleChoices(
      testCase,
      profile,
      { target: (seq) => this.numbering.targetRelative(seq), peer: (seq) => this.numbering.peerRelative(seq) },
      target.capabilities.clock,
    );
  }

  /** Milliseconds since the case started, on the target's clock (virtual for virtual-clock targets). */
  elapsedMs(timeNs: bigint = this.target.now()): number {
    return Number(timeNs - this.startNs) / 1e6;
  }

  /**
   * Takes the target's application events into the trace where their times put them: a packet is
   * recorded when a step takes it, so an event that came before it may only now be collected.
   */
  private drainAppEvents(): void {
    for (const { event, timeNs } of this.target.takeEvents()) {
      const timeMs = this.elapsedMs(timeNs);
      let at = this.trace.length;
      while (at > 0 && (this.trace[at - 1] as TraceEvent).timeMs > timeMs) at--;
      this.trace.splice(at, 0, { kind: 'app-event', timeMs, event });
    }
  }

  private recordPacket(direction: Direction, packet: TimedPacket, details: Pick<TraceEvent & { kind: 'packet' }, 'segment' | 'note'>): void {
    this.trace.push({ kind: 'packet', timeMs: this.elapsedMs(packet.timeNs), direction, hex: toHex(packet.bytes), reference: this.oracle.state, ...details });
    this.drainAppEvents();
  }

  private send(step: Step & { kind: 'send' }): StepResult {
    for (const template of step.segments) this.sendSegment(template);
    return { outcome: 'pass' };
  }

  /**
   * Fills the target's window: full-sized segments (its MSS), FILL_ROUND at a time and no further than
   * the right edge it advertised last, then what the oracle obliges it to send (its ACKs, which carry
   * the next window), again until the window it advertises is zero. A window still open after
   * FILL_LIMIT octets is an error of the case on this target, not a finding: a receiver may buffer as
   * much as it likes (RFC 9293 §3.8.6).
   */
  private async fill(step: Step & { kind: 'fill' }): Promise<StepResult> {
    const offer = this.oracle.targetOffer;
    for (let sent = 0; ; ) {
      if (offer.latestEdge === undefined) throw new Error('fill: the target has advertised no window yet; a fill step needs a connection');
      const usable = seqSub(offer.latestEdge, this.numbering.peerSeq(undefined));
      if (usable <= 0) return { outcome: 'pass', observed: `the window closed after ${sent} octets` };
      if (sent >= FILL_LIMIT) throw new Error(`fill: the target's window is still open (${usable} octets) after ${sent} octets; a fill step gives up after ${FILL_LIMIT}`);
      for (let left = Math.min(usable, FILL_ROUND * offer.mss); left > 0; ) {
        const length = Math.min(offer.mss, left);
        this.sendSegment({ ...step.segment, payload: patternPayload(length), checksum: 'good' });
        left -= length;
        sent += length;
      }
      const settled = await this.settle();
      if (settled.outcome !== 'pass') return settled;
    }
  }

  private sendSegment(template: SegmentTemplate): void {
    const flags = parseFlags(template.flags);
    const tcp: TcpSegment = {
      srcPort: this.numbering.peerPort,
      dstPort: this.numbering.targetPort,
      seq: this.numbering.peerSeq(template.seq),
      ack: flags & TcpFlag.ACK || template.ack !== undefined ? this.numbering.peerAck(template.ack) : 0,
      flags,
      window: template.window,
      urgentPointer: template.urgentPointer,
      options: template.options.map(wireOption),
      payload: template.payload,
    };
    const ip = { src: this.target.peerAddress, dst: this.target.address, protocol: 6, ttl: 64, id: 0, tos: 0, dontFragment: true };
    const bytes = template.checksum === 'bad' ? encodeWithBadChecksum({ ip, tcp }) : encodePacket({ ip, tcp });
    const sent = this.target.send(bytes);
    this.numbering.notePeerSent(tcp);
    // A segment with a bad checksum never reaches a conforming TCP (MUST-3): the reference machine does not see it.
    if (template.checksum === 'good') this.oracle.peerSent(tcp, this.elapsedMs(sent.timeNs), tcp.dstPort === this.numbering.targetPort);
    this.recordPacket('to-target', sent, { segment: summarizeToTarget(tcp, this.numbering, template.checksum === 'good') });
  }

  /**
   * The next TCP segment the target sends before `deadlineMs`, judged by the oracle the moment it is
   * taken; other packets are recorded and passed over.
   */
  private async fromTarget(deadlineMs: number): Promise<Pulled | undefined> {
    for (;;) {
      // Even with no time left, what the target has already sent is taken (a receive of 0 ms).
      const packet = await this.target.receive(Math.max(0, deadlineMs - this.elapsedMs()));
      if (!packet) return undefined;
      const atMs = this.elapsedMs(packet.timeNs);
      try {
        const decoded = decodePacket(packet.bytes);
        if (!decoded.tcp) {
          this.recordPacket('from-target', packet, { note: `IPv4 protocol ${decoded.ip.protocol}, not TCP: passed over` });
          continue;
        }
        this.numbering.noteTargetSent(decoded.tcp);
        const checksumOk = decoded.tcpChecksumOk && decoded.ipChecksumOk;
        const violation = this.oracle.observe(decoded.tcp, atMs);
        this.recordPacket('from-target', packet, { segment: summarizeFromTarget(decoded.tcp, this.numbering, checksumOk) });
        return { segment: decoded.tcp, checksumOk, atMs, ...(violation && { violation }) };
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.recordPacket('from-target', packet, { note: `does not parse: ${error.message}` });
        return { garbage: error.message, atMs };
      }
    }
  }

  /** The oldest segment no step has consumed, else the next one the target sends before `deadlineMs`. */
  private async pull(deadlineMs: number): Promise<Pulled | undefined> {
    return this.inbox.shift() ?? (await this.fromTarget(deadlineMs));
  }

  /** Takes what the target has sent already, without waiting, so the oracle judges it in time. */
  private async collectArrived(): Promise<void> {
    for (let got = await this.fromTarget(0); got; got = await this.fromTarget(0)) this.inbox.push(got);
  }

  private segmentTextOf(got: Pulled): string {
    return got.segment ? segmentText(summarizeFromTarget(got.segment, this.numbering, got.checksumOk ?? true)) : 'a malformed packet';
  }

  /** The oracle's verdict on a segment, as a failed step. */
  private divergence(violation: Violation, observed: string): StepResult {
    return {
      outcome: 'fail',
      expected: violation.expected,
      observed,
      mismatches: [{ field: violation.rule, expected: violation.expected, observed }],
      message: `${violation.rule}: ${violation.message}`,
    };
  }

  /** Fails when the target let a deadline of the reference machine pass (as of now). */
  private overdue(): StepResult | undefined {
    const late = this.oracle.overdue(this.elapsedMs());
    return late && { ...this.divergence(late, 'nothing'), message: `${late.rule}: ${late.message}` };
  }

  /**
   * Waits until the target has sent everything the reference machine obliges it to, judging each
   * segment; what a case leaves unasserted is checked here, so a case may be stimuli alone.
   */
  private async settle(): Promise<StepResult> {
    for (let deadline = this.oracle.latestDeadline(); deadline !== undefined; deadline = this.oracle.latestDeadline()) {
      const got = await this.pull(deadline + 0.001);
      if (!got) return this.overdue() ?? { outcome: 'pass' };
      if (got.violation) return this.divergence(got.violation, this.segmentTextOf(got));
      if (got.garbage !== undefined) return { outcome: 'fail', expected: 'a well-formed packet', observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage}` };
    }
    return { outcome: 'pass' };
  }

  /** A case's duration under this target's profile, in milliseconds. */
  private ms(time: TimeExpr): number {
    return timeMs(time, this.timeValues);
  }

  /** `59s (2*msl - 1s)`: the duration, and how the case wrote it when that says more. */
  private said(time: TimeExpr): string {
    const text = formatDuration(this.ms(time));
    return text === time.text ? text : `${text} (${time.text})`;
  }

  /**
   * The segment the step waits for, within its bound. Segments that do not match but that the
   * reference machine allows (a window update, a retransmission, an extra ACK) are passed over: a
   * conforming target may send them. One the machine does not allow fails the step at once.
   */
  private async expect(step: Step & { kind: 'expect' }, startMs: number): Promise<StepResult> {
    const expected = matchText(step.match);
    const within = this.ms(step.within);
    let passedOver: { observed: string; found: Mismatch[] } | undefined;
    let others = 0;
    for (let got = await this.pull(startMs + within); got; got = await this.pull(startMs + within)) {
      if (got.garbage !== undefined || !got.segment) {
        return { outcome: 'fail', expected, observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage ?? 'no segment'}` };
      }
      const observed = this.segmentTextOf(got);
      const found: Mismatch[] = mismatches(step.match, got.segment, this.numbering);
      // RFC 9293 §3.1 MUST-2: every segment carries a correct checksum, whatever the case asserts.
      if (!got.checksumOk) found.push({ field: 'checksum', expected: 'valid', observed: 'invalid' });
      // What a timer sends comes after the step begins; a segment sent before answered an earlier step.
      if (step.after && got.atMs < startMs) found.push({ field: 'time', expected: `>= ${this.said(step.after)}`, observed: 'sent before the step began' });
      if (got.violation) return this.divergence(got.violation, observed);
      if (found.length > 0) {
        if (passedOver) others++;
        else passedOver = { observed, found };
        continue;
      }
      const after = step.after && this.ms(step.after);
      if (after !== undefined && got.atMs - startMs < after) {
        const early = formatDuration(got.atMs - startMs);
        const notBefore = this.said(step.after as TimeExpr);
        return { outcome: 'fail', expected: `${expected} after ${notBefore}`, observed: `${observed} after ${early}`, mismatches: [{ field: 'time', expected: `>= ${notBefore}`, observed: early }], message: `time: expected no earlier than ${notBefore}, observed after ${early}` };
      }
      return { outcome: 'pass', expected, observed };
    }
    if (passedOver) {
      const more = others > 0 ? ` (and ${others} other segment(s) that did not match either)` : '';
      return {
        outcome: 'fail',
        expected,
        observed: passedOver.observed,
        mismatches: passedOver.found,
        message: `${passedOver.found.map((m) => `${m.field}: expected ${m.expected}, observed ${m.observed}`).join('; ')}${more}`,
      };
    }
    return { outcome: 'fail', expected, observed: 'nothing', message: `expected ${expected} within ${this.said(step.within)}, but the target sent nothing` };
  }

  /**
   * Where the RFC lets the target choose: the first branch whose opening `expect` the target's next
   * segment matches, and whose reference machine agrees with all the target did, is the way the case
   * goes on. The segment stays for that `expect`. Segments no branch expects are passed over.
   */
  private async either(step: Step & { kind: 'either' }, startMs: number): Promise<StepResult> {
    const openings = step.branches.map((b) => b.steps[0] as Step & { kind: 'expect' });
    const withinMs = Math.max(...openings.map((o) => this.ms(o.within)));
    const expected = `one of: ${openings.map((o) => matchText(o.match)).join(' | ')}`;
    for (let got = await this.pull(startMs + withinMs); got; got = await this.pull(startMs + withinMs)) {
      if (!got.segment) return { outcome: 'fail', expected, observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage ?? 'no segment'}` };
      if (got.violation) return this.divergence(got.violation, this.segmentTextOf(got));
      const segment = got.segment;
      const branch = openings.findIndex((o, i) => this.oracle.allows(i) && mismatches(o.match, segment, this.numbering).length === 0);
      if (branch < 0) continue;
      this.inbox.unshift(got);
      this.oracle.choose(branch);
      this.steps.push(...(step.branches[branch] as Branch).steps);
      return { outcome: 'pass', expected, observed: `${this.segmentTextOf(got)}: branch ${branch + 1}` };
    }
    return { outcome: 'fail', expected, observed: 'nothing', message: `expected ${expected} within ${formatDuration(withinMs)}, but the target sent none of them` };
  }

  private async quiet(step: Step & { kind: 'quiet' }, startMs: number): Promise<StepResult> {
    const duration = this.ms(step.duration);
    const got = await this.pull(startMs + duration);
    if (!got) return { outcome: 'pass' };
    const observed = this.segmentTextOf(got);
    const after = formatDuration(Math.max(0, got.atMs - startMs));
    return { outcome: 'fail', expected: 'nothing', observed, message: `expected no segment for ${this.said(step.duration)}, but the target sent ${observed} after ${after}` };
  }

  /** Time passes; what the target sends meanwhile waits in the inbox for the steps after, judged as it comes. */
  private async wait(step: Step & { kind: 'wait' }): Promise<StepResult> {
    await this.target.sleep(this.ms(step.duration));
    await this.collectArrived();
    const judged = this.inbox.find((got) => got.violation);
    if (judged?.violation) return this.divergence(judged.violation, this.segmentTextOf(judged));
    return { outcome: 'pass' };
  }

  private appCall(call: AppStepCall): AppCall {
    switch (call.call) {
      case 'listen': return { call: 'listen', port: this.testCase.port };
      case 'connect': return { call: 'connect', port: this.testCase.port };
      default: return call;
    }
  }

  private async app(step: Step & { kind: 'app' }): Promise<StepResult> {
    const call = this.appCall(step.call);
    // The target may answer before the call returns: what it sends from the moment of the call counts.
    const calledMs = this.elapsedMs();
    const result = await this.target.app(call);
    await this.oracle.appCall(call, calledMs);
    this.trace.push({ kind: 'app-call', timeMs: this.elapsedMs(), call, result, reference: this.oracle.state });
    this.drainAppEvents();
    const name = appCallText(step.call);
    if (step.error !== undefined) {
      if (result.ok) return { outcome: 'fail', expected: `fails with ${step.error}`, observed: 'succeeded', message: `expected ${name} to fail with ${step.error}, but it succeeded` };
      if (result.error !== step.error) return { outcome: 'fail', expected: `fails with ${step.error}`, observed: `fails with ${result.error}`, message: `expected ${name} to fail with ${step.error}, but it failed with ${result.error}` };
      return { outcome: 'pass' };
    }
    if (!result.ok) return { outcome: 'fail', expected: 'succeeds', observed: `fails with ${result.error}`, message: `${name} failed on the target: ${result.error}` };
    return { outcome: 'pass', ...(result.bytes !== undefined && { observed: `${result.bytes} octets` }) };
  }

  /** RFC 9293 §3.10.6 STATUS: always of the reference machine, and of the target where it can tell. */
  private async state(step: Step & { kind: 'state' }): Promise<StepResult> {
    this.oracle.advance(this.elapsedMs());
    if (this.oracle.state !== step.state) {
      // The machine's state follows from the case's stimuli alone: this is the case contradicting RFC 9293.
      throw new Error(`the case says ${step.state}, but after these steps the reference machine is in ${this.oracle.state} (tcpconform validate finds such cases before any run)`);
    }
    if (!this.target.capabilities.appCalls.includes('state')) {
      return { outcome: 'pass', expected: step.state, observed: `the ${this.target.name} target cannot tell its state` };
    }
    const call: AppCall = { call: 'state' };
    const result = await this.target.app(call);
    this.trace.push({ kind: 'app-call', timeMs: this.elapsedMs(), call, result });
    if (!result.ok) throw new Error(`the target could not tell its state: ${result.error}`);
    const observed = result.state ?? 'nothing';
    if (observed === step.state) return { outcome: 'pass', expected: step.state, observed };
    return {
      outcome: 'fail',
      expected: step.state,
      observed,
      mismatches: [{ field: 'state', expected: step.state, observed }],
      message: `state: expected ${step.state}, observed ${observed}`,
    };
  }

  async step(step: Step): Promise<StepResult> {
    const startMs = this.elapsedMs();
    switch (step.kind) {
      case 'send': return this.send(step);
      case 'fill': return this.fill(step);
      case 'expect': return this.expect(step, startMs);
      case 'quiet': return this.quiet(step, startMs);
      case 'wait': return this.wait(step);
      case 'app': return this.app(step);
      case 'state': return this.state(step);
      case 'either': return this.either(step, startMs);
    }
  }

  async run(): Promise<CaseResult> {
    const outcomes: StepOutcome[] = [];
    let verdict: CaseResult['verdict'] = 'pass';
    let reason: string | undefined;
    let divergence: CaseResult['divergence'];
    const steps = this.steps;
    for (const [index, step] of steps.entries()) {
      const base = { index, line: step.source.line, text: stepText(step), ...(step.preamble !== undefined && { preamble: step.preamble }) };
      if (verdict !== 'pass') {
        outcomes.push({ ...base, outcome: 'not-run' });
        continue;
      }
      let result: StepResult;
      try {
        result = await this.step(step);
        if (result.outcome === 'pass') result = this.overdue() ?? result;
        const next = steps[index + 1];
        // After a stimulus, unless the case asserts what comes next, the oracle checks it.
        if (result.outcome === 'pass' && STIMULI.has(step.kind) && (next === undefined || STIMULI.has(next.kind))) {
          const settled = await this.settle();
          if (settled.outcome !== 'pass') result = settled;
        }
        if (result.outcome === 'pass' && index === steps.length - 1) {
          const settled = await this.settle();
          if (settled.outcome !== 'pass') result = settled;
        }
      } catch (error) {
        result = { outcome: 'error', message: error instanceof Error ? error.message : String(error) };
      }
      outcomes.push({ ...base, ...result });
      if (result.outcome === 'fail') {
        verdict = 'fail';
        reason = `${step.source.file}:${step.source.line}: ${result.message ?? 'step failed'}`;
        divergence = {
          step: index,
          file: step.source.file,
          line: step.source.line,
          expected: result.expected ?? '',
          observed: result.observed ?? '',
          mismatches: result.mismatches ?? [],
        };
      } else if (result.outcome === 'error') {
        verdict = 'error';
        reason = `${step.source.file}:${step.source.line}: ${result.message ?? 'error'}`;
      }
    }
    this.drainAppEvents();
    return this.result(verdict, outcomes, reason, divergence);
  }

  result(verdict: CaseResult['verdict'], steps: StepOutcome[], reason?: string, divergence?: CaseResult['divergence']): CaseResult {
    const c = this.testCase;
    return {
      id: c.id,
      title: c.title,
      area: c.area,
      level: c.level,
      spec: c.spec,
      tags: c.tags,
      file: c.source.file,
      target: this.target.name,
      verdict,
      ...(reason !== undefined && { reason }),
      ...(divergence && { divergence }),
      startedAt: this.startedAt,
      durationMs: this.elapsedMs(),
      steps,
      trace: this.trace,
      rules: [...new Set(this.oracle.rules)],
    };
  }
}

/** The packet with its TCP checksum inverted, for cases that send a bad one (MUST-3). */
function encodeWithBadChecksum(packet: Packet): Uint8Array {
  const good = decodePacket(encodePacket(packet)).tcp?.checksum ?? 0;
  return encodePacket({ ...packet, tcp: { ...packet.tcp, checksum: good ^ 0xffff } });
}

/**
 * Runs `testCase` on `target`, with the reference machine beside it running `profile` (the target's
 * declared parameters; the RFC's by default). The target is the caller's to close.
 */
export async function runCase(testCase: Case, target: Target, profile: Profile = RFC9293_PROFILE): Promise<CaseResult> {
  const run = new CaseRun(testCase, target, profile);
  const unmet = unmetCondition(testCase.when, profile);
  if (unmet !== undefined) {
    const steps = testCase.steps.map((step, index) => ({ index, line: step.source.line, text: stepText(step), outcome: 'not-run' as const }));
    return run.result('skip', steps, unmet);
  }
  const missing = [...appCallsNeeded(testCase)].filter((call) => !target.capabilities.appCalls.includes(call));
  if (missing.length > 0) {
    const steps = testCase.steps.map((step, index) => ({ index, line: step.source.line, text: stepText(step), outcome: 'not-run' as const }));
    return run.result('skip', steps, `needs application call(s) ${missing.join(', ')}, which the ${target.name} target cannot make`);
  }
  return run.run();
}
