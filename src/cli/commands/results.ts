/** The commands that work from saved results alone: report and merge. */
import { dirname } from 'node:path';
import type { Command } from 'commander';
import type { RequirementLevel } from '../../suite/case';
import { countVerdicts } from '../../report/summary';
import { ExitCode } from '../exit-codes';
import { gate } from '../gate';
import { readResults, resultsPathOf, writeReportFromResults } from '../outputs';
import { summaryLine } from '../progress';
import { complain, familiesOfOption, level, messageOf, say, withFamily } from '../options';
import { familyOf, runOf } from '../../runner/result';
import type { FamilyChoice } from '../../targets/family';

/** Runs a command that reads results files, turning an unreadable one into a usage error. */
function readingResults<A extends unknown[]>(command: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      command(...args);
    } catch (error) {
      complain(`tcpconform: ${messageOf(error)}`);
      process.exitCode = ExitCode.usage;
    }
  };
}

function reportCommand(results: string, options: { out?: string; family?: FamilyChoice }): void {
  const families = familiesOfOption(options);
  const read = readResults(results).filter((r) => families === undefined || families.includes(familyOf(r)));
  const out = options.out ?? dirname(resultsPathOf(results));
  const index = writeReportFromResults(out, read);
  say(`${summaryLine(read)}\nreport: ${index}`);
}

function mergeCommand(inputs: string[], options: { out: string; baseline?: string; failOn: RequirementLevel[]; family?: FamilyChoice }): void {
  const families = familiesOfOption(options);
  const baseline = options.baseline === undefined ? undefined : readResults(options.baseline);
  const byKey = new Map<string, ReturnType<typeof readResults>[number]>();
  for (const input of inputs) {
    for (const r of readResults(input)) {
      if (families !== undefined && !families.includes(familyOf(r))) continue;
      const key = `${runOf(r)}\u0000${r.id}`;
      if (byKey.has(key)) complain(`tcpconform: ${r.id} on ${runOf(r)} appears more than once; keeping the one from ${input}`);
      byKey.set(key, r);
    }
  }
  const merged = [...byKey.values()];
  const index = writeReportFromResults(options.out, merged);
  const c = countVerdicts(merged);
  say(`merged ${c.total} result(s) from ${inputs.length} input(s): ${summaryLine(merged)}\nreport: ${index}`);
  // Gating the merged results in one place is what a CI matrix's last job does; plain merging exits 0.
  if (baseline === undefined && options.failOn.length === 0) return;
  const outcome = gate({ results: merged, failOn: options.failOn.length > 0 ? options.failOn : ['MUST', 'SHOULD'], suiteProblems: 0, ...(baseline && { baseline }) });
  for (const line of outcome.lines) say(line);
  process.exitCode = outcome.exitCode;
}

export function addResultsCommands(program: Command): void {
  withFamily(program
    .command('report'), undefined, 'only the results of these families (default: every family the results hold)')
    .description('Render the HTML report, JUnit XML and pcaps again from saved results, without running anything.')
    .argument('<results>', 'a results.jsonl, or the report folder holding it')
    .option('-o, --out <dir>', 'report folder (default: beside the results)')
    .addHelpText('after', `
Example:
  tcpconform report reports/linux/results.jsonl --out /tmp/linux-report`)
    .action(readingResults(reportCommand));

  withFamily(program
    .command('merge'), undefined, 'only the results of these families (default: every family the inputs hold)')
    .description('Combine the results of several runs or shards into one results file and one report.')
    .argument('<results...>', 'results.jsonl files or report folders')
    .requiredOption('-o, --out <dir>', 'report folder for the merged results')
    .option('--baseline <results>', 'gate the merged results as run does: only changes against these results fail')
    .option('--fail-on <levels>', 'gate the merged results: failures at these levels fail (default MUST,SHOULD)', level, [])
    .addHelpText('after', `
With --baseline or --fail-on, the merged results are gated as 'run' gates its own, with the same exit
codes; without either, merge exits 0 whatever the results say.

Example (a CI matrix of three shards; docs/ci.md has the GitHub Actions workflow):
  tcpconform run --shard 1/3 --out shard1    (on machine 1; likewise 2/3 and 3/3)
  tcpconform merge shard1 shard2 shard3 --out reports/all --baseline ci/baseline.jsonl`)
    .action(readingResults(mergeCommand));
}
