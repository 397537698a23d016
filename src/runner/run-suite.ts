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
import { FAMILY_NAMES, wireFamily, type RunFamily } from '../targets/family';
import { profileIn, runsIn } from './families';
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
  /**
   * A fresh target whose addresses are of `family` (IPv4 for `ipv4-mapped`, whose application socket
   * is AF_INET6) where it speaks it; one that does not says so in its capabilities' `families`.
   * `testCase` is the case it is for, where that changes the set-up (the raw target's host outlives the
   * case, so one that lowers the path MTU speaks from an address of its own).
   */
  create(family: RunFamily, testCase?: Case): Promise<Target>;
}

export interface Reporter {
  onRunStart?(info: { readonly target: string; readonly cases: number }): void;
  onCaseEnd?(result: CaseResult): void;
  onRunEnd?(results: readonly CaseResult[]): void;
}

export interface RunOptions {
  /** Cases run at the same time, each on its own target. */
  readonly jobs: number;
  /** The families every case runs in, unless it names its own (IPv4 alone by default). */
  readonly families?: readonly RunFamily[];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A case the harness could not run: its target would not come up, or the harness itself broke. */
function harnessError(testCase: Case, target: string, family: RunFamily, reason: string): CaseResult {
  return {
    family,
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

/** A case the target cannot run in `family`, which it does not speak. */
function familySkip(testCase: Case, driver: TargetDriver, family: RunFamily, spoken: readonly RunFamily[]): CaseResult {
  return { ...harnessError(testCase, driver.name, family, `the ${driver.name} target does not speak ${FAMILY_NAMES[family]} (it speaks ${spoken.join(', ')})`), verdict: 'skip' };
}

/**
 * Runs of a case, at most, while each fails with the harness late (lateness.ts): on a loaded machine a
 * second run is usually on time, and a target that fails on time fails the same way.
 */
const RUNS_WHILE_HARNESS_LATE = 3;

/** A time a failure's words measured, as formatDuration writes it: `1.032s`, `230ms`. */
const MEASURED_TIME = /\b\d+(?:\.\d+)?m?s\b/g;

/**
 * What makes two failed runs the same failure: the reason word for word, but for the times measured,
 * which move with the machine's jitter from run to run (a keep-alive probe 1.032 s, then 1.009 s, into a
 * quiet step). Not where the failure is a time bound broken (a `time` mismatch): the harness's delay may
 * be what moved it across, and only the same words again say otherwise.
 */
function failureKey(result: CaseResult): string {
  const reason = result.reason ?? '';
  const aboutTime = result.divergence?.mismatches.some((m) => m.field === 'time') ?? false;
  return aboutTime ? reason : reason.replace(MEASURED_TIME, '(time)');
}

/**
 * The case on a fresh target, again while it fails with the harness late. A failure the next run
 * repeats (the same step, the same divergence: failureKey) is the target's, however late the harness
 * was: a deterministic defect does not hide behind a busy machine. Failures that keep changing while
 * the harness stays late are its as likely as the target's: after the last run, an error, never a
 * finding.
 */
async function runOne(testCase: Case, driver: TargetDriver, family: RunFamily): Promise<CaseResult> {
  const earlierRuns: EarlierRun[] = [];
  let lastFailure: string | undefined;
  for (;;) {
    const result = await runOnce(testCase, driver, family);
    const withEarlier = earlierRuns.length > 0 ? { ...result, earlierRuns } : result;
    const { harnessLate } = result;
    if (result.verdict !== 'fail' || harnessLate === undefined) return withEarlier;
    const reason = result.reason ?? '';
    const failure = failureKey(result);
    if (failure === lastFailure) return withEarlier;
    lastFailure = failure;
    earlierRuns.push({ reason, harnessLate });
    if (earlierRuns.length === RUNS_WHILE_HARNESS_LATE) {
      const { divergence: _untrusted, ...rest } = result;
      return {
        ...rest,
        verdict: 'error',
        reason: `the harness could not keep the case's timing in ${RUNS_WHILE_HARNESS_LATE} runs, each failing differently (the last: ${lateText(harnessLate)}); it failed then with ${reason}`,
        earlierRuns: earlierRuns.slice(0, -1),
      };
    }
  }
}

async function runOnce(testCase: Case, driver: TargetDriver, family: RunFamily): Promise<CaseResult> {
  let target: Target;
  try {
    target = await driver.create(family, testCase);
  } catch (error) {
    return harnessError(testCase, driver.name, family, `the ${driver.name} target could not be set up: ${messageOf(error)}`);
  }
  try {
    const { name, title, departures } = driver.profile;
    const { stack, clock, families = ['ipv4'], appCalls, notes } = target.capabilities;
    if (!families.includes(family) || !families.includes(wireFamily(family))) return familySkip(testCase, driver, family, families);
    const targetInfo: TargetInfo = { ...(stack && { stack }), clock, families, appCalls, ...(notes && { notes }) };
    const result = await runCase(testCase, target, profileIn(driver.profile.profile, family, driver.profile.ipv6Mss?.value));
    return { ...waive({ ...result, family }, driver.profile), profile: { name, title, departures }, targetInfo };
  } catch (error) {
    // runCase turns what goes wrong in a step into a verdict; reaching here is a harness bug, kept to this case.
    return harnessError(testCase, driver.name, family, `the harness failed: ${messageOf(error)}`);
  } finally {
    await target.close();
  }
}

/**
 * The order to start the work in: the longest cases first (by their timers, under each target's
 * profile), so that a few minutes-long cases run beside the many short ones instead of after them,
 * and the wall time stays near the longest case's. Ties keep the suite's order.
 */
function longestFirst(work: readonly Work[]): number[] {
  const expectedMs = work.map(({ testCase, driver }) => leastDurationMs(testCase.steps, timeValuesOf(driver.profile.profile)));
  return work.map((_, index) => index).sort((a, b) => (expectedMs[b] as number) - (expectedMs[a] as number));
}

/** One case to run: on which target, in which family. */
interface Work {
  readonly testCase: Case;
  readonly driver: TargetDriver;
  readonly family: RunFamily;
}

/**
 * Every case on every target, in every family asked for that the case runs in. Results come in the
 * order of targets, then families, then cases, whatever order they finished in; `jobs` of them run at
 * the same time, each on a target of its own, the longest first.
 */
export async function runSuite(
  cases: readonly Case[],
  drivers: readonly TargetDriver[],
  reporters: readonly Reporter[],
  options: RunOptions,
): Promise<CaseResult[]> {
  const families = options.families ?? ['ipv4'];
  const work: Work[] = drivers.flatMap((driver) => families.flatMap((family) => cases.filter((c) => runsIn(c, family)).map((testCase) => ({ testCase, driver, family }))));
  for (const r of reporters) r.onRunStart?.({ target: drivers.map((d) => d.name).join(','), cases: work.length });
  const results: CaseResult[] = new Array(work.length);
  const order = longestFirst(work);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < order.length) {
      const index = order[next++] as number;
      const { testCase, driver, family } = work[index] as Work;
      const result = await runOne(testCase, driver, family);
      results[index] = result;
      for (const r of reporters) r.onCaseEnd?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, work.length)) }, worker));
  for (const r of reporters) r.onRunEnd?.(results);
  return results;
}
