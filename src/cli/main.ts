/**
 * The `tcpconform` command line. Commands parse their options, load cases and hand over to the
 * runner; exit codes are in exit-codes.ts and the README.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { runAllCleanupsSync } from '../targets/cleanup';
import { formatProblem } from '../suite/problem';
import { runSuite } from '../runner/run-suite';
import { ExitCode } from './exit-codes';
import { loadSuites } from './load-suites';
import { consoleReporter, htmlReporter, readResults, resultsFileReporter, writeHtmlReport } from './outputs';
import { selectCases } from './select';
import { driverNames, findDriver } from './drivers';

const DEFAULT_SUITES = ['suites'];

function positiveInteger(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number of at least 1');
  return n;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const complain = (line: string): void => void process.stderr.write(`${line}\n`);

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
      const index = writeHtmlReport(outDir, results);
      complain(`tcpconform: interrupted by ${signal}; ${results.length} finished case(s) kept in ${index}`);
    } catch (error) {
      complain(`tcpconform: interrupted by ${signal}; no report written (${error instanceof Error ? error.message : String(error)})`);
    }
    process.exit(code);
  };
  process.once('SIGINT', stop('SIGINT', ExitCode.sigint));
  process.once('SIGTERM', stop('SIGTERM', ExitCode.sigterm));
}

export function buildProgram(): Command {
  const program = new Command('tcpconform')
    .description('Drives a TCP implementation through RFC 9293 conformance cases and reports what it got wrong, where and why.')
    .showHelpAfterError()
    .exitOverride((error) => process.exit(error.exitCode === 0 ? ExitCode.ok : ExitCode.usage));

  program
    .command('run')
    .description('Run cases against a target and write JSON results, a pcap per case and an HTML report.')
    .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES)
    .addOption(new Option('-t, --target <name>', 'the implementation under test').choices(driverNames()).default('linux'))
    .option('-o, --out <dir>', 'report folder (results.jsonl, index.html, cases/, pcap/)', 'reports/latest')
    .option('--id <glob>', 'only cases whose id matches (repeatable), e.g. "handshake/*"', collect, [])
    .option('--tag <tag>', 'only cases with this tag (repeatable)', collect, [])
    .option('-j, --jobs <n>', 'cases run at the same time, each on its own target', positiveInteger, 1)
    .addHelpText('after', `
Examples:
  tcpconform run                                 every case in suites/ against the local kernel
  tcpconform run suites/handshake --out reports/hs
  tcpconform run --id 'close/*' --tag fin --jobs 4

Exit codes: 0 all passed, 1 conformance failures, 2 usage or suite errors,
3 harness or environment failure, 130/143 interrupted (finished results kept).`)
    .action(async (paths: string[], options: { target: string; out: string; id: string[]; tag: string[]; jobs: number }) => {
      const suite = loadAndReport(paths);
      const cases = selectCases(suite.cases, { ids: options.id, tags: options.tag });
      if (cases.length === 0) {
        complain('tcpconform: no case selected; check the paths, --id and --tag');
        process.exitCode = ExitCode.usage;
        return;
      }
      const driver = findDriver(options.target);
      try {
        await driver.preflight();
      } catch (error) {
        complain(`tcpconform: ${error instanceof Error ? error.message : String(error)}`);
        process.exitCode = ExitCode.environment;
        return;
      }
      handleInterrupts(options.out);
      const results = await runSuite(cases, driver, [resultsFileReporter(options.out), htmlReporter(options.out), consoleReporter(say)], { jobs: options.jobs });
      say(`report: ${options.out}/index.html`);
      if (results.some((r) => r.verdict === 'fail')) process.exitCode = ExitCode.failures;
      else if (results.some((r) => r.verdict === 'error') || suite.problems.length > 0) {
        process.exitCode = suite.problems.length > 0 ? ExitCode.usage : ExitCode.environment;
      }
    });

  program
    .command('validate')
    .description('Check case files against the case schema and rules without running anything.')
    .argument('[paths...]', 'case files or folders of them', DEFAULT_SUITES)
    .addHelpText('after', `
Every problem is printed as file:line:column: message. Exit code 0 when all files are valid, 2 otherwise.

Example:
  tcpconform validate suites/`)
    .action((paths: string[]) => {
      const suite = loadAndReport(paths);
      say(`${suite.cases.length} case(s) valid, ${suite.problems.length} problem(s)`);
      if (suite.problems.length > 0) process.exitCode = ExitCode.usage;
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  await buildProgram().parseAsync([...argv]);
}
