/**
 * What the adapter tests (test/adapters/<stack>.test.ts) share: starting a stack's adapter as a
 * process target, running a case on it with the stack's own profile, writing a case inline, holding
 * a result to an expected verdict, and the cases every virtual-clock stack must pass the same way.
 * Each test file keeps only what is its stack's own: its verdicts and why, and its stack's quirks.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { loadProfile } from '../../src/cli/load-profiles';
import { loadSuites } from '../../src/cli/load-suites';
import { parseProfile } from '../../src/profile/parse';
import { differenceText, firstDifference } from '../../src/report/first-difference';
import { profileIn } from '../../src/runner/families';
import type { CaseResult, Verdict } from '../../src/runner/result';
import { runCase } from '../../src/runner/run-case';
import type { Case } from '../../src/suite/case';
import { parseCase } from '../../src/suite/parse';
import { createProcessTarget } from '../../src/targets/process';
import type { ProcessTarget } from '../../src/targets/process';
import type { RunFamily } from '../../src/targets/family';

const ROOT = path.resolve(__dirname, '../..');

/** The suite the harness ships (suites/), as every adapter test runs it. */
export function loadSuite(): ReturnType<typeof loadSuites> {
  return loadSuites([path.join(ROOT, 'suites')]);
}

/** One stack's adapter, adapters/<stack>/out/adapter, as the harness drives it. */
export interface Adapter {
  readonly stack: string;
  readonly path: string;
  /** The reference machine runs with what this stack declares (profiles/<stack>.yaml). */
  readonly profile: ReturnType<typeof loadProfile>['profile'];
  /** Throws, naming the build script, when the adapter is not built: these tests build nothing. */
  requireBuilt(): void;
  /**
   * One adapter process as a process target; `args` follow the adapter's path on its command line;
   * `family` (IPv4 by default) picks the hello's addresses the target speaks from.
   */
  start(args?: readonly string[], family?: RunFamily): Promise<ProcessTarget>;
  /**
   * One case on a fresh adapter process, as the harness runs it (one process per case, the profile
   * as it reads in `family`), then stops it.
   */
  run(testCase: Case, args?: readonly string[], family?: RunFamily): Promise<CaseResult>;
}

export function adapter(stack: string): Adapter {
  const adapterPath = path.join(ROOT, 'adapters', stack, 'out/adapter');
  const loaded = loadProfile(stack);
  const profile = loaded.profile;
  const start = (args: readonly string[] = [], family: RunFamily = 'ipv4'): Promise<ProcessTarget> =>
    createProcessTarget({ name: stack, command: [adapterPath, ...args], family });
  return {
    stack,
    path: adapterPath,
    profile,
    requireBuilt() {
      if (!existsSync(adapterPath)) throw new Error(`the ${stack} adapter is not built (${adapterPath}): run adapters/${stack}/build`);
    },
    start,
    async run(testCase, args = [], family = 'ipv4') {
      const target = await start(args, family);
      try {
        return await runCase(testCase, target, profileIn(profile, family, loaded.ipv6Mss?.value));
      } finally {
        await target.close();
      }
    },
  };
}

/**
 * A case written inline in a test, in the suite's YAML: a MUST of RFC 9293 `sections`, with `steps`
 * as YAML step lines (indented as a case's steps). A case that does not parse is the test's own bug.
 */
export function inlineCase(fields: { readonly id: string; readonly title: string; readonly rfc9293: readonly string[]; readonly steps: string }): Case {
  const text = `id: ${fields.id}
title: ${fields.title}
spec: { rfc9293: ${JSON.stringify(fields.rfc9293)}, requirements: [] }
level: MUST
steps:
${fields.steps}`;
  const result = parseCase(`test/adapters/${fields.id}.yaml`, text);
  if (!result.case) throw new Error(JSON.stringify(result.problems));
  return result.case;
}

/**
 * The peer opens a connection to the application's listener, offering MSS 1460: where most inline
 * cases start. `synAckOptions` is what the SYN-ACK's options must be, for a stack whose MSS is known.
 */
export function passiveOpenSteps(synAckOptions?: string): string {
  return `  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1${synAckOptions === undefined ? '' : `, options: ${synAckOptions}`} }
  - send: { flags: A }
`;
}

/** A verdict a stack must give on a case; for a failure, the divergence that explains it. */
export interface ExpectedVerdict {
  readonly verdict: Verdict;
  readonly reason?: RegExp;
}

/** The suite's cases that `expected` names, as [id, case] rows for test.each. */
export function casesIn(cases: readonly Case[], expected: Readonly<Record<string, ExpectedVerdict>>): (readonly [string, Case])[] {
  return cases.filter((c) => expected[c.id] !== undefined).map((c) => [c.id, c] as const);
}

/** A pass must come with no reason; anything else with a reason (matching `reason` where given). */
export function expectVerdict(result: CaseResult, expected: ExpectedVerdict | undefined): void {
  if (!expected) throw new Error(`no expected verdict for ${result.id}`);
  const reason = expected.verdict === 'pass' ? undefined : expect.stringMatching(expected.reason ?? /./);
  expect([result.verdict, result.reason]).toEqual([expected.verdict, reason]);
}

/** profiles/<stack>.yaml parsed over profiles/rfc9293.yaml, as the CLI reads it. */
export function parseOwnProfile(stack: string): ReturnType<typeof parseProfile> {
  const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
  const base = parseProfile('profiles/rfc9293.yaml', read('profiles/rfc9293.yaml'));
  return parseProfile(`profiles/${stack}.yaml`, read(`profiles/${stack}.yaml`), base.profile);
}

/** A case run with the real time it took: what a virtual clock promises to keep small. */
export async function timed(result: Promise<CaseResult>): Promise<{ result: CaseResult; wallMs: number }> {
  const began = process.hrtime.bigint();
  const done = await result;
  return { result: done, wallMs: Number(process.hrtime.bigint() - began) / 1e6 };
}

/** Virtual milliseconds of each segment the target sent, from the case's start. */
export function sentTimesMs(result: CaseResult): number[] {
  return result.trace.filter((e) => e.kind === 'packet' && e.direction === 'from-target').map((e) => e.timeMs);
}

/**
 * Two minutes of virtual idleness on an established connection, then data: the connection must
 * still work, and on a virtual clock the wait must cost no real time. `thenSteps` (YAML step lines,
 * indented as steps) go on after the data is acknowledged, for a stack's own timer checks.
 */
export function idleTwoMinutesCase(stack: string, thenSteps = ''): Case {
  return inlineCase({
    id: `${stack}/idle-two-minutes`,
    title: 'An established connection idles 120 s of virtual time, then still acknowledges data at once',
    rfc9293: ['3.8.1', '3.10.7.4'],
    steps: `${passiveOpenSteps()}  - wait: 120s
  - send: { flags: PA, data: 10 }
  - expect: { flags: A, seq: 1, ack: 11 }
${thenSteps}`,
  });
}

/**
 * Runs an idle-two-minutes case and holds it to what a virtual clock promises: it passes, its trace
 * carries the two minutes (times are virtual), and the run costs less real time than `realBudgetMs`.
 * Returns the result for a stack's own checks.
 */
export async function expectIdleCostsNoRealTime(
  run: (testCase: Case) => Promise<CaseResult>,
  testCase: Case,
  realBudgetMs: number,
): Promise<CaseResult> {
  const { result, wallMs } = await timed(run(testCase));
  expect([result.verdict, result.reason]).toEqual(['pass', undefined]);
  const last = result.trace.filter((e) => e.kind === 'packet').pop();
  expect(last?.timeMs).toBeGreaterThanOrEqual(120_000);
  expect(wallMs).toBeLessThan(realBudgetMs);
  return result;
}

/**
 * TIME-WAIT must last 2×MSL from the last FIN: the application closes first, the peer's FIN is
 * acknowledged, then (with `refinAfter`) the peer retransmits its FIN, which restarts TIME-WAIT.
 * An ACK just before the end gets no answer within `quiet`; one just after it meets a reset.
 */
export function timeWaitCase(options: {
  readonly stack: string;
  readonly twoMslSeconds: number;
  /** Seconds after the first FIN at which the peer sends it again; none when absent. */
  readonly refinAfterSeconds?: number;
  readonly quiet: string;
  /** The SYN-ACK's options as the case expects them, for a stack whose MSS option is known. */
  readonly synAckOptions?: string;
}): Case {
  const { stack, twoMslSeconds, refinAfterSeconds, quiet, synAckOptions } = options;
  const restarts = refinAfterSeconds !== undefined;
  const refin = restarts
    ? `  - wait: ${refinAfterSeconds}s
  - send: { flags: FA, seq: 1 }
  - expect: { flags: A, seq: 2, ack: 2 }
`
    : '';
  return inlineCase({
    id: `${stack}/time-wait${restarts ? '-restart' : ''}`,
    title: `TIME-WAIT lasts 2×MSL${restarts ? ' counted from a retransmitted FIN' : ''}`,
    rfc9293: ['3.6', '3.10.7.4'],
    steps: `${passiveOpenSteps(synAckOptions)}  - app: close
  - expect: { flags: FA, seq: 1, ack: 1 }
  - send: { flags: A }
  - send: { flags: FA }
  - expect: { flags: A, seq: 2, ack: 2 }
${refin}  - wait: ${twoMslSeconds - 1}s
  - send: { flags: A, seq: 2 }
  - quiet: ${quiet}
  - wait: 1s
  - send: { flags: A, seq: 2 }
  - expect: { flags: R }
`,
  });
}

/** What of a result is compared across runs: everything, or what stays when a real kernel shares the path. */
export type Sameness = 'exact' | 'verdicts';

/**
 * Runs `cases` `times` times over and expects every run to give the same results: for a case `exact`,
 * the same verdicts, reasons, steps and packets at the same (virtual) times, as a virtual-clock stack
 * must; for a case `verdicts`, the same verdict, reason and outcome of each step. A run that differs
 * fails with its first difference in one line (case, step or trace event, field, both values).
 */
export async function expectIdenticalRuns(cases: readonly Case[], run: (testCase: Case) => Promise<CaseResult>, times = 5, sameness: (testCase: Case) => Sameness = () => 'exact'): Promise<void> {
  const runs: unknown[][] = [];
  for (let i = 0; i < times; i++) {
    const results: unknown[] = [];
    for (const testCase of cases) {
      const { id, verdict, reason, trace, steps } = await run(testCase);
      results.push(sameness(testCase) === 'exact' ? { id, verdict, reason, trace, steps } : { id, verdict, reason, steps: steps.map((step) => step.outcome) });
    }
    runs.push(results);
  }
  const differences = runs.slice(1).flatMap((other, i) => {
    const difference = firstDifference(runs[0], other);
    return difference ? [differenceText(difference, ['run 1', `run ${i + 2}`])] : [];
  });
  expect(differences).toEqual([]);
}
