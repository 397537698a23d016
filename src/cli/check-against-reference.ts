/**
 * Runs cases on the reference machine (RFC 9293's own profile) so that a case whose explicit
 * expectations contradict the RFC is refused before any target runs: the suite and the oracle check
 * each other.
 */
import { runCase } from '../runner/run-case';
import type { CaseResult } from '../runner/result';
import type { Branch, Case, Step } from '../suite/case';
import { meeting, whenText } from '../suite/when';
import type { SuiteProblem } from '../suite/problem';
import { createReferenceTarget } from '../targets/reference';
import { profileIn, runsIn } from '../runner/families';
import { rfcProfile } from './load-profiles';

/** The problem a case's run on the reference machine shows, if any. */
function problemOf(testCase: Case, result: CaseResult, family: 'ipv4' | 'ipv6'): SuiteProblem | undefined {
  if (result.verdict === 'pass') return undefined;
  const failed = result.steps.find((s) => s.outcome === 'fail' || s.outcome === 'error');
  const step = failed ? testCase.steps[failed.index] : undefined;
  const where = step?.source ?? testCase.source;
  const what = failed ? `step ${failed.index} (${failed.text})` : 'the case';
  const over = family === 'ipv6' ? ' over IPv6 (family: ipv4 makes a case IPv4\'s alone)' : '';
  return { ...where, message: `${what} contradicts the reference machine (RFC 9293)${over}: ${failed?.message ?? result.reason ?? result.verdict}` };
}

export async function checkAgainstReference(cases: readonly Case[]): Promise<{ problems: SuiteProblem[]; rules: Set<string> }> {
  const profile = rfcProfile().profile;
  const problems: SuiteProblem[] = [];
  const rules = new Set<string>();
  for (const testCase of cases) {
    // A case written for other values of a parameter (`when:`) is checked against the RFC with those
    // values; each branch of an `either` with its own, and the machine must then take that branch.
    const last = testCase.steps[testCase.steps.length - 1];
    const branches = last?.kind === 'either' ? last.branches : [undefined];
    // In each family the case runs in: an expectation may hold over IPv4 and not over IPv6.
    for (const family of (['ipv4', 'ipv6'] as const).filter((f) => runsIn(testCase, f))) {
      for (const branch of branches) {
        const values = meeting(branch?.when, meeting(testCase.when, profileIn(profile, family)));
        const target = await createReferenceTarget(values, family);
        const result = await runCase(testCase, target, values);
        await target.close();
        for (const rule of result.rules ?? []) rules.add(rule);
        const problem = problemOf(testCase, result, family) ?? (branch && branchNotTaken(branch, result));
        if (problem) problems.push(problem);
      }
    }
  }
  return { problems, rules };
}

/** A problem when the run did not go through `branch`: the machine with the branch's values chose another way. */
function branchNotTaken(branch: Branch, result: CaseResult): SuiteProblem | undefined {
  const opening = branch.steps[0] as Step;
  if (result.steps.some((s) => s.line === opening.source.line && s.outcome === 'pass')) return undefined;
  const values = branch.when ? ` with ${whenText(branch.when)}` : '';
  return { ...opening.source, message: `this branch is not what the reference machine (RFC 9293) does${values}: it took another` };
}
