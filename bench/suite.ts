/**
 * The whole suite on each target, several times: wall time, the sum of case durations, the longest
 * case — medians over the runs — and whether every run gave the same verdicts. On a real-clock target
 * the cases run in parallel, so the wall time should be close to the longest case, not the sum.
 *
 * Usage: node -r esbuild-register bench/suite.ts [RUNS=3] [TARGET...]   (default targets: lwip gvisor ns3)
 */
import { findDriver } from '../src/cli/drivers';
import { loadSuites } from '../src/cli/load-suites';
import { runSuite } from '../src/runner/run-suite';

const runs = Number(process.argv[2] ?? 3);
const targets = process.argv.slice(3).length > 0 ? process.argv.slice(3) : ['lwip', 'gvisor', 'ns3'];
const JOBS = 8;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};
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
  process.stdout.write(`${cases.length} cases, ${runs} run(s) per target, ${JOBS} at a time\n`);
  process.stdout.write(`${'target'.padEnd(10)}${'wall'.padStart(11)}${'sum of cases'.padStart(15)}${'longest'.padStart(11)}${'wall/longest'.padStart(14)}  verdicts\n`);
  for (const target of targets) {
    const driver = findDriver(target);
    await driver.preflight();
    const walls: number[] = [];
    const sums: number[] = [];
    const longest: number[] = [];
    /** Each case's verdict in every run, to name the cases that were not stable. */
    const verdicts = new Map<string, string[]>();
    for (let run = 0; run < runs; run++) {
      const started = process.hrtime.bigint();
      const results = await runSuite(cases, [driver], [], { jobs: JOBS });
      walls.push(Number(process.hrtime.bigint() - started) / 1e6);
      // Case durations are on the target's clock: virtual time for virtual-clock targets.
      sums.push(results.reduce((sum, r) => sum + r.durationMs, 0));
      longest.push(Math.max(...results.map((r) => r.durationMs)));
      for (const r of results) verdicts.set(r.id, [...(verdicts.get(r.id) ?? []), r.verdict]);
    }
    const unstable = [...verdicts].filter(([, seen]) => new Set(seen).size > 1);
    const counts = countBy([...verdicts.values()].map((seen) => seen[0]!));
    const identical = unstable.length === 0 ? `identical in all ${runs} runs (${counts})` : `DIFFERED between runs in ${unstable.length} case(s)`;
    const ratio = (median(walls) / median(longest)).toFixed(2);
    process.stdout.write(`${target.padEnd(10)}${seconds(median(walls)).padStart(11)}${seconds(median(sums)).padStart(15)}${seconds(median(longest)).padStart(11)}${ratio.padStart(14)}  ${identical}\n`);
    for (const [id, seen] of unstable) process.stdout.write(`  ${id}: ${seen.join(' ')}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench/suite: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
