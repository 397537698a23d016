/**
 * Runs one case against one target, step by step, and records everything that crossed between them.
 *
 * A case stops at its first divergence (the steps after it are `not-run`): what comes after a wrong
 * answer is no longer the exchange the case describes. Errors of the harness or the target's
 * surroundings end the case as `error`, never as a conformance `fail`.
 */
import { decodePacket, encodePacket, parseFlags, TcpFlag, WireError, type Packet, type TcpOption, type TcpSegment } from '../wire';
import type { AppStepCall, Case, OptionTemplate, Step } from '../suite/case';
import { formatDuration } from '../suite/duration';
import type { AppCall, Target, TimedPacket } from '../targets/target';
import { mismatches } from './match';
import { Numbering } from './numbering';
import type { CaseResult, Direction, Mismatch, StepOutcome, TraceEvent } from './result';
import { appCallText, stepText } from './step-text';
import { matchText, segmentText, summarizeFromTarget, summarizeToTarget } from './summary';

/** The result of one step; `undefined` fields are left out of the JSON. */
type StepResult = Omit<StepOutcome, 'index' | 'line' | 'text' | 'note'>;

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

function wireOption(option: OptionTemplate): TcpOption {
  return option.kind === 'raw' ? { kind: 'malformed', bytes: option.bytes, reason: 'written verbatim by the case' } : option;
}

/** The application calls a case makes, so a target that cannot make them skips it. */
export function appCallsNeeded(testCase: Case): Set<AppStepCall['call']> {
  const calls = new Set<AppStepCall['call']>();
  for (const step of testCase.steps) if (step.kind === 'app') calls.add(step.call.call);
  return calls;
}

class CaseRun {
  private readonly trace: TraceEvent[] = [];
  private readonly numbering: Numbering;
  private readonly startNs: bigint;
  readonly startedAt = Date.now();

  constructor(private readonly testCase: Case, private readonly target: Target) {
    this.numbering = new Numbering(testCase.peerIsn, testCase.peerPort, testCase.port);
    this.startNs = target.now();
  }

  /** Milliseconds since the case started, on the target's clock (virtual for virtual-clock targets). */
  elapsedMs(timeNs: bigint = this.target.now()): number {
    return Number(timeNs - this.startNs) / 1e6;
  }

  private drainAppEvents(): void {
    for (const event of this.target.takeEvents()) this.trace.push({ kind: 'app-event', timeMs: this.elapsedMs(), event });
  }

  private recordPacket(direction: Direction, packet: TimedPacket, details: Pick<TraceEvent & { kind: 'packet' }, 'segment' | 'note'>): void {
    this.drainAppEvents();
    this.trace.push({ kind: 'packet', timeMs: this.elapsedMs(packet.timeNs), direction, hex: toHex(packet.bytes), ...details });
  }

  private send(step: Step & { kind: 'send' }): StepResult {
    const template = step.segment;
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
    this.recordPacket('to-target', sent, { segment: summarizeToTarget(tcp, this.numbering, template.checksum === 'good') });
    return { outcome: 'pass' };
  }

  /** The next TCP segment from the target before `deadlineMs`; other packets are recorded and passed over. */
  private async nextSegment(deadlineMs: number): Promise<{ segment?: TcpSegment; checksumOk?: boolean; garbage?: string; atMs?: number }> {
    for (;;) {
      const remaining = deadlineMs - this.elapsedMs();
      const packet = remaining > 0 ? await this.target.receive(remaining) : undefined;
      if (!packet) return {};
      try {
        const decoded = decodePacket(packet.bytes);
        if (!decoded.tcp) {
          this.recordPacket('from-target', packet, { note: `IPv4 protocol ${decoded.ip.protocol}, not TCP: passed over` });
          continue;
        }
        this.numbering.noteTargetSent(decoded.tcp);
        const checksumOk = decoded.tcpChecksumOk && decoded.ipChecksumOk;
        this.recordPacket('from-target', packet, { segment: summarizeFromTarget(decoded.tcp, this.numbering, checksumOk) });
        return { segment: decoded.tcp, checksumOk, atMs: this.elapsedMs(packet.timeNs) };
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.recordPacket('from-target', packet, { note: `does not parse: ${error.message}` });
        return { garbage: error.message, atMs: this.elapsedMs(packet.timeNs) };
      }
    }
  }

  private async expect(step: Step & { kind: 'expect' }, startMs: number): Promise<StepResult> {
    const expected = matchText(step.match);
    const got = await this.nextSegment(startMs + step.withinMs);
    if (got.garbage !== undefined) {
      return { outcome: 'fail', expected, observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage}` };
    }
    if (!got.segment) {
      return { outcome: 'fail', expected, observed: 'nothing', message: `expected ${expected} within ${formatDuration(step.withinMs)}, but the target sent nothing` };
    }
    const found: Mismatch[] = mismatches(step.match, got.segment, this.numbering);
    // RFC 9293 §3.1 MUST-2: every segment carries a correct checksum, whatever the case asserts.
    if (!got.checksumOk) found.push({ field: 'checksum', expected: 'valid', observed: 'invalid' });
    const observed = segmentText(summarizeFromTarget(got.segment, this.numbering, got.checksumOk ?? true));
    if (found.length === 0) return { outcome: 'pass', expected, observed };
    return {
      outcome: 'fail',
      expected,
      observed,
      mismatches: found,
      message: found.map((m) => `${m.field}: expected ${m.expected}, observed ${m.observed}`).join('; '),
    };
  }

  private async quiet(step: Step & { kind: 'quiet' }, startMs: number): Promise<StepResult> {
    const got = await this.nextSegment(startMs + step.forMs);
    if (!got.segment && got.garbage === undefined) return { outcome: 'pass' };
    const observed = got.segment ? segmentText(summarizeFromTarget(got.segment, this.numbering, got.checksumOk ?? true)) : 'a malformed packet';
    const after = formatDuration((got.atMs ?? startMs) - startMs);
    return { outcome: 'fail', expected: 'nothing', observed, message: `expected no segment for ${formatDuration(step.forMs)}, but the target sent ${observed} after ${after}` };
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
    const result = await this.target.app(call);
    this.trace.push({ kind: 'app-call', timeMs: this.elapsedMs(), call, result });
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

  /** RFC 9293 §3.10.6 STATUS, asked of the target where it can tell. */
  private async state(step: Step & { kind: 'state' }): Promise<StepResult> {
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
      case 'expect': return this.expect(step, startMs);
      case 'quiet': return this.quiet(step, startMs);
      case 'wait': await this.target.sleep(step.forMs); return { outcome: 'pass' };
      case 'app': return this.app(step);
      case 'state': return this.state(step);
    }
  }

  async run(): Promise<CaseResult> {
    const outcomes: StepOutcome[] = [];
    let verdict: CaseResult['verdict'] = 'pass';
    let reason: string | undefined;
    let divergence: CaseResult['divergence'];
    for (const [index, step] of this.testCase.steps.entries()) {
      const base = { index, line: step.source.line, text: stepText(step) };
      if (verdict !== 'pass') {
        outcomes.push({ ...base, outcome: 'not-run' });
        continue;
      }
      let result: StepResult;
      try {
        result = await this.step(step);
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
    };
  }
}

/** The packet with its TCP checksum inverted, for cases that send a bad one (MUST-3). */
function encodeWithBadChecksum(packet: Packet): Uint8Array {
  const good = decodePacket(encodePacket(packet)).tcp?.checksum ?? 0;
  return encodePacket({ ...packet, tcp: { ...packet.tcp, checksum: good ^ 0xffff } });
}

/** Runs `testCase` on `target`; the target is the caller's to close. */
export async function runCase(testCase: Case, target: Target): Promise<CaseResult> {
  const run = new CaseRun(testCase, target);
  const missing = [...appCallsNeeded(testCase)].filter((call) => !target.capabilities.appCalls.includes(call));
  if (missing.length > 0) {
    const steps = testCase.steps.map((step, index) => ({ index, line: step.source.line, text: stepText(step), outcome: 'not-run' as const }));
    return run.result('skip', steps, `needs application call(s) ${missing.join(', ')}, which the ${target.name} target cannot make`);
  }
  return run.run();
}
