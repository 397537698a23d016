/**
 * congestion/window-cut-after-fast-recovery can fail: on the reference machine as it is, it passes; on a
 * machine whose ACK of new data ends fast recovery without deflating cwnd to ssthresh (RFC 5681 §3.2
 * step 6 left out, the window the duplicate ACKs inflated kept), the oracle's congestion bound fails it,
 * naming RFC 5681 §3.2. The change is made to the module both the target and the oracle's own machine
 * load, so that nothing but the bound on what is in flight can tell.
 */
import type * as Congestion from '../../src/reference/congestion';
import type * as LoadSuites from '../../src/cli/load-suites';
import type * as ReferenceProfile from '../../src/reference';
import type * as RunCase from '../../src/runner/run-case';
import type * as Reference from '../../src/targets/reference';
import type { CaseResult } from '../../src/runner/result';

const CASE = 'congestion/window-cut-after-fast-recovery';

async function run(neverDeflating: boolean): Promise<CaseResult> {
  let result: CaseResult | undefined;
  await jest.isolateModulesAsync(async () => {
    if (neverDeflating) {
      jest.doMock('../../src/reference/congestion', () => {
        const actual = jest.requireActual<typeof Congestion>('../../src/reference/congestion');
        return {
          ...actual,
          onNewDataAcked: (m: Parameters<typeof actual.onNewDataAcked>[0], octets: number) => {
            const cc = m.tcb.cc;
            if (!cc.recovering) return actual.onNewDataAcked(m, octets);
            // Recovery ends, but cwnd stays where the duplicate ACKs inflated it.
            const inflated = cc.cwnd;
            actual.onNewDataAcked(m, octets);
            cc.cwnd = inflated;
          },
        };
      });
    }
    const { loadSuites } = require('../../src/cli/load-suites') as typeof LoadSuites;
    const { runCase } = require('../../src/runner/run-case') as typeof RunCase;
    const { createReferenceTarget } = require('../../src/targets/reference') as typeof Reference;
    const { RFC9293_PROFILE } = require('../../src/reference') as typeof ReferenceProfile;
    const testCase = loadSuites(['suites']).cases.find((c) => c.id === CASE);
    if (!testCase) throw new Error(`${CASE} is not in suites/`);
    const target = await createReferenceTarget(RFC9293_PROFILE);
    try {
      result = await runCase(testCase, target, RFC9293_PROFILE);
    } finally {
      await target.close();
    }
  });
  return result as CaseResult;
}

test('the case passes on the reference machine', async () => {
  expect((await run(false)).verdict).toBe('pass');
});

test('a window left inflated after recovery fails it, naming RFC 5681 §3.2 and the bound', async () => {
  const result = await run(true);
  expect(result.verdict).toBe('fail');
  expect(result.reason).toMatch(/RFC 5681 §3\.2: the target sent \d+ octets in flight after the ACK that ended fast recovery, more than cwnd = ssthresh allows \(2500/);
});
