/**
 * `tcpconform explore --target T --out DIR`: generated sequences of stimuli run on a target beside the
 * reference machine (src/explore); each distinct divergence, shrunk, is written as a case file under DIR,
 * and a summary groups them by the rule involved.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { BARE_STARTS, preambleStart, type Start } from '../../explore/case-file';
import { explore, type ExploreOutcome } from '../../explore/explore';
import { parseDuration } from '../../suite/duration';
import type { TargetDriver } from '../../runner/run-suite';
import { findDriver } from '../drivers';
import { ExitCode } from '../exit-codes';
import { loadPreambles } from '../load-suites';
import { collect, complain, messageOf, positiveInteger, say, targetName } from '../options';

interface ExploreOptions {
  target: string[];
  out: string;
  from: string[];
  seed: number;
  budget?: number;
  runs?: number;
}

const DEFAULT_STARTS = ['established', 'listen', 'connect', 'close-wait', 'fin-wait-2'];

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) throw new InvalidArgumentError('must be a whole number from 0 to 2147483647');
  return n;
}

function budget(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) throw new InvalidArgumentError('must be a duration with its unit, e.g. 60s or 5min');
  return ms;
}

/** The summary: divergences grouped by the rule broken, each with the reference rules involved and its case file. */
function summaryLines(outcome: ExploreOutcome, out: string): string[] {
  const lines = [`${outcome.runs} sequence(s) run; ${outcome.findings.length} distinct divergence(s)${outcome.findings.length > 0 ? `, each shrunk and written under ${out}/` : ''}`];
  const byRule = new Map<string, typeof outcome.findings>();
  for (const f of outcome.findings) byRule.set(f.divergence.rule, [...(byRule.get(f.divergence.rule) ?? []), f]);
  for (const [rule, findings] of [...byRule].sort((a, b) => b[1].length - a[1].length)) {
    lines.push('', `${rule} (${findings.length}):`);
    for (const f of findings) lines.push(`  ${f.id}.yaml  from ${f.start}, ${f.steps.length} step(s), after ${f.divergence.involved.join(', ') || 'no rule'}`);
  }
  if (outcome.referenceFails > 0) lines.push('', `${outcome.referenceFails} sequence(s) the reference target itself did not pass were set aside (the oracle's business, not the target's)`);
  if (outcome.errors > 0) lines.push(`${outcome.errors} sequence(s) ended in a harness or target error rather than a verdict`);
  return lines;
}

/** The starts the user named (or the default ones), or why one cannot be a start. */
function startsOf(names: readonly string[]): { starts: Start[]; preambles: ReturnType<typeof loadPreambles>['preambles'] } {
  const { preambles, problems } = loadPreambles();
  if (problems.length > 0) throw new Error(`the preambles do not load: ${problems.map((p) => p.message).join('; ')}`);
  const starts = (names.length > 0 ? names : DEFAULT_STARTS).map((name) => {
    const bare = BARE_STARTS.find((s) => s.name === name);
    if (bare) return bare;
    const preamble = preambles.get(name);
    if (!preamble) throw new Error(`no start '${name}': give listen, connect, or a preamble (${[...preambles.keys()].join(', ')})`);
    const start = preambleStart(preamble);
    if (!start) throw new Error(`preamble '${name}' fills a window, whose size explore cannot follow: pick another start`);
    return start;
  });
  return { starts, preambles };
}

async function exploreCommand(options: ExploreOptions): Promise<void> {
  let chosen: ReturnType<typeof startsOf>;
  let driver: TargetDriver;
  try {
    if (options.target.length !== 1) throw new Error('explore one target at a time: give --target once');
    chosen = startsOf(options.from);
    driver = findDriver(options.target[0] as string);
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const { starts, preambles } = chosen;
  try {
    await driver.preflight();
    const onTerminal = process.stderr.isTTY === true && process.env['CI'] !== 'true';
    let shown = 0;
    const outcome = await explore({
      target: driver,
      reference: findDriver('reference'),
      starts,
      preambles,
      seed: options.seed,
      ...(options.runs !== undefined && { runs: options.runs }),
      // Without --runs, a minute.
      ...((options.budget !== undefined || options.runs === undefined) && { budgetMs: options.budget ?? 60_000 }),
      now: Date.now,
      progress: (runs, found) => {
        if (onTerminal) process.stderr.write(`\rexplore ${driver.name}: ${runs} sequence(s), ${found} divergence(s)  `);
        else if (found > shown) complain(`explore ${driver.name}: divergence ${found} after ${runs} sequence(s)`);
        shown = found;
      },
    });
    if (onTerminal) process.stderr.write('\n');
    mkdirSync(join(options.out, 'explore'), { recursive: true });
    for (const finding of outcome.findings) writeFileSync(join(options.out, `${finding.id}.yaml`), finding.yaml);
    for (const line of summaryLines(outcome, options.out)) say(line);
    say(`replay: tcpconform explore --target ${driver.name} --seed ${options.seed}${options.runs !== undefined ? ` --runs ${options.runs}` : ''} ${starts.map((s) => `--from ${s.name}`).join(' ')}`);
    process.exitCode = outcome.findings.length > 0 ? ExitCode.failures : outcome.errors > 0 ? ExitCode.environment : ExitCode.ok;
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.environment;
  }
}

export function addExploreCommand(program: Command): void {
  program
    .command('explore')
    .description('Generate sequences of peer segments and application calls, run each on a target beside the reference machine, and shrink every distinct divergence to a case file.')
    .requiredOption('-t, --target <name>', 'the implementation to explore (best on a virtual clock: lwip, gvisor, ns3, reference, or an adapter:COMMAND of yours)', targetName, [])
    .requiredOption('-o, --out <dir>', 'where the shrunk cases go: DIR/explore/<target>-N.yaml, ready for validate and run')
    .option('--from <start>', `where sequences start: a preamble of suites/preambles, listen or connect (repeatable; default ${DEFAULT_STARTS.join(', ')})`, collect, [])
    .option('--seed <n>', 'the seed: the same seed and --runs find the same divergences', seed, 1)
    .option('--budget <duration>', 'stop after this long (default 60s when --runs is not given)', budget)
    .option('--runs <n>', 'stop after this many sequences run on the target, shrinking included', positiveInteger)
    .addHelpText('after', `
Each sequence starts from a preamble's state (or a bare listen or connect) and continues with 1 to 6
stimuli: segments with valid and invalid sequence and acknowledgment numbers, flag combinations,
windows, options and data; writes, reads, closes, shutdowns, aborts; waits. A divergence is shrunk with
fast-check to the shortest sequence that still diverges the same way (the same rule broken after the
same rules of the reference machine) and written as a case whose description says what diverged.

Examples:
  tcpconform explore --target lwip --out found --seed 7              a minute from the default starts
  tcpconform explore --target ns3 --out found --budget 5min --from established --from close-wait
  tcpconform explore --target lwip --out found --seed 7 --runs 2000   exactly reproducible
  tcpconform validate found && tcpconform run found --target lwip    the cases, as any other

Exit codes: 0 no divergence, 1 divergences found (written under --out), 2 usage error,
3 the target cannot run here, or the harness failed.`)
    .action(exploreCommand);
}
