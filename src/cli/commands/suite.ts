/** The commands that read cases and ask the reference machine, with no target: validate, rules, list, explain. */
import type { Command } from 'commander';
import { formatProblem } from '../../suite/problem';
import { caseNeeds, needsText, SLOW_ON_A_REAL_CLOCK_MS } from '../../suite/needs';
import { wireCoverage } from '../../suite/requirements';
import { timeValuesOf } from '../../profile/time-values';
import { ALL_RULES, describeRule, unreachableBecause } from '../../reference';
import { ExitCode } from '../exit-codes';
import { selectCases } from '../select';
import { checkAgainstReference } from '../check-against-reference';
import { explanationLines, findCase, predictExchange } from '../explain';
import { profileArgument } from './profile-argument';
import { collect, complain, DEFAULT_SUITES, loadAndReport, say, selectionOf, SUITE_PATHS_HELP, withFamily, withSelection, type SelectionOptions } from '../options';
import { runsIn } from '../../runner/families';
import { familiesOf, type FamilyChoice, type RunFamily } from '../../targets/family';
import type { Case } from '../../suite/case';

async function validateCommand(paths: string[]): Promise<void> {
  const suite = loadAndReport(paths);
  const checked = await checkAgainstReference(suite.cases);
  for (const problem of checked.problems) complain(formatProblem(problem));
  const problems = suite.problems.length + checked.problems.length;
  say(`${suite.cases.length - checked.problems.length} case(s) valid, ${problems} problem(s)`);
  if (problems > 0) process.exitCode = ExitCode.usage;
}

async function rulesCommand(paths: string[]): Promise<void> {
  const suite = loadAndReport(paths);
  const { rules } = await checkAgainstReference(suite.cases);
  const missed = ALL_RULES.filter((rule) => !rules.has(rule));
  const unreachable = missed.filter((rule) => unreachableBecause(rule) !== undefined);
  const unreached = missed.filter((rule) => unreachableBecause(rule) === undefined);
  say(`reached (${ALL_RULES.length - missed.length} of ${ALL_RULES.length}):`);
  for (const rule of ALL_RULES.filter((r) => rules.has(r))) say(`  ${rule}`);
  if (unreachable.length > 0) say(`unreachable by any case (${unreachable.length}):`);
  for (const rule of unreachable) say(`  ${rule}  ${describeRule(rule)}; unreachable: ${unreachableBecause(rule) ?? ''}`);
  say(`never reached (${unreached.length}):`);
  for (const rule of unreached) say(`  ${rule}  ${describeRule(rule)}`);
}

function listCommand(paths: string[], options: SelectionOptions & { json: boolean; profile: string; family: FamilyChoice }): void {
  const profile = profileArgument(options.profile);
  if (profile === undefined) return;
  const timers = timeValuesOf(profile.profile);
  const suite = loadAndReport(paths);
  const asked = familiesOf(options.family);
  const familiesOfCase = (c: Case): RunFamily[] => asked.filter((f) => runsIn(c, f));
  const cases = selectCases(suite.cases, selectionOf(options)).filter((c) => familiesOfCase(c).length > 0);
  if (options.json) {
    for (const c of cases) say(JSON.stringify({ id: c.id, title: c.title, area: c.area, level: c.level, tags: c.tags, spec: c.spec, families: familiesOfCase(c), needs: caseNeeds(c, timers), file: c.source.file }));
  } else {
    for (const c of cases) {
      say(`${c.id}  ${c.level}  §${c.spec.rfc9293.join(' §')}${c.spec.requirements.length > 0 ? `  ${c.spec.requirements.join(',')}` : ''}`);
      say(`    ${c.title}`);
      say(`    tags: ${c.tags.join(', ') || '—'}  families: ${familiesOfCase(c).join(', ')}  needs: ${needsText(caseNeeds(c, timers), options.profile)}`);
    }
    const count = (key: (c: (typeof cases)[number]) => string) =>
      [...new Set(cases.map(key))].map((k) => `${k} ${cases.filter((c) => key(c) === k).length}`).join(', ');
    const runs = asked.map((f) => `${cases.filter((c) => runsIn(c, f)).length} in ${f}`).join(', ');
    say(`\n${cases.length} case(s) (${runs}). By area: ${count((c) => c.area)}. By level: ${count((c) => c.level)}.`);
    const coverage = wireCoverage(cases);
    say(`RFC 9293 requirements testable on the wire (Appendix B's W, W+T and W~): ${coverage.covered.length} of ${coverage.testable.length} named by these cases.`);
    if (coverage.uncovered.length > 0) say(`Not named: ${coverage.uncovered.join(', ')}.`);
  }
  if (suite.problems.length > 0) process.exitCode = ExitCode.usage;
}

async function explainCommand(what: string, options: { suites: string[]; profile: string }): Promise<void> {
  const profile = profileArgument(options.profile);
  if (profile === undefined) return;
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

export function addSuiteCommands(program: Command): void {
  program
    .command('validate')
    .description('Check case files against the case schema and rules without running anything.')
    .argument('[paths...]', SUITE_PATHS_HELP)
    .addHelpText('after', `
Each file is checked against the case schema and rules, then each case is run on the reference
machine (RFC 9293's own profile): a case whose explicit expectation contradicts the RFC is refused,
naming the step. Every problem is printed as file:line:column: message. Exit code 0 when all cases
are valid, 2 otherwise.

Example:
  tcpconform validate suites/`)
    .action(validateCommand);

  program
    .command('rules')
    .description("Run the cases on the reference machine and list which of its rules (RFC 9293 §3.10 branches) they reach.")
    .argument('[paths...]', SUITE_PATHS_HELP)
    .addHelpText('after', `
Each rule is named by its section, e.g. 3.10.7.4/rst/in-window-not-exact. Rules no case reaches are
behaviour the suite does not yet prove; a rule that neither the wire nor a socket's calls can lead to
is listed apart, with the reason.

Example:
  tcpconform rules`)
    .action(rulesCommand);

  withFamily(withSelection(
    program
      .command('list')
      .description('List cases: id, level, RFC 9293 sections, requirement ids, tags and what each needs from a target.')
      .argument('[paths...]', SUITE_PATHS_HELP),
  ), 'both', 'the families to list cases for; a case that names its own is listed in that one')
    .option('--json', 'one JSON object per case', false)
    .option('--profile <name|file>', "the profile whose timers say how long a case takes on a real clock: one of tcpconform's by name, or a file such as ./my-stack.yaml", 'linux')
    .addHelpText('after', `
Each case says what it needs from a target: application calls, state queries (state: steps; a target
that cannot tell its state passes them on the reference machine's word), and, when its timers keep it
running ${SLOW_ON_A_REAL_CLOCK_MS / 1000} s or more on a real clock, about how long (a virtual clock skips them).
Socket options and kernel settings (sysctl) are needs too, and so is a virtual clock (clock: virtual).
With --json, needs is { appCalls, options, sysctl, virtualClock, state, realClockMs }.
The summary ends with the coverage of RFC 9293's requirement ids testable on the wire: how many the
listed cases name, and which they do not.

Examples:
  tcpconform list --level MUST
  tcpconform list --req 'MUST-1*' --json
  tcpconform list --profile ./my-stack.yaml        how long each case takes with your stack's timers`)
    .action(listCommand);

  program
    .command('explain')
    .description('Print a case and the exchange the reference machine (RFC 9293) predicts for it, without any target.')
    .argument('<case>', 'a case file, or a case id (or an id glob matching one case) in --suites')
    .option('--suites <path>', "where to look for a case id (repeatable; default: tcpconform's own suites/)", collect, [])
    .option('--profile <name|file>', 'the profile the reference machine runs with: a name such as linux, or a file such as ./my-stack.yaml (default: RFC 9293\'s own)', 'rfc9293')
    .addHelpText('after', `
Prints the case (id, title, RFC sections, requirement ids, level, description, each step with its
line), then the exchange as a ladder: time, direction (peer ──▶ target, ◀── target to peer), flags,
seq and ack relative to each side's ISN, window, length, options, and the reference machine's state
after each segment or application call; then the rules of RFC 9293 §3.10 it applied. Exit code 0, or
2 when the case is not found or does not pass on the reference machine.

Examples:
  tcpconform explain close/passive-close
  tcpconform explain suites/rst/in-window-challenge-ack.yaml
  tcpconform explain 'handshake/passive*' --profile linux    the machine with Linux's parameters
  tcpconform explain close/passive-close --profile ./my-stack.yaml`)
    .action(explainCommand);
}
