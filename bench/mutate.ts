/**
 * `tcpconform mutate` on the whole suite, several times: how many mutants and cases, how many case runs
 * against mutants, and the wall time (median over the runs) with every core's worker thread, against
 * a baseline measured in the same run with a single worker. Goal (issue 16): the whole suite against
 * every mutant within 2 minutes on a 2-core machine.
 *
 * Usage: node -r esbuild-register bench/mutate.ts [RUNS=3] [PROFILE=rfc9293]
 */
import { availableParallelism } from 'node:os';
import { loadProfile } from '../src/cli/load-profiles';
import { loadSuites } from '../src/cli/load-suites';
import { loadEquivalents } from '../src/mutate/equivalents';
import { mutate, type MutationReport } from '../src/mutate/mutate';
import { allMutants } from '../src/mutate/operators';

const GOAL_MS = 120_000;
const runs = Number(process.argv[2] ?? 3);
const profile = loadProfile(process.argv[3] ?? 'rfc9293').profile;

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function timed(jobs: number): Promise<{ wallMs: number; report: MutationReport }> {
  const { cases } = loadSuites(['suites']);
  const report = await mutate(cases, { profile, equivalents: loadEquivalents(allMutants()), jobs });
  return { wallMs: report.wallMs, report };
}

async function main(): Promise<void> {
  const cores = availableParallelism();
  const parallel: number[] = [];
  const single: number[] = [];
  let last: MutationReport | undefined;
  for (let run = 0; run < runs; run++) {
    const many = await timed(cores);
    parallel.push(many.wallMs);
    last = many.report;
    single.push((await timed(1)).wallMs);
  }
  if (!last) return;
  const caseRuns = last.mutants.reduce((sum, m) => sum + m.reachedBy, 0);
  process.stdout.write(
    `${last.mutants.length} mutants, ${last.cases.ran.length} cases (${last.cases.skipped.length} skipped with the ${profile.name} profile), ${caseRuns} case runs against mutants\n` +
      `score ${last.overall.score?.toFixed(1)}%\n` +
      `wall time, median of ${runs}: ${seconds(median(parallel))} with ${cores} workers, ${seconds(median(single))} with 1 (ratio ${(median(single) / median(parallel)).toFixed(2)})\n` +
      `goal: the whole suite against every mutant within ${seconds(GOAL_MS)}: ${median(parallel) <= GOAL_MS ? 'met' : 'NOT met'}\n`,
  );
}

void main();
