/** `tcpconform mutate`: the selected cases against every mutant of the reference machine, and the score. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadEquivalents } from '../../mutate/equivalents';
import { mutate, MutateInputError, type MutationReport } from '../../mutate/mutate';
import { allMutants } from '../../mutate/operators';
import { mutationText, percent, renderMutationPage } from '../../report/mutation';
import { ExitCode } from '../exit-codes';
import { profileArgument } from './profile-argument';
import { selectCases } from '../select';
import { complain, DEFAULT_SUITES, loadAndReport, messageOf, positiveInteger, say, selectionOf, withSelection, type SelectionOptions } from '../options';

interface MutateOptions extends SelectionOptions {
  profile: string;
  out: string;
  jobs: number;
  minScore?: number;
  json: boolean;
}

export const MUTATION_PAGE = 'mutate.html';
export const MUTATION_JSON = 'mutate.json';

function scoreValue(text: string): number {
  const n = Number(text.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError('must be a percentage from 0 to 100');
  return n;
}

function writeReport(outDir: string, report: MutationReport): string {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, MUTATION_JSON), `${JSON.stringify(report, null, 2)}\n`);
  const page = join(outDir, MUTATION_PAGE);
  writeFileSync(page, renderMutationPage(report));
  return page;
}

async function mutateCommand(paths: string[], options: MutateOptions): Promise<void> {
  const profile = profileArgument(options.profile)?.profile;
  if (profile === undefined) return;
  const suite = loadAndReport(paths);
  const cases = selectCases(suite.cases, selectionOf(options));
  const progress = process.stderr.isTTY === true && process.env['CI'] !== 'true';
  let done = 0;
  let report: MutationReport;
  try {
    report = await mutate(cases, {
      profile,
      equivalents: loadEquivalents(allMutants()),
      jobs: options.jobs,
      onRun: (_, total) => {
        done++;
        if (progress) process.stderr.write(`\rmutants ${done}/${total}`);
      },
    });
  } catch (error) {
    if (progress && done > 0) process.stderr.write('\n');
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = error instanceof MutateInputError ? ExitCode.usage : ExitCode.environment;
    return;
  }
  if (progress) process.stderr.write('\n');
  const page = writeReport(options.out, report);
  const tell = options.json ? complain : say;
  if (options.json) say(JSON.stringify(report));
  else for (const line of mutationText(report)) tell(line);
  tell(`report: ${page}`);
  const below = options.minScore !== undefined && (report.overall.score ?? 0) < options.minScore;
  if (below) tell(`the score ${percent(report.overall.score)} is below --min-score ${options.minScore}%`);
  process.exitCode = suite.problems.length > 0 ? ExitCode.usage : below ? ExitCode.failures : ExitCode.ok;
}

export function addMutateCommand(program: Command): void {
  withSelection(
    program
      .command('mutate')
      .description('Measure how much a suite catches: run its cases against every mutant of the reference machine (a copy with one seeded defect) and score the share killed.')
      .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES),
  )
    .option('--profile <name>', 'the profile the machine, its mutants and the oracle run with, e.g. linux (profiles/<name>.yaml)', 'rfc9293')
    .option('-o, --out <dir>', 'report folder: mutate.html and mutate.json', 'reports/mutate')
    .option('-j, --jobs <n>', 'worker threads running mutants at the same time', positiveInteger, availableParallelism())
    .option('--min-score <percent>', 'exit 1 when the score is below this', scoreValue)
    .option('--json', 'print the whole report as one JSON object on stdout (the summary goes to stderr)', false)
    .addHelpText('after', `
Each mutant is the reference machine with one defect seeded from its own structure: a rule's branch
skipped, a segment form altered (a control bit added or dropped, seq or ack one off, the other reset
form), a boundary comparison moved by one, a timer halved, doubled or never started, a profile flag
inverted. The selected cases run against each mutant on the virtual clock while the oracle keeps the
true machine; a case that fails or errors kills the mutant. Survivors are listed first, each with what
it does in words and the rule it changes: a case that makes one fail strengthens the suite. Mutants no
observation can tell from the machine are listed with the reason in src/mutate/equivalents.yaml and
not counted.

Exit codes: 0 the score is at least --min-score (or none given), 1 it is below, 2 a usage or suite
error (an unknown profile, no case selected, a case that cannot run on the reference machine, an
invalid suite file), 3 a worker failed.

Examples:
  tcpconform mutate                                 the whole suite, RFC 9293's own profile
  tcpconform mutate --profile linux --min-score 95
  tcpconform mutate my-cases/ --id 'close/*' --json > mutate.json`)
    .action(mutateCommand);
}
