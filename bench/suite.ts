/**
 * The whole suite on each target, several times: wall time, the sum of case durations, the longest
 * case — medians over the runs — and whether every run gave the same verdicts. On a real-clock target
 * the cases run in parallel, so the wall time should be close to the longest case, not the sum.
 *
 * Usage: node -r esbuild-register bench/suite.ts [RUNS=3] [--load] [--family F] [--jobs N] [TARGET...]
 *   (default targets: lwip gvisor ns3; --family ipv4, ipv6, ipv4-mapped or both, the default, as the
 *   README's main command; --jobs defaults to 8 a family, as `run` does; --load adds a busy loop on
 *   every core for the whole run)
 * A case whose verdict moved between runs is printed with its verdicts and its first difference.
 */
import { parseArgs } from 'node:util';
import { findDriver } from '../src/cli/drivers';
import { loadSuites } from '../src/cli/load-suites';
import { differenceText, firstDifference } from '../src/report/first-difference';
import { JOBS_PER_FAMILY } from '../src/cli/commands/run';
import { runOf, type CaseResult } from '../src/runner/result';
import { lateText } from '../src/runner/lateness';
import { runSuite } from '../src/runner/run-suite';
import { FAMILY_CHOICES, familiesOf, type FamilyChoice } from '../src/targets/family';
import { median, startLoad } from './load';

const { values: flags, positionals } = parseArgs({ options: { load: { type: 'boolean', default: false }, family: { type: 'string', default: 'both' }, jobs: { type: 'string' } }, allowPositionals: true });
if (!(FAMILY_CHOICES as readonly string[]).includes(flags.family)) throw new Error(`--family: one of ${FAMILY_CHOICES.join(', ')}, not ${flags.family}`);
const FAMILIES = familiesOf(flags.family as FamilyChoice);
const JOBS = flags.jobs === undefined ? JOBS_PER_FAMILY * FAMILIES.length : Number(flags.jobs);
const runs = Number(positionals.find((arg) => /^\d+$/.test(arg)) ?? 3);
const named = positionals.filter((arg) => !/^\d+$/.test(arg));
const targets = named.length > 0 ? named : ['lwip', 'gvisor', 'ns3'];
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/** `134 pass, 10 skip, 7 waived`, in the report's order of verdicts. */
const countBy = (values: string[]): string =>
  ['pass', 'fail', 'error', 'waived', 'skip']
    .map((verdict) => [verdict, values.filter((v) => v === verdict).length] as const)
    .filter(([, count]) => count > 0)
    .map(([verdict, count]) => `${count} ${verdict}`)
    .join(', ');

async function main(): Promise<void> {
  const { cases } = loadSuites(['suites']);
  const load = flags.load ? startLoad() : undefined;
  process.stdout.write(`${cases.length} cases in ${FAMILIES.join(', ')}, ${runs} run(s) per target, ${JOBS} at a time${load ? `, beside ${load.loops} busy loops` : ''}\n`);
  process.stdout.write(`${'target'.padEnd(10)}${'wall'.padStart(11)}${'sum of cases'.padStart(15)}${'longest'.padStart(11)}${'wall/longest'.padStart(14)}  verdicts\n`);
  for (const target of targets) {
    const driver = findDriver(target);
    await driver.preflight();
    const walls: number[] = [];
    const sums: number[] = [];
    const longest: number[] = [];
    /** Each case's result in every run, to name the cases that were not stable and say how. */
    const seen = new Map<string, CaseResult[]>();
    for (let run = 0; run < runs; run++) {
      const started = process.hrtime.bigint();
      const results = await runSuite(cases, [driver], [], { jobs: JOBS, families: FAMILIES });
      walls.push(Number(process.hrtime.bigint() - started) / 1e6);
      // Case durations are on the target's clock: virtual time for virtual-clock targets.
      sums.push(results.reduce((sum, r) => sum + r.durationMs, 0));
      longest.push(Math.max(...results.map((r) => r.durationMs)));
      for (const r of results) {
        // A case runs once per family: each of its runs is followed on its own.
        const key = `${r.id} [${runOf(r)}]`;
        seen.set(key, [...(seen.get(key) ?? []), r]);
      }
    }
    const unstable = [...seen].filter(([, each]) => new Set(each.map((r) => r.verdict)).size > 1);
    const counts = countBy([...seen.values()].map((each) => each[0]!.verdict));
    const identical = unstable.length === 0 ? `identical in all ${runs} runs (${counts})` : `DIFFERED between runs in ${unstable.length} case(s)`;
    const ratio = (median(walls) / median(longest)).toFixed(2);
    process.stdout.write(`${target.padEnd(10)}${seconds(median(walls)).padStart(11)}${seconds(median(sums)).padStart(15)}${seconds(median(longest)).padStart(11)}${ratio.padStart(14)}  ${identical}\n`);
    // A verdict that held only because a late harness's failure ran again (run-suite.ts) is named too.
    const rerun = [...seen].flatMap(([id, each]) => each.flatMap((r, run) => (r.earlierRuns ?? []).map((earlier) => `  run ${run + 1}: ${id} ran again, after ${earlier.reason} (${lateText(earlier.harnessLate)})\n`)));
    process.stdout.write(`  ${rerun.length} failure(s) seen with the harness late and run again\n${rerun.join('')}`);
    for (const [id, each] of unstable) {
      const first = each[0]!;
      const moved = each.findIndex((r) => r.verdict !== first.verdict);
      const difference = firstDifference({ verdict: first.verdict, reason: first.reason }, { verdict: each[moved]!.verdict, reason: each[moved]!.reason });
      process.stdout.write(`  ${id}: ${each.map((r) => r.verdict).join(' ')}\n    ${difference ? differenceText(difference, ['run 1', `run ${moved + 1}`]) : ''}\n`);
    }
  }
  load?.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/suite: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
