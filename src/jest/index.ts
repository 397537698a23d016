/**
 * tcpconform as jest tests: a project that already gates on jest adds conformance with one test file.
 *
 *   // conformance.test.ts
 *   import { conformanceSuite } from 'tcpconform/jest';
 *   conformanceSuite({ target: 'linux' });                          // tcpconform's own suites/
 *   conformanceSuite({ target: 'lwip', suites: ['conformance'], levels: ['MUST'] });
 *   conformanceSuite({ target: 'adapter', adapter: './my-adapter', profile: './my-stack.yaml' }); // your own stack
 *
 * Each area of the suite becomes a `describe`, each case a `test`, run on a fresh target with the
 * reference machine beside it exactly as `tcpconform run` does (the target's profile, its waivers).
 * A failure shows the step at `file:line`, expected against observed, and the exchange as a ladder;
 * the failure's stack points at the case file, so jest prints the YAML around the failing step.
 *
 * Skips are real `test.skip`s, decided before any test runs: jest cannot skip a test once it has
 * started, so the target is asked what it can do first (`tcpconform targets --json`, one set-up and
 * close in a child process), and a case it cannot run — a call it cannot make, a profile value the case
 * is not written for — is registered skipped with the reason in its name, which JUnit reporters show.
 * A target that cannot run here at all fails every test with the one sentence saying what it needs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packagePath } from '../package-root';
import type { Case, RequirementLevel } from '../suite/case';
import { formatProblem } from '../suite/problem';
import type { CaseResult } from '../runner/result';
import { appCallsNeeded } from '../suite/needs';
import { unmetCondition } from '../suite/when';
import { runSuite, type TargetDriver } from '../runner/run-suite';
import { runsIn } from '../runner/families';
import type { RunFamily } from '../targets/family';
import { findDrivers, type AdapterSettings } from '../cli/drivers';
import { loadSuites } from '../cli/load-suites';
import { selectCases } from '../cli/select';
import type { TargetProbe } from '../cli/probe-targets';
import { ladderLines } from '../cli/text-ladder';

const BIN = packagePath('bin', 'tcpconform');
/** tcpconform's own suite, wherever the package is installed. */
const OWN_SUITES = packagePath('suites');

export interface ConformanceSuiteOptions {
  /** The target to run on, as `--target` names it: reference, linux, lwip, gvisor, ns3, slirp, or adapter (your own). */
  readonly target: string;
  /** For `target: 'adapter'`: the command that starts your adapter, as `--adapter` takes it (relative to the working directory). */
  readonly adapter?: string;
  /** For `target: 'adapter'`: your stack's profile file, as `--profile` takes it; the target is called by its name. */
  readonly profile?: string;
  /** Case files or folders of them, relative to the working directory (default: tcpconform's own suites/). */
  readonly suites?: readonly string[];
  /** Selection, as `tcpconform run` takes it: id globs, tags, areas, requirement globs, levels. */
  readonly ids?: readonly string[];
  readonly tags?: readonly string[];
  readonly areas?: readonly string[];
  readonly requirements?: readonly string[];
  readonly levels?: readonly RequirementLevel[];
  /**
   * Levels whose failures fail their test (default MUST and SHOULD, as `--fail-on`). A failure at
   * another level passes, with the failure printed as a warning.
   */
  readonly failOn?: readonly RequirementLevel[];
  /** Milliseconds each case may take (default 300 000: real-clock targets wait out real timers). */
  readonly timeoutMs?: number;
  /** The families each case runs in, unless it names its own: one test per case and family (default IPv4 alone). */
  readonly families?: readonly RunFamily[];
}

/** A failed case, with its stack pointing at the case file so jest shows the YAML around the step. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';

  constructor(message: string, where?: { readonly file: string; readonly line: number; readonly column?: number; readonly label: string }) {
    super(message);
    const frame = where && `\n    at ${where.label} (${path.resolve(where.file)}:${where.line}:${where.column ?? 1})`;
    this.stack = `${this.name}: ${message}${frame ?? ''}`;
  }
}

/** What `tcpconform targets --json NAME` says of the target, asked in a child process (jest collects tests synchronously). */
function probe(target: string, adapter: AdapterSettings): TargetProbe {
  const options = [...(adapter.command !== undefined ? ['--adapter', adapter.command] : []), ...(adapter.profile !== undefined ? ['--profile', adapter.profile] : [])];
  const child = spawnSync(process.execPath, [BIN, 'targets', '--json', target, ...options], { encoding: 'utf8', timeout: 120_000 });
  const line = child.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as TargetProbe;
  } catch {
    const why = child.error?.message ?? (child.stderr.trim() || `exit code ${child.status ?? child.signal}`);
    return { name: target, ok: false, problem: `tcpconform targets ${target} failed: ${why}` };
  }
}

/** Why `testCase` cannot run on the target, known before it runs; the runner's own reasons, in its words. */
function skipReason(testCase: Case, driver: TargetDriver, target: TargetProbe): string | undefined {
  const unmet = unmetCondition(testCase.when, driver.profile.profile);
  if (unmet !== undefined) return unmet;
  if (!target.ok) return undefined;
  const missing = [...appCallsNeeded(testCase)].filter((call) => !target.appCalls.includes(call));
  return missing.length > 0 ? `needs application call(s) ${missing.join(', ')}, which the ${driver.name} target cannot make` : undefined;
}

const indent = (lines: readonly string[], by = '  '): string[] => lines.map((line) => `${by}${line}`);

/** The failure as a person reads it: where, which requirement, expected against observed, and the exchange. */
export function failureMessage(testCase: Case, result: CaseResult): string {
  const spec = `${testCase.spec.requirements.join(', ') || 'no requirement id'} (RFC 9293 §${testCase.spec.rfc9293.join(' §')})`;
  const lines = [`${result.id} [${result.level}] ${result.verdict === 'error' ? 'could not run' : 'failed'} on the ${result.target} target`];
  const d = result.divergence;
  if (d) {
    const step = result.steps[d.step];
    lines.push(`  at ${d.file}:${d.line}, step ${d.step + 1}: ${step?.text ?? ''}`, `  requirement: ${spec}`, '');
    lines.push(`  expected: ${d.expected}`, `  observed: ${d.observed}`);
    for (const m of d.mismatches) if (m.expected !== d.expected || m.observed !== d.observed) lines.push(`  ${m.field}: expected ${m.expected}, observed ${m.observed}`);
  } else {
    lines.push(`  ${result.reason ?? result.verdict}`, `  requirement: ${spec}`);
  }
  if (result.trace.length > 0) {
    lines.push('', `  the exchange (state: the reference machine's; seq and ack relative):`, ...indent(ladderLines(result.trace), '    '));
  }
  return lines.join('\n');
}

/** Turns a result into the test's outcome: throws for what fails the gate, warns for what does not. */
function judge(testCase: Case, result: CaseResult | undefined, failOn: readonly RequirementLevel[]): void {
  if (!result) throw new ConformanceFailure(`${testCase.id}: the runner returned no result`);
  const where = result.divergence
    ? { file: result.divergence.file, line: result.divergence.line, label: result.id }
    : { file: testCase.source.file, line: testCase.source.line, label: result.id };
  switch (result.verdict) {
    case 'pass':
      return;
    case 'error':
      throw new ConformanceFailure(failureMessage(testCase, result), where);
    case 'fail':
      if (failOn.includes(result.level)) throw new ConformanceFailure(failureMessage(testCase, result), where);
      console.warn(`${failureMessage(testCase, result)}\n(a ${result.level} case: reported, not failed; failOn is ${failOn.join(', ')})`);
      return;
    case 'waived':
    case 'skip':
      console.warn(`${result.id}: ${result.verdict}: ${result.reason ?? ''}`);
      return;
  }
}

/**
 * Registers the suite as jest tests: a `describe` for the target, one inside it per area, a `test` per
 * case. Call it at the top level of a test file.
 */
export function conformanceSuite(options: ConformanceSuiteOptions): void {
  const adapter: AdapterSettings = { ...(options.adapter !== undefined && { command: options.adapter }), ...(options.profile !== undefined && { profile: options.profile }) };
  // As --target takes them: an adapter or profile given for a built-in target is refused, not ignored.
  const [driver] = findDrivers([options.target], { adapter }) as [TargetDriver];
  const paths = options.suites ?? [OWN_SUITES];
  const suite = loadSuites(paths);
  const cases = selectCases(suite.cases, {
    ids: options.ids ?? [],
    tags: options.tags ?? [],
    areas: options.areas ?? [],
    requirements: options.requirements ?? [],
    levels: options.levels ?? [],
  });
  const failOn = options.failOn ?? ['MUST', 'SHOULD'];
  const timeout = options.timeoutMs ?? 300_000;
  const target = probe(options.target, adapter);
  const areas = [...new Set(cases.map((c) => c.area))].sort();

  describe(`tcpconform on ${driver.name}`, () => {
    if (suite.problems.length > 0) {
      test('the suite files are valid', () => {
        const [first] = suite.problems;
        throw new ConformanceFailure(suite.problems.map(formatProblem).join('\n'), first && { ...first, label: 'suite' });
      });
    }
    if (cases.length === 0) {
      test('the selection has cases', () => {
        throw new ConformanceFailure(`no case selected from ${paths.join(', ')}; check the paths and the filters`);
      });
    }
    for (const area of areas) {
      describe(area, () => {
        const asked = options.families ?? ['ipv4'];
        for (const testCase of cases.filter((c) => c.area === area).sort((a, b) => (a.id < b.id ? -1 : 1))) {
          // A case for one family runs in it even when the options ask for others.
          const families = testCase.family !== undefined ? [testCase.family] : asked.filter((family) => runsIn(testCase, family));
          for (const family of families) {
            const id = family === 'ipv4' ? testCase.id : `${testCase.id} (${family})`;
            const skip = skipReason(testCase, driver, target);
            if (skip !== undefined) {
              test.skip(`${id} [${testCase.level}] skipped: ${skip}`, () => undefined);
              continue;
            }
            test(
              `${id} [${testCase.level}] ${testCase.title}`,
              async () => {
                if (!target.ok) throw new ConformanceFailure(target.problem);
                const [result] = await runSuite([testCase], [driver], [], { jobs: 1, families: [family] });
                judge(testCase, result, failOn);
              },
              timeout,
            );
          }
        }
      });
    }
  });
}
