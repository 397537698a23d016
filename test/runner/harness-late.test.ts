/**
 * A failure seen while the harness was late is not trusted: the case runs again on a fresh target; a
 * failure repeated (word for word, but for the times measured) is the target's, and failures that keep
 * changing end after three runs as an error, never as a finding (run-suite.ts, lateness.ts).
 *
 * The harness is made late the way a loaded machine makes it: time passes between the moment the harness
 * decides to make an application call and the call reaching the target, the local kernel's timers
 * running meanwhile. Only a real clock runs while the harness works, so the target is the linux one.
 */
import { findDriver } from '../../src/cli/drivers';
import { parseCase } from '../../src/suite/parse';
import { runSuite, type TargetDriver } from '../../src/runner/run-suite';
import type { RunFamily } from '../../src/targets/family';
import type { CaseResult } from '../../src/runner/result';

const CASE = parseCase(
  'late.yaml',
  `id: window/data-goes-out-at-the-write
title: Data written goes out at once
spec: { rfc9293: ["3.8.6"] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - app: { write: 100 }
  - expect: { flags: PA, seq: 1, len: 100, within: 300ms }
  - send: { flags: A }
  - app: { write: 100 }
  - expect: { flags: PA, seq: 101, len: 100, within: 300ms }
`,
).case!;

/**
 * The linux driver, its targets' `write` calls made `lateMs` late where `lateAt` says, by the run
 * (1-based) and the write (1 or 2).
 */
function lateDriver(lateMs: number, lateAt: (run: number, write: number) => boolean): TargetDriver & { runs: number } {
  const linux = findDriver('linux');
  const driver = {
    ...linux,
    runs: 0,
    async create(family: RunFamily) {
      const target = await linux.create(family);
      const run = ++driver.runs;
      let writes = 0;
      const app = target.app.bind(target);
      target.app = async (call) => {
        if (call.call === 'write' && lateAt(run, ++writes)) await target.sleep(lateMs);
        return app(call);
      };
      return target;
    },
  };
  return driver;
}

async function runWith(driver: TargetDriver): Promise<CaseResult> {
  const [result] = await runSuite([CASE], [driver], [], { jobs: 1 });
  return result!;
}

test('a case that fails with the harness late runs again, and the run on time counts', async () => {
  const driver = lateDriver(600, (run, write) => run === 1 && write === 1);
  const result = await runWith(driver);
  expect(driver.runs).toBe(2);
  expect(result.verdict).toBe('pass');
  expect(result.earlierRuns).toEqual([
    {
      reason: expect.stringMatching(/^late\.yaml:\d+: /),
      harnessLate: { ms: expect.any(Number), what: 'waiting for the answer to the application call write', at: expect.stringMatching(/^late\.yaml:\d+$/) },
    },
  ]);
  expect(result.earlierRuns![0]!.harnessLate.ms).toBeGreaterThanOrEqual(600);
});

test('a late failure the next run repeats word for word is the target\'s: a fail after two runs', async () => {
  const driver = lateDriver(600, (_run, write) => write === 1);
  const result = await runWith(driver);
  expect(driver.runs).toBe(2);
  expect(result.verdict).toBe('fail');
  expect(result.divergence).toBeDefined();
  expect(result.earlierRuns).toEqual([{ reason: result.reason, harnessLate: expect.objectContaining({ what: 'waiting for the answer to the application call write' }) }]);
});

test('a late failure the next run repeats but for when the target\'s segment came is the target\'s too', async () => {
  // The data goes out at the write, into a step that wants quiet: the same failure every run, at a time that moves by microseconds.
  const quiet = parseCase('quiet.yaml', `id: window/quiet-after-write\ntitle: Nothing after a write\nspec: { rfc9293: ["3.8.6"] }\nlevel: MUST\nsteps:\n  - app: listen\n  - send: { flags: S, options: [{ mss: 1460 }] }\n  - expect: { flags: SA, ack: 1 }\n  - send: { flags: A }\n  - app: { write: 100 }\n  - quiet: 1s\n`).case!;
  const driver = lateDriver(600, (_run, write) => write === 1);
  const [result] = await runSuite([quiet], [driver], [], { jobs: 1 });
  expect(driver.runs).toBe(2);
  expect(result!.verdict).toBe('fail');
  const untimed = (reason: string) => reason.replace(/\d+(\.\d+)?m?s\b/g, 'T');
  expect(result!.reason).toMatch(/^quiet\.yaml:\d+: expected no segment for 1s, but the target sent /);
  expect(result!.earlierRuns?.map((run) => untimed(run.reason))).toEqual([untimed(result!.reason!)]);
});

test('late failures that keep changing end, after three runs, as an error that says the harness could not keep time', async () => {
  // The first write late in odd runs, the second in even ones: each run fails at another step than the last.
  const driver = lateDriver(600, (run, write) => write === (run % 2 === 1 ? 1 : 2));
  const result = await runWith(driver);
  expect(driver.runs).toBe(3);
  expect(result.verdict).toBe('error');
  expect(result.divergence).toBeUndefined();
  expect(result.reason).toMatch(/^the harness could not keep the case's timing in 3 runs, each failing differently \(the last: 6\d\d(\.\d+)? ms late waiting for the answer to the application call write at late\.yaml:\d+\); it failed then with late\.yaml:\d+: /);
  expect(result.earlierRuns?.map((run) => run.reason.split(':')[1])).toEqual([expect.any(String), expect.any(String)]);
  expect(result.earlierRuns![0]!.reason).not.toBe(result.earlierRuns![1]!.reason);
});

test('a case that passes with the harness late runs once, and says how late the harness was', async () => {
  // 50 ms late: the data goes out 50 ms after the call was meant, well within the step's 300 ms.
  const driver = lateDriver(50, () => true);
  const result = await runWith(driver);
  expect(driver.runs).toBe(1);
  expect(result.verdict).toBe('pass');
  expect(result.harnessLate?.ms).toBeGreaterThanOrEqual(50);
});

test('a failure on time is the target\'s: it runs once', async () => {
  const driver = lateDriver(0, () => false);
  // A target nobody asked to open sends nothing; the peer does nothing either, so it cannot be late.
  const failing = parseCase('on-time.yaml', `id: window/wrong\ntitle: Expects what never comes\nspec: { rfc9293: ["3.8.6"] }\nlevel: MUST\nsteps:\n  - expect: { flags: S, within: 100ms }\n`).case!;
  const [result] = await runSuite([failing], [driver], [], { jobs: 1 });
  expect(driver.runs).toBe(1);
  expect(result!.verdict).toBe('fail');
  expect(result!.earlierRuns).toBeUndefined();
});
