/**
 * `tcpconform mutate`: how much of a conformance failure a suite would catch. Each mutant of the
 * reference machine (operators.ts) is a stack with one known defect; the selected cases run against it
 * while the oracle keeps the true machine, and a case that fails or errors kills it. The score is the
 * share of mutants killed, equivalent mutants (equivalents.ts) left out.
 */
import { RFC9293_PROFILE, type Profile } from '../reference';
import type { Case } from '../suite/case';
import { coverageOf } from './coverage';
import { equivalenceOf, type Equivalent } from './equivalents';
import { allMutants, wordsFor, type Mutant } from './operators';
import { runInWorkers } from './pool';
import type { MutantRun } from './run-mutant';
import { areaOf, tally, tallyBy, type MutantResult, type Tally } from './score';

/** Input `mutate` cannot measure: one sentence a person can act on (exit code 2). */
export class MutateInputError extends Error {}

export interface MutateOptions {
  /** The machine's profile; the oracle and every mutant run with it. */
  readonly profile: Profile;
  readonly equivalents: readonly Equivalent[];
  /** Worker threads at the same time. */
  readonly jobs: number;
  /** Told of each mutant as it finishes, with how many there are. */
  readonly onRun?: (run: MutantRun, total: number) => void;
}

export interface MutationReport {
  readonly profile: string;
  readonly cases: {
    readonly selected: number;
    /** The cases that ran: those the profile does not skip. */
    readonly ran: readonly string[];
    readonly skipped: readonly { readonly id: string; readonly reason: string }[];
  };
  /** Surviving mutants first, then killed, then equivalent; each group in the machine's order. */
  readonly mutants: readonly MutantResult[];
  readonly overall: Tally;
  readonly byArea: readonly (Tally & { readonly key: string })[];
  readonly byRule: readonly (Tally & { readonly key: string })[];
  readonly wallMs: number;
}

const STATUS_ORDER = { survived: 0, killed: 1, equivalent: 2 } as const;

/** Runs `cases` against every mutant of the machine with `options.profile`. */
export async function mutate(cases: readonly Case[], options: MutateOptions, clock: () => number = () => performance.now()): Promise<MutationReport> {
  const started = clock();
  const { profile } = options;
  if (cases.length === 0) throw new MutateInputError('no case selected; check the paths and the filters (tcpconform list shows what there is)');
  const coverage = await coverageOf(cases, profile);
  const failing = coverage.filter((c) => c.outcome.verdict === 'fail' || c.outcome.verdict === 'error');
  // A case that holds a target to RFC 9293 where the profile's values depart from it (Linux's SYN
  // give-up before MUST-23's 3 minutes) fails on the machine with those values, as on the target,
  // whose profile waives it: nothing to measure there. One that fails under RFC 9293's own values too
  // contradicts the RFC, which validate refuses.
  const onRfc = failing.length === 0 || profile.name === RFC9293_PROFILE.name ? [] : await coverageOf(failing.map((c) => c.testCase), RFC9293_PROFILE);
  const broken = failing.find((_, i) => onRfc[i]?.outcome.verdict !== 'pass');
  if (broken) {
    throw new MutateInputError(
      `case ${broken.testCase.id} (${broken.testCase.source.file}) cannot run on the reference machine with the ${profile.name} profile: ${broken.outcome.reason ?? broken.outcome.verdict}; mutate measures cases that pass there (tcpconform validate says why)`,
    );
  }
  const runnable = coverage.filter((c) => c.outcome.verdict === 'pass');
  const skipped = coverage
    .filter((c) => c.outcome.verdict !== 'pass')
    .map((c) => ({
      id: c.testCase.id,
      reason: failing.includes(c) ? `the ${profile.name} profile's values depart from what the case asks (${c.outcome.reason ?? c.outcome.verdict})` : (c.outcome.reason ?? c.outcome.verdict),
    }));
  if (runnable.length === 0) {
    throw new MutateInputError(`none of the ${cases.length} selected case(s) runs on the reference machine with the ${profile.name} profile: ${skipped[0]?.id} is skipped, ${skipped[0]?.reason}`);
  }
  const mutants = allMutants();
  const runCases = runnable.map((c) => c.testCase);
  const jobs = mutants.map((mutant) => ({
    mutantId: mutant.id,
    caseIndexes: runnable.flatMap((c, index) => (mutant.reachedBy === undefined || c.keys.has(mutant.reachedBy) ? [index] : [])),
  }));
  const runs = await runInWorkers(jobs, runCases, profile, { jobs: options.jobs, onRun: (run) => options.onRun?.(run, mutants.length) });
  const results = mutants
    .map((mutant, i) => resultOf(mutant, runs[i]!, options.equivalents, profile))
    .map((result, order) => ({ result, order }))
    .sort((a, b) => STATUS_ORDER[a.result.status] - STATUS_ORDER[b.result.status] || a.order - b.order)
    .map(({ result }) => result);
  return {
    profile: profile.name,
    cases: { selected: cases.length, ran: runCases.map((c) => c.id), skipped },
    mutants: results,
    overall: tally(results),
    byArea: tallyBy(results, (r) => r.area),
    byRule: tallyBy(results, (r) => r.changes),
    wallMs: clock() - started,
  };
}

function resultOf(mutant: Mutant, run: MutantRun, equivalents: readonly Equivalent[], profile: Profile): MutantResult {
  const equivalence = equivalenceOf(equivalents, mutant.id, profile);
  const killed = run.killedBy.length > 0;
  return {
    id: mutant.id,
    operator: mutant.operator,
    changes: mutant.changes,
    area: areaOf(mutant.section),
    words: wordsFor(mutant, profile),
    status: killed ? 'killed' : equivalence !== undefined ? 'equivalent' : 'survived',
    reachedBy: run.ran,
    killedBy: run.killedBy,
    ...(equivalence !== undefined && (killed ? { listedEquivalent: equivalence } : { equivalence })),
  };
}
