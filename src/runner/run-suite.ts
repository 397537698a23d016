/**
 * Runs cases, each on a fresh target, and tells reporters as results come in. The runner knows
 * nothing about formats: results files, pcaps, HTML and progress lines are reporters (vitest's
 * reporter hooks, in spirit), so a run killed half-way has already handed over what it finished.
 */
import type { Case } from '../suite/case';
import { leastDurationMs } from '../suite/needs';
import { timeValuesOf } from '../profile/time-values';
import type { TargetProfile } from '../profile/parse';
import type { Target } from '../targets/target';
import { lateText } from './lateness';
import type { CaseResult, EarlierRun, TargetInfo } from './result';
import { runCase } from './run-case';
import { stepText } from './step-text';
import { waive } from './waive';

/** How to get a fresh target for each case, and what it declares about itself. */
export interface TargetDriver {
  readonly name: string;
  /** The target's parameters, which the reference machine runs with, and its declared deviations. */
  readonly profile: TargetProfile;
  /** Throws, with one sentence a person can act on, when this machine cannot host the target. */
  preflight(): Promise<void>;
  create(): Promise<Target>;
}

export interface Reporter {
  onRunStart?(info: { readonly target: string; readonly cases: number }): void;
  onCaseEnd?(result: CaseResult): void;
  onRunEnd?(results: readonly CaseResult[]): void;
}

export interface RunOptions {
  /** Cases run at the same time, each on its own target. */
  readonly jobs: number;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A case the harness could not run: its target would not come up, or the harness itself broke. */
function harnessError(testCase: Case, target: string, reason: string): CaseResult {
  return {
    id: testCase.id,
    title: testCase.title,
    area: testCase.area,
    level: testCase.level,
    spec: testCase.spec,
    tags: testCase.tags,
    file: testCase.source.file,
    target,
    verdict: 'error',
    reason,
    startedAt: Date.now(),
    durationMs: 0,
    steps: testCase.steps.map((step, index) => ({ index, line: step.source.line, text: stepText(step), outcome: 'not-run' })),
    trace: [],
  };
}

/**
 * Runs of a case, at most, while each fails with the harness late (lateness.ts): on a loaded machine a
 * second run is usually on time, and a target that fails on time fails the same way.
 */
const RUNS_WHILE_HARNESS_LATE = 3;

/**
 * The case on a fresh target, again while it fails with the harness late. After the last run, such a
 * failure is the harness's as likely as the target's: an error, never a finding.
 */
async function runOne(testCase: Case, driver: TargetDriver): Promise<CaseResult> {
  const earlierRuns: EarlierRun[] = [];
  for (;;) {
    const result = await runOnce(testCase, driver);
    const { harnessLate } = result;
    if (result.verdict !== 'fail' || harnessLate === undefined) return earlierRuns.length > 0 ? { ...result, earlierRuns } : result;
    earlierRuns.push({ reason: result.reason ?? '', harnessLate });
    if (earlierRuns.length === RUNS_WHILE_HARNESS_LATE) {
      const { divergence: _untrusted, ...rest } = result;
      return {
        ...rest,
        verdict: 'error',
        reason: `the harness could not keep the case's timing in ${RUNS_WHILE_HARNESS_LATE} runs (the last: ${lateText(harnessLate)}); it failed then with ${result.reason ?? 'no reason'}`,
        earlierRuns: earlierRuns.slice(0, -1),
      };
    }
  }
}

async function runOnce(testCase: Case, driver: TargetDriver): Promise<CaseResult> {
  let target: Target;
  try {
    target = await driver.create();
  } catch (error) {
    return harnessError(testCase, driver.name, `the ${driver.name} target could not be set up: ${messageOf(error)}`);
  }
  try {
    const { name, title, departures } = driver.profile;
    const { stack, clock, families, appCalls, notes } = target.capabilities;
    const targetInfo: TargetInfo = { ...(stack && { stack }), clock, families: families ?? ['ipv4'], appCalls, ...(notes && { notes }) };
    return { ...waive(await runCase(testCase, target, driver.profile.profile), driver.profile), profile: { name, title, departures }, targetInfo };
  } catch (error) {
    // runCase turns what goes wrong in a step into a verdict; reaching here is a harness bug, kept to this case.
    return harnessError(testCase, driver.name, `the harness failed: ${messageOf(error)}`);
  } finally {
    await target.close();
  }
}

/**
 * The order to start the work in: the longest cases first (by their timers, under each target's
 * profile), so that a few minutes-long cases run beside the many short ones instead of after them,
 * and the wall time stays near the longest case's. Ties keep the suite's order.
 */
function longestFirst(work: readonly { testCase: Case; driver: TargetDriver }[]): number[] {
  const expectedMs = work.map(({ testCase, driver }) => leastDurationMs(testCase.steps, timeValuesOf(driver.profile.profile)));
  return work.map((_, index) => index).sort((a, b) => (expectedMs[b] as number) - (expectedMs[a] as number));
}

/**
 * Every case on every target. Results come in the order of targets, then cases, whatever order they
 * finished in; `jobs` of them run at the same time, each on a target of its own, the longest first.
 */
export async function runSuite(
  cases: readonly Case[],
  drivers: readonly TargetDriver[],
  reporters: readonly Reporter[],
  options: RunOptions,
): Promise<CaseResult[]> {
  const work = drivers.flatMap((driver) => cases.map((testCase) => ({ testCase, driver })));
  for (const r of reporters) r.onRunStart?.({ target: drivers.map((d) => d.name).join(','), cases: work.length });
  const results: CaseResult[] = new Array(work.length);
  const order = longestFirst(work);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      const index = order[next++] as number;
      const { testCase, driver } = work[index] as (typeof work)[number];
      const result = await runOne(testCase, driver);
      results[index] = result;
      for (const r of reporters) r.onCaseEnd?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, work.length)) }, worker));
  for (const r of reporters) r.onRunEnd?.(results);
  return results;
}
