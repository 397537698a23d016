/** `tcpconform run`: cases against targets, results written as they come, the report, the gate. */
import type { Command } from 'commander';
import type { RequirementLevel } from '../../suite/case';
import { runAllCleanupsSync } from '../../targets/cleanup';
import { runSuite, type Reporter, type TargetDriver } from '../../runner/run-suite';
import { ExitCode } from '../exit-codes';
import { gate } from '../gate';
import { jsonLinesReporter, readResults, renderedReportReporter, resultsFileReporter, writeRenderedReport } from '../outputs';
import { liveProgress, plainProgress } from '../progress';
import { selectCases } from '../select';
import { driverNames, findDrivers } from '../drivers';
import { adapterSettingsOf, withAdapterOptions } from '../adapter-options';
import { rawSettingsOf, withRawOptions } from '../raw-options';
import { complain, familiesOfOption, level, loadAndReport, messageOf, positiveInteger, say, selectionOf, SUITE_PATHS_HELP, targetName, withFamily, withSelection, type SelectionOptions } from '../options';
import type { FamilyChoice } from '../../targets/family';

/** Cases at the same time for each family a run asks for, unless --jobs says otherwise. */
export const JOBS_PER_FAMILY = 8;

interface RunOptions extends SelectionOptions {
  target: string[];
  adapter?: string;
  profile?: string;
  out: string;
  jobs?: number;
  baseline?: string;
  failOn: RequirementLevel[];
  json: boolean;
  family: FamilyChoice;
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
    drivers = findDrivers(options.target.length > 0 ? options.target : ['linux'], { raw: rawSettingsOf(options), adapter: adapterSettingsOf(options) });
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
  const families = familiesOfOption(options) ?? ['ipv4'];
  // The cases mostly wait on timers: a second family runs beside the first, not after it.
  const jobs = options.jobs ?? JOBS_PER_FAMILY * families.length;
  const results = await runSuite(cases, drivers, reporters, { jobs, families });
  const outcome = gate({ results, failOn: options.failOn.length > 0 ? options.failOn : ['MUST', 'SHOULD'], suiteProblems: suite.problems.length, ...(baseline && { baseline }) });
  for (const line of outcome.lines) tell(line);
  tell(`report: ${options.out}/index.html`);
  process.exitCode = outcome.exitCode;
}

export function addRunCommand(program: Command): void {
  const run = withFamily(withSelection(
    program
      .command('run')
      .description('Run cases against one or more targets; write JSON results, a pcap per case, JUnit XML and an HTML report.')
      .argument('[paths...]', SUITE_PATHS_HELP),
  ), 'both', 'the families each case runs in, unless it names its own (family: ipv4 in the case file)')
    .option('-t, --target <name>', `the implementation under test: ${driverNames().join(', ')} (your own, with --adapter), or adapter:COMMAND (repeatable: one report compares them; default linux)`, targetName, [])
    .option('-o, --out <dir>', 'report folder (results.jsonl, index.html, junit.xml, cases/, pcap/)', 'reports/latest')
    .option('-j, --jobs <n>', `cases run at the same time, each on its own target (namespace or adapter process); default ${JOBS_PER_FAMILY} for each family`, positiveInteger)
    .option('--baseline <results>', 'a results.jsonl (or report folder) to compare with: only new failures fail the run')
    .option('--fail-on <levels>', 'requirement levels whose failures fail the run', level, [])
    .option('--json', 'print each result as a JSON line on stdout (progress goes to stderr)', false);
  withRawOptions(withAdapterOptions(run)).addHelpText('after', `
Examples:
  tcpconform run                                   every case in suites/ against the local kernel
  tcpconform run suites/handshake --out reports/hs
  tcpconform run --id 'close/*' --tag fin --jobs 4
  tcpconform run --level MUST --fail-on MUST       gate on MUST requirements only
  tcpconform run --family ipv6                     IPv6 alone (default: both IPv4 and IPv6)
  tcpconform run --family ipv4-mapped              an AF_INET6 application socket talking IPv4 (linux; cases with application calls)
  tcpconform run --baseline reports/main/results.jsonl   fail only on what got worse
  tcpconform run --shard 2/3 --out shard2          one of three CI machines; then tcpconform merge
  tcpconform run --target adapter --adapter ./my-adapter --profile ./my-stack.yaml
                                                   your own stack behind an adapter (README: testing your own stack)
  tcpconform run --target adapter:'node adapter.js' --id 'handshake/*'
  tcpconform run --target raw --raw-target 198.18.1.2 --raw-link veth:lab:br0 --raw-agent 198.18.1.2:7000
                                                   a stack on another host (README: testing a remote stack)

Exit codes: 0 all passed, 1 conformance failures, 2 usage or suite errors,
3 harness or environment failure, 130/143 interrupted (finished results kept).
Failures at levels outside --fail-on (default MUST,SHOULD) are reported but exit 0.`)
    .action(runCommand);
}
