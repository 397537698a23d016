/**
 * Whether a run passes the gate, as an exit code and the lines that explain it. Pure: CI decides on
 * exactly what is computed here.
 *
 * Without a baseline, a failure at a level in `failOn` fails the run (MAY failures are reported, not
 * gating, by default). With a baseline, only changes count: a case that newly fails or errors fails the
 * run; one that newly passes is reported as an improvement; a failure the baseline already had does not.
 */
import type { RequirementLevel } from '../suite/case';
import { runOf, type CaseResult, type Verdict } from '../runner/result';
import { ExitCode } from './exit-codes';

export interface GateInput {
  readonly results: readonly CaseResult[];
  readonly failOn: readonly RequirementLevel[];
  readonly baseline?: readonly CaseResult[];
  /** Suite files that did not load. */
  readonly suiteProblems: number;
}

export interface GateOutcome {
  readonly exitCode: number;
  readonly lines: readonly string[];
}

/** A case's result is compared with the baseline's of the same case on the same target in the same family. */
const key = (r: CaseResult): string => `${runOf(r)}\u0000${r.id}`;
const bad = (v: Verdict | undefined): boolean => v === 'fail' || v === 'error';
const name = (r: CaseResult): string => `${r.id} on ${runOf(r)} (${r.level})`;

export function gate(input: GateInput): GateOutcome {
  const gating = input.results.filter((r) => input.failOn.includes(r.level));
  const lines: string[] = [];
  let failing: CaseResult[];
  let erroring: CaseResult[];

  if (input.baseline) {
    const before = new Map(input.baseline.map((r) => [key(r), r.verdict]));
    const regressions = gating.filter((r) => bad(r.verdict) && !bad(before.get(key(r))));
    failing = regressions.filter((r) => r.verdict === 'fail');
    erroring = regressions.filter((r) => r.verdict === 'error');
    const improvements = input.results.filter((r) => r.verdict === 'pass' && bad(before.get(key(r))));
    for (const r of regressions) lines.push(`newly ${r.verdict === 'fail' ? 'failing' : 'erroring'}: ${name(r)}: ${r.reason ?? ''}`);
    for (const r of improvements) lines.push(`improvement: ${name(r)} now passes (was ${before.get(key(r))})`);
    const unchanged = gating.filter((r) => bad(r.verdict) && bad(before.get(key(r)))).length;
    if (unchanged > 0) lines.push(`${unchanged} failing case(s) unchanged from the baseline`);
  } else {
    failing = gating.filter((r) => r.verdict === 'fail');
    erroring = input.results.filter((r) => r.verdict === 'error');
    const notGating = input.results.filter((r) => r.verdict === 'fail' && !input.failOn.includes(r.level));
    if (notGating.length > 0) lines.push(`${notGating.length} ${notGating.map((r) => r.level).filter((l, i, a) => a.indexOf(l) === i).join('/')} failure(s) reported but not gating (--fail-on ${input.failOn.join(',')})`);
  }

  const exitCode =
    failing.length > 0 ? ExitCode.failures
    : erroring.length > 0 ? ExitCode.environment
    : input.suiteProblems > 0 ? ExitCode.usage
    : ExitCode.ok;
  return { exitCode, lines };
}
