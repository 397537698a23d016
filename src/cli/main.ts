/**
 * The `tcpconform` command line. Commands parse their options, load cases and hand over to the
 * runner and the report; exit codes are in exit-codes.ts and the README.
 */
import { dirname } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { runAllCleanupsSync } from '../targets/cleanup';
import { formatProblem } from '../suite/problem';
import type { RequirementLevel } from '../suite/case';
import { runSuite, type Reporter } from '../runner/run-suite';
import { caseNeeds, needsText, SLOW_ON_A_REAL_CLOCK_MS } from '../suite/needs';
import { timeValuesOf } from '../profile/time-values';
import { countVerdicts } from '../report/summary';
import { ExitCode } from './exit-codes';
import { gate } from './gate';
import { loadSuites } from './load-suites';
import {
  jsonLinesReporter,
  readResults,
  renderedReportReporter,
  resultsPathOf,
  resultsFileReporter,
  writeRenderedReport,
  writeReportFromResults,
} from './outputs';
import { liveProgress, plainProgress, summaryLine } from './progress';
import { parseShard, selectCases, type Selection } from './select';
import { driverNames, findDriver } from './drivers';
import type { TargetDriver } from '../runner/run-suite';
import { rawSettingsOf, withRawOptions } from './raw-options';
import { checkAgainstReference } from './check-against-reference';
import { ALL_RULES, describeRule } from '../reference';
import { explanationLines, findCase, predictExchange } from './explain';
import { probeLine, probeTarget } from './probe-targets';
import type { TargetProbe } from './probe-targets';
import { namedProfile } from './load-profiles';

const DEFAULT_SUITES = ['suites'];
const LEVELS: readonly RequirementLevel[] = ['MUST', 'SHOULD', 'MAY'];

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const complain = (line: string): void => void process.stderr.write(`${line}\n`);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function targetName(value: string, previous: string[]): string[] {
  if (!driverNames().includes(value)) throw new InvalidArgumentError(`'${value}' is not a target; known targets: ${driverNames().join(', ')}`);
  return [...previous, value];
}

function level(value: string, previous: RequirementLevel[]): RequirementLevel[] {
  const levels = value.split(',').map((v) => v.trim().toUpperCase());
  const wrong = levels.find((l) => !LEVELS.includes(l as RequirementLevel));
  if (wrong !== undefined) throw new InvalidArgumentError(`'${wrong}' is not MUST, SHOULD or MAY`);
  return [...previous, ...(levels as RequirementLevel[])];
}

function shard(value: string): { index: number; count: number } {
  const parsed = parseShard(value);
  if (typeof parsed === 'string') throw new InvalidArgumentError(parsed);
  return parsed;
}

interface SelectionOptions {
  id: string[];
  tag: string[];
  area: string[];
  req: string[];
  level: RequirementLevel[];
  shard?: { index: number; count: number };
}

/** The case filters `run` and `list` share. */
function withSelection(command: Command): Command {
  return command
    .option('--id <glob>', 'only cases whose id matches, e.g. "handshake/*" (repeatable)', collect, [])
    .option('--tag <tag>', 'only cases with this tag (repeatable)', collect, [])
    .option('--area <area>', 'only cases of this area: handshake, window, close, time-wait, rst, options (repeatable)', collect, [])
    .option('--req <glob>', 'only cases proving a requirement matching, e.g. MUST-13 or "SHLD-*" (repeatable)', collect, [])
    .option('--level <levels>', 'only cases of these requirement levels, e.g. MUST or MUST,SHOULD', level, [])
    .option('--shard <K/N>', 'only the K-th of N deterministic slices of the selected cases', shard);
}

function selectionOf(options: SelectionOptions): Selection {
  return { ids: options.id, tags: options.tag, areas: options.area, requirements: options.req, levels: options.level, ...(options.shard && { shard: options.shard }) };
}

/** Loads the suites and prints every problem; the cases that loaded are still returned. */
function loadAndReport(paths: string[]) {
  const suite = loadSuites(paths.length > 0 ? paths : DEFAULT_SUITES);
  for (const problem of suite.problems) complain(formatProblem(problem));
  return suite;
}

/**
 * On SIGINT or SIGTERM: tear down every live target (namespaces, devices, processes), render the
 * report from the results already written, and exit. Results of finished cases are never lost.
 */
function handleInterrupts(outDir: string): void {
  const stop = (signal: NodeJS.Signals, code: number) => () => {
    runAllCleanupsSync();
    try {
      const results = readResults(outDir);
      const index = writeRenderedReport(outDir, results);
      complain(`\ntcpconform: interrupted by ${signal}; ${results.length} finished case(s) kept in ${index}`);
    } catch (error) {
      complain(`\ntcpconform: interrupted by ${signal}; no report written (${messageOf(error)})`);
    }
    process.exit(code);
  };
  process.once('SIGINT', stop('SIGINT', ExitCode.sigint));
  process.once('SIGTERM', stop('SIGTERM', ExitCode.sigterm));
}

interface RunOptions extends SelectionOptions {
  target: string[];
  out: string;
  jobs: number;
  baseline?: string;
  failOn: RequirementLevel[];
  json: boolean;
}

async function runCommand(paths: string[], options: RunOptions): Promise<void> {
  const suite = loadAndReport(paths);
  const cases = selectCases(suite.cases, selectionOf(options));
  if (cases.length === 0) {
    complain('tcpconform: no case selected; check the paths and the filters (tcpconform list shows what there is)');
    process.exitCode = ExitCode.usage;
    return;
  }
  let baseline;
  try {
    baseline = options.baseline === undefined ? undefined : readResults(options.baseline);
  } catch (error) {
    complain(`tcpconform: cannot read the baseline: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  let drivers: TargetDriver[];
  try {
    drivers = [...new Set(options.target.length > 0 ? options.target : ['linux'])].map((name) => findDriver(name, { raw: rawSettingsOf(options) }));
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  for (const driver of drivers) {
    try {
      await driver.preflight();
    } catch (error) {
      complain(`tcpconform: ${messageOf(error)}`);
      process.exitCode = ExitCode.environment;
      return;
    }
  }
  handleInterrupts(options.out);
  // Progress goes to stderr when stdout carries JSON lines for another tool.
  const progressStream = options.json ? process.stderr : process.stdout;
  const tell = (line: string): void => void progressStream.write(`${line}\n`);
  const onTerminal = progressStream.isTTY === true && process.env['CI'] !== 'true';
  const progress: Reporter = onTerminal ? liveProgress(progressStream) : plainProgress(tell);
  const reporters = [resultsFileReporter(options.out), renderedReportReporter(options.out), progress, ...(options.json ? [jsonLinesReporter(say)] : [])];
  const results = await runSuite(cases, drivers, reporters, { jobs: options.jobs });
  const outcome = gate({ results, failOn: options.failOn.length > 0 ? options.failOn : ['MUST', 'SHOULD'], suiteProblems: suite.problems.length, ...(baseline && { baseline }) });
  for (const line of outcome.lines) tell(line);
  tell(`report: ${options.out}/index.html`);
  process.exitCode = outcome.exitCode;
}

function listCommand(paths: string[], options: SelectionOptions & { json: boolean; profile: string }): void {
  let timers;
  try {
    timers = timeValuesOf(namedProfile(options.profile).profile);
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const suite = loadAndReport(paths);
  const cases = selectCases(suite.cases, selectionOf(options));
  if (options.json) {
    for (const c of cases) say(JSON.stringify({ id: c.id, title: c.title, area: c.area, level: c.level, tags: c.tags, spec: c.spec, needs: caseNeeds(c, timers), file: c.source.file }));
  } else {
    for (const c of cases) {
      say(`${c.id}  ${c.level}  §${c.spec.rfc9293.join(' §')}${c.spec.requirements.length > 0 ? `  ${c.spec.requirements.join(',')}` : ''}`);
      say(`    ${c.title}`);
      say(`    tags: ${c.tags.join(', ') || '—'}  needs: ${needsText(caseNeeds(c, timers), options.profile)}`);
    }
    const count = (key: (c: (typeof cases)[number]) => string) =>
      [...new Set(cases.map(key))].map((k) => `${k} ${cases.filter((c) => key(c) === k).length}`).join(', ');
    say(`\n${cases.length} case(s). By area: ${count((c) => c.area)}. By level: ${count((c) => c.level)}.`);
  }
  if (suite.problems.length > 0) process.exitCode = ExitCode.usage;
}

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

function reportCommand(results: string, options: { out?: string }): void {
  const read = readResults(results);
  const out = options.out ?? dirname(resultsPathOf(results));
  const index = writeReportFromResults(out, read);
  say(`${summaryLine(read)}\nreport: ${index}`);
}

function mergeCommand(inputs: string[], options: { out: string; baseline?: string; failOn: RequirementLevel[] }): void {
  const baseline = options.baseline === undefined ? undefined : readResults(options.baseline);
  const byKey = new Map<string, ReturnType<typeof readResults>[number]>();
  for (const input of inputs) {
    for (const r of readResults(input)) {
      const key = `${r.target}\u0000${r.id}`;
      if (byKey.has(key)) complain(`tcpconform: ${r.id} on ${r.target} appears more than once; keeping the one from ${input}`);
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

async function explainCommand(what: string, options: { suites: string[]; profile: string }): Promise<void> {
  let profile;
  try {
    profile = namedProfile(options.profile);
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const found = findCase(what, options.suites.length > 0 ? options.suites : DEFAULT_SUITES);
  for (const problem of found.suite?.problems ?? []) complain(formatProblem(problem));
  if ('problem' in found) {
    complain(`tcpconform: ${found.problem}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const result = await predictExchange(found.case, profile);
  for (const line of explanationLines(found.case, result, profile)) say(line);
  // A case the reference machine does not pass contradicts RFC 9293: a suite problem, as validate says.
  if (result.verdict !== 'pass') process.exitCode = ExitCode.usage;
}

async function targetsCommand(names: string[], options: { json: boolean }): Promise<void> {
  const unknown = names.filter((name) => !driverNames().includes(name));
  if (unknown.length > 0) {
    complain(`tcpconform: '${unknown.join("', '")}' is not a target; known targets: ${driverNames().join(', ')}`);
    process.exitCode = ExitCode.usage;
    return;
  }
  const chosen = names.length > 0 ? names : driverNames();
  const width = Math.max(...chosen.map((name) => name.length));
  for (const name of chosen) {
    let probe: TargetProbe;
    try {
      probe = await probeTarget(findDriver(name, { raw: rawSettingsOf(options) }));
    } catch (error) {
      probe = { name, ok: false, problem: messageOf(error) };
    }
    say(options.json ? JSON.stringify(probe) : probeLine(probe, width));
    // Only a target asked for by name makes the exit code: listing them all is a survey.
    if (!probe.ok && names.length > 0) process.exitCode = ExitCode.environment;
  }
}

export function buildProgram(): Command {
  const program = new Command('tcpconform')
    .description('Drives a TCP implementation through RFC 9293 conformance cases and reports what it got wrong, where and why.')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage));

  const run = withSelection(
    program
      .command('run')
      .description('Run cases against one or more targets; write JSON results, a pcap per case, JUnit XML and an HTML report.')
      .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES),
  )
    .option('-t, --target <name>', `the implementation under test: ${driverNames().join(', ')} (repeatable: one report compares them; default linux)`, targetName, [])
    .option('-o, --out <dir>', 'report folder (results.jsonl, index.html, junit.xml, cases/, pcap/)', 'reports/latest')
    .option('-j, --jobs <n>', 'cases run at the same time, each on its own target (namespace or adapter process)', positiveInteger, 8)
    .option('--baseline <results>', 'a results.jsonl (or report folder) to compare with: only new failures fail the run')
    .option('--fail-on <levels>', 'requirement levels whose failures fail the run', level, [])
    .option('--json', 'print each result as a JSON line on stdout (progress goes to stderr)', false);
  withRawOptions(run).addHelpText('after', `
Examples:
  tcpconform run                                   every case in suites/ against the local kernel
  tcpconform run suites/handshake --out reports/hs
  tcpconform run --id 'close/*' --tag fin --jobs 4
  tcpconform run --level MUST --fail-on MUST       gate on MUST requirements only
  tcpconform run --baseline reports/main/results.jsonl   fail only on what got worse
  tcpconform run --shard 2/3 --out shard2          one of three CI machines; then tcpconform merge
  tcpconform run --target raw --raw-target 198.18.1.2 --raw-link veth:lab:br0 --raw-agent 198.18.1.2:7000
                                                   a stack on another host (README: testing a remote stack)

Exit codes: 0 all passed, 1 conformance failures, 2 usage or suite errors,
3 harness or environment failure, 130/143 interrupted (finished results kept).
Failures at levels outside --fail-on (default MUST,SHOULD) are reported but exit 0.`)
    .action(runCommand);

  program
    .command('validate')
    .description('Check case files against the case schema and rules without running anything.')
    .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES)
    .addHelpText('after', `
Each file is checked against the case schema and rules, then each case is run on the reference
machine (RFC 9293's own profile): a case whose explicit expectation contradicts the RFC is refused,
naming the step. Every problem is printed as file:line:column: message. Exit code 0 when all cases
are valid, 2 otherwise.

Example:
  tcpconform validate suites/`)
    .action(async (paths: string[]) => {
      const suite = loadAndReport(paths);
      const checked = await checkAgainstReference(suite.cases);
      for (const problem of checked.problems) complain(formatProblem(problem));
      const problems = suite.problems.length + checked.problems.length;
      say(`${suite.cases.length - checked.problems.length} case(s) valid, ${problems} problem(s)`);
      if (problems > 0) process.exitCode = ExitCode.usage;
    });

  program
    .command('rules')
    .description("Run the cases on the reference machine and list which of its rules (RFC 9293 §3.10 branches) they reach.")
    .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES)
    .addHelpText('after', `
Each rule is named by its section, e.g. 3.10.7.4/rst/in-window-not-exact. Rules no case reaches are
behaviour the suite does not yet prove.

Example:
  tcpconform rules`)
    .action(async (paths: string[]) => {
      const suite = loadAndReport(paths);
      const { rules } = await checkAgainstReference(suite.cases);
      const unreached = ALL_RULES.filter((rule) => !rules.has(rule));
      say(`reached (${ALL_RULES.length - unreached.length} of ${ALL_RULES.length}):`);
      for (const rule of ALL_RULES.filter((r) => rules.has(r))) say(`  ${rule}`);
      say(`never reached (${unreached.length}):`);
      for (const rule of unreached) say(`  ${rule}  ${describeRule(rule)}`);
    });

  withSelection(
    program
      .command('list')
      .description('List cases: id, level, RFC 9293 sections, requirement ids, tags and what each needs from a target.')
      .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES),
  )
    .option('--json', 'one JSON object per case', false)
    .option('--profile <name>', 'the profile whose timers say how long a case takes on a real clock', 'linux')
    .addHelpText('after', `
Each case says what it needs from a target: application calls, state queries (state: steps; a target
that cannot tell its state passes them on the reference machine's word), and, when its timers keep it
running ${SLOW_ON_A_REAL_CLOCK_MS / 1000} s or more on a real clock, about how long (a virtual clock skips them).
With --json, needs is { appCalls, state, realClockMs }.

Examples:
  tcpconform list --level MUST
  tcpconform list --req 'MUST-1*' --json`)
    .action(listCommand);

  program
    .command('explain')
    .description('Print a case and the exchange the reference machine (RFC 9293) predicts for it, without any target.')
    .argument('<case>', 'a case file, or a case id (or an id glob matching one case) in --suites')
    .option('--suites <path>', 'where to look for a case id (repeatable; default suites)', collect, [])
    .option('--profile <name>', 'the profile the reference machine runs with, e.g. linux (default: RFC 9293\'s own)', 'rfc9293')
    .addHelpText('after', `
Prints the case (id, title, RFC sections, requirement ids, level, description, each step with its
line), then the exchange as a ladder: time, direction (peer ──▶ target, ◀── target to peer), flags,
seq and ack relative to each side's ISN, window, length, options, and the reference machine's state
after each segment or application call; then the rules of RFC 9293 §3.10 it applied. Exit code 0, or
2 when the case is not found or does not pass on the reference machine.

Examples:
  tcpconform explain close/passive-close
  tcpconform explain suites/rst/in-window-challenge-ack.yaml
  tcpconform explain 'handshake/passive*' --profile linux    the machine with Linux's parameters`)
    .action(explainCommand);

  withRawOptions(
    program
      .command('targets')
      .description('Whether this machine can host each target, and which application calls each can make.')
      .argument('[names...]', 'targets to ask about (default: all)')
      .option('--json', 'one JSON object per target', false),
  )
    .addHelpText('after', `
Each target is set up once (its checks, then one fresh target, closed at once) and asked what it can
do. Cases needing a call a target cannot make are skipped on it with the reason. Exit code 3 when a
target named on the command line cannot run here.

Examples:
  tcpconform targets
  tcpconform targets linux --json
  tcpconform targets raw --raw-target 198.18.1.2 --raw-link veth:lab:br0 --raw-agent 198.18.1.2:7000`)
    .action(targetsCommand);

  program
    .command('report')
    .description('Render the HTML report, JUnit XML and pcaps again from saved results, without running anything.')
    .argument('<results>', 'a results.jsonl, or the report folder holding it')
    .option('-o, --out <dir>', 'report folder (default: beside the results)')
    .addHelpText('after', `
Example:
  tcpconform report reports/linux/results.jsonl --out /tmp/linux-report`)
    .action(readingResults(reportCommand));

  program
    .command('merge')
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

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // `tcpconform list | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? ExitCode.ok);
    throw error;
  });
  await buildProgram().parseAsync([...argv]);
}
