/**
 * Runs one case against one target, step by step, and records everything that crossed between them.
 *
 * A case stops at its first divergence (the steps after it are `not-run`): what comes after a wrong
 * answer is no longer the exchange the case describes. Errors of the harness or the target's
 * surroundings end the case as `error`, never as a conformance `fail`.
 */
import type { Case, Step } from '../suite/case';
import { appCallsNeeded, leastDurationMs, optionsNeeded, sendsIcmp, usesBroadcast } from '../suite/needs';
import { formatDuration } from '../suite/duration';
import { timeValuesOf } from '../profile/time-values';
import { unmetCondition } from '../suite/when';
import type { Target } from '../targets/target';
import { familyOfAddress, IP_FACTS, RFC9293_PROFILE, type Profile } from '../reference';
import { Exchange, type StepResult } from './exchange';
import type { CaseResult, StepOutcome } from './result';
import { stepText } from './step-text';
import { app, state } from './steps/application';
import { event } from './steps/events';
import { icmp } from './steps/icmp';
import { isn } from './steps/isn';
import { either, expect, fill, quiet, send, wait } from './steps/segments';

/** Steps after which the runner waits for what the reference machine obliges the target to send. */
const STIMULI: ReadonlySet<Step['kind']> = new Set(['send', 'fill', 'app', 'state', 'icmp']);

class CaseRun {
  readonly exchange: Exchange;
  /** The steps to run: the case's, then those of the branch an `either` (always last) takes. */
  private readonly steps: Step[];

  constructor(private readonly testCase: Case, private readonly target: Target, profile: Profile) {
    this.exchange = new Exchange(testCase, target, profile);
    this.steps = [...testCase.steps];
  }

  private async step(step: Step): Promise<StepResult> {
    const x = this.exchange;
    switch (step.kind) {
      case 'send': return send(x, step);
      case 'fill': return fill(x, step);
      case 'expect': return expect(x, step);
      case 'quiet': return quiet(x, step);
      case 'wait': return wait(x, step);
      case 'app': return app(x, step);
      case 'state': return state(x, step);
      case 'event': return event(x, step);
      case 'either': return either(x, step, this.steps);
      case 'icmp': return icmp(x, step);
      case 'isn': return isn(x, step);
    }
  }

  /** The step, then what the oracle obliges the target to send, where the case does not assert it next. */
  private async stepAndSettle(step: Step, index: number): Promise<StepResult> {
    const x = this.exchange;
    let result = await this.step(step);
    if (result.outcome === 'pass') result = (await x.overdue()) ?? result;
    const next = this.steps[index + 1];
    const isLast = index === this.steps.length - 1;
    // After a stimulus, unless the case asserts what comes next, the oracle checks it; after the last step too.
    if (result.outcome === 'pass' && ((STIMULI.has(step.kind) && (next === undefined || STIMULI.has(next.kind))) || isLast)) {
      const settled = await x.settle();
      if (settled.outcome !== 'pass') result = settled;
    }
    return result;
  }

  async run(): Promise<CaseResult> {
    const outcomes: StepOutcome[] = [];
    let verdict: CaseResult['verdict'] = 'pass';
    let reason: string | undefined;
    let divergence: CaseResult['divergence'];
    for (const [index, step] of this.steps.entries()) {
      const base = { index, line: step.source.line, text: stepText(step), ...(step.preamble !== undefined && { preamble: step.preamble }) };
      if (verdict !== 'pass') {
        outcomes.push({ ...base, outcome: 'not-run' });
        continue;
      }
      let result: StepResult;
      this.exchange.clock.lateness.stepAt(step.source.file, step.source.line);
      try {
        result = await this.stepAndSettle(step, index);
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
    this.exchange.drainAppEvents();
    return this.result(verdict, outcomes, reason, divergence);
  }

  result(verdict: CaseResult['verdict'], steps: StepOutcome[], reason?: string, divergence?: CaseResult['divergence']): CaseResult {
    const c = this.testCase;
    const x = this.exchange;
    return {
      id: c.id,
      title: c.title,
      area: c.area,
      level: c.level,
      spec: c.spec,
      tags: c.tags,
      ...(c.sysctl && { sysctl: c.sysctl }),
      file: c.source.file,
      target: this.target.name,
      verdict,
      ...(reason !== undefined && { reason }),
      ...(divergence && { divergence }),
      startedAt: x.startedAt,
      durationMs: x.clock.elapsedMs(),
      steps,
      trace: x.trace,
      rules: x.oracle.rules,
      ...(x.isnReport && { isn: x.isnReport }),
      ...(x.clock.lateness.late && { harnessLate: x.clock.lateness.late }),
    };
  }
}

/** Every step of a case that did not run, for a case skipped before it began. */
function notRun(testCase: Case): StepOutcome[] {
  return testCase.steps.map((step, index) => ({ index, line: step.source.line, text: stepText(step), outcome: 'not-run' as const }));
}

/** Why `target` cannot run `testCase` as written, or undefined when it can. */
function cannotRun(testCase: Case, target: Target, profile: Profile): string | undefined {
  const unmet = unmetCondition(testCase.when, profile);
  if (unmet !== undefined) return unmet;
  const { capabilities, name } = target;
  const family = familyOfAddress(target.address);
  if (testCase.family !== undefined && testCase.family !== family) {
    return `written for ${testCase.family === 'ipv4' ? 'IPv4' : 'IPv6'} alone (family: ${testCase.family}), and the ${name} target speaks ${family === 'ipv4' ? 'IPv4' : 'IPv6'} here`;
  }
  if (testCase.clock === 'virtual' && capabilities.clock !== 'virtual') {
    return `written for a virtual clock: it waits ${formatDuration(leastDurationMs(testCase.steps, timeValuesOf(profile)))}, which the ${name} target's real clock would spend`;
  }
  const missing = [...appCallsNeeded(testCase)].filter((call) => !capabilities.appCalls.includes(call));
  if (missing.length > 0) return `needs application call(s) ${missing.join(', ')}, which the ${name} target cannot make`;
  const options = [...optionsNeeded(testCase)].filter((option) => !(capabilities.options ?? []).includes(option));
  if (options.length > 0) return `needs socket option(s) ${options.join(', ')}, which the ${name} target cannot set`;
  if (testCase.sysctl && !target.applyKernelSettings) {
    return `needs kernel settings (${Object.entries(testCase.sysctl).map(([k, v]) => `${k}=${v}`).join(', ')}), which the ${name} target cannot apply`;
  }
  if (usesBroadcast(testCase) && target.broadcast === undefined) return `addresses the broadcast address of the target's subnet, and the ${name} target's interface has none`;
  if (testCase.mtu !== undefined && target.setMtu === undefined) return `needs an interface MTU of ${testCase.mtu}, which the ${name} target cannot set`;
  return undefined;
}

/**
 * Runs `testCase` on `target`, with the reference machine beside it running `profile` (the target's
 * declared parameters; the RFC's by default). The target is the caller's to close. A case's MTU is
 * set on the target's interface first, and the reference machine advertises the MSS it gives, the MTU
 * less the IP and TCP headers of the target's family, 40 octets for IPv4, 60 for IPv6 (RFC 9293 §3.7.1).
 */
export async function runCase(testCase: Case, target: Target, targetProfile: Profile = RFC9293_PROFILE): Promise<CaseResult> {
  const headers = IP_FACTS[familyOfAddress(target.address)].ipTcpHeaders;
  const profile = testCase.mtu === undefined ? targetProfile : { ...targetProfile, mss: testCase.mtu - headers };
  const run = new CaseRun(testCase, target, profile);
  const reason = cannotRun(testCase, target, profile);
  if (reason !== undefined) return run.result('skip', notRun(testCase), reason);
  if (testCase.sysctl) {
    try {
      await target.applyKernelSettings?.(testCase.sysctl);
    } catch (error) {
      return run.result('error', notRun(testCase), `the kernel settings could not be applied: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (sendsIcmp(testCase) && target.capabilities.icmp === false) {
    return run.result('skip', notRun(testCase), `sends ICMP errors, which the ${target.name} target cannot pass to its stack`);
  }
  if (testCase.mtu !== undefined) {
    try {
      await target.setMtu?.(testCase.mtu);
    } catch (error) {
      return run.result('error', notRun(testCase), `the interface MTU of ${testCase.mtu} could not be set: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return run.run();
}
