/**
 * A case run on a target beside the reference machine (the runner's lockstep oracle), and, when they
 * part, what the divergence is about: the rule the oracle holds broken, and the reference machine's
 * rules for the stimulus behind it — the "rule involved" by which explore groups what it finds.
 */
import type { TargetDriver } from '../runner/run-suite';
import { runSuite } from '../runner/run-suite';
import type { CaseResult } from '../runner/result';
import { runCase } from '../runner/run-case';
import type { Case } from '../suite/case';
import { ReferenceTarget } from '../targets/reference';
import type { Profile } from '../reference';

export interface Divergence {
  /** What the oracle or the step holds broken: `RFC 9293 §3.4`, `MUST-1`, `state`, `application call`. */
  readonly rule: string;
  /** The reference machine's rules for the stimulus the divergence follows (the last step that fired any). */
  readonly involved: readonly string[];
  /** The grouping key: the rule broken, after the rules involved. */
  readonly key: string;
  readonly result: CaseResult;
}

/** Runs `testCase` on a fresh target of `driver`'s, over IPv4 or the family the case names. */
export async function runOn(driver: TargetDriver, testCase: Case): Promise<CaseResult> {
  const [result] = await runSuite([testCase], [driver], [], { jobs: 1, families: [testCase.family ?? 'ipv4'] });
  return result as CaseResult;
}

/** The rules the reference machine fires over the first `count` steps of `testCase`, in order. */
async function rulesOver(testCase: Case, count: number, profile: Profile): Promise<readonly string[]> {
  const target = new ReferenceTarget(profile, undefined, testCase.family ?? 'ipv4');
  await runCase({ ...testCase, steps: testCase.steps.slice(0, count) }, target, profile);
  return target.firedRules;
}

/**
 * The reference machine's rules at the stimulus a divergence at step `step` follows: those the step
 * itself fired, or else (a wait, say) those of the nearest step before it that fired any.
 */
export async function rulesInvolved(testCase: Case, step: number, profile: Profile): Promise<readonly string[]> {
  let after = await rulesOver(testCase, step + 1, profile);
  for (let index = step; index >= 0; index--) {
    const before = await rulesOver(testCase, index, profile);
    const fired = after.slice(before.length);
    if (fired.length > 0) return [...new Set(fired)];
    after = before;
  }
  return [];
}

/** The rule a failed result names: the oracle's, or the kind of check that failed. */
function ruleOf(result: CaseResult): string {
  const mismatch = result.divergence?.mismatches[0];
  if (mismatch !== undefined) return mismatch.field;
  const step = result.steps.find((s) => s.index === result.divergence?.step);
  return step?.text.split(' ')[0] === 'app' ? 'application call' : (step?.text.split(' ')[0] ?? 'unknown');
}

/** What `result` (a fail) diverged on, with the rules the reference machine applied there. */
export async function divergenceOf(testCase: Case, result: CaseResult, profile: Profile): Promise<Divergence> {
  const rule = ruleOf(result);
  const involved = result.divergence === undefined ? [] : await rulesInvolved(testCase, result.divergence.step, profile);
  return { rule, involved, key: `${rule} after ${involved.join(' + ') || 'no rule'}`, result };
}
