/**
 * The suite and the oracle check each other: one branch of the reference machine changed — its
 * acceptability test (RFC 9293 §3.4) made to accept every RST, so that an out-of-window RST closes the
 * connection — makes a case fail on the real Linux kernel, which rightly ignores such a RST. Without
 * the change, the same case passes. The machine runs Linux's profile with RFC 5961 off, so an accepted
 * RST resets (RFC 793's rule) rather than drawing a challenge ACK.
 */
import type { CaseResult } from '../../src/runner/result';
import type * as Acceptable from '../../src/reference/acceptable';
import type * as LoadSuites from '../../src/cli/load-suites';
import type * as LoadProfiles from '../../src/cli/load-profiles';
import type * as RunCase from '../../src/runner/run-case';
import type * as Linux from '../../src/targets/linux';

const CASE = 'rst/out-of-window-ignored';

async function runOnLinux(mutate: boolean): Promise<CaseResult> {
  let result: CaseResult | undefined;
  await jest.isolateModulesAsync(async () => {
    if (mutate) {
      jest.doMock('../../src/reference/acceptable', () => {
        const actual = jest.requireActual<typeof Acceptable>('../../src/reference/acceptable');
        // The mutation: every RST passes the first check of RFC 9293 §3.10.7.4.
        return { ...actual, acceptable: (seg: Parameters<typeof actual.acceptable>[0], rcvNxt: number, rcvWnd: number) => (seg.flags & 0x04 ? true : actual.acceptable(seg, rcvNxt, rcvWnd)) };
      });
    }
    // Required inside the isolated registry, so the runner's reference machine sees the mutation.
    const { loadSuites } = require('../../src/cli/load-suites') as typeof LoadSuites;
    const { loadProfile } = require('../../src/cli/load-profiles') as typeof LoadProfiles;
    const { runCase } = require('../../src/runner/run-case') as typeof RunCase;
    const { createLinuxTarget } = require('../../src/targets/linux') as typeof Linux;
    const testCase = loadSuites(['suites']).cases.find((c) => c.id === CASE);
    if (!testCase) throw new Error(`${CASE} is not in suites/`);
    const target = await createLinuxTarget();
    try {
      result = await runCase(testCase, target, { ...loadProfile('linux').profile, rfc5961Rst: false, rfc5961Syn: false, rfc5961Ack: false });
    } finally {
      await target.close();
    }
  });
  return result as CaseResult;
}

test('the case passes on Linux with the reference machine as it is', async () => {
  expect((await runOnLinux(false)).verdict).toBe('pass');
});

test('with one branch of the reference machine changed, the same case fails on Linux and says why', async () => {
  const result = await runOnLinux(true);
  expect(result.verdict).toBe('fail');
  // The mutated machine closed on the RST, so the kernel's ACK of the data that follows diverges from it.
  expect(result.reason).toMatch(/the target sent an ACK, which the reference machine does not send in CLOSED/);
});
