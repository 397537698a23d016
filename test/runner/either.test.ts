/**
 * An `either` step: the target may take any branch whose reference machine agrees with what it did;
 * a target that takes none fails.
 */
import path from 'node:path';
import { loadSuites } from '../../src/cli/load-suites';
import { RFC9293_PROFILE } from '../../src/reference';
import { runCase } from '../../src/runner/run-case';
import { parseCase } from '../../src/suite/parse';
import { createReferenceTarget } from '../../src/targets/reference';

const { cases } = loadSuites([path.join(__dirname, '../../suites')]);
const MAY_2 = 'time-wait/new-syn-reopens-or-is-acknowledged';

async function run(testCase: NonNullable<ReturnType<typeof parseCase>['case']>, reopens: boolean) {
  const profile = { ...RFC9293_PROFILE, reopenFromTimeWait: reopens };
  const target = await createReferenceTarget(profile);
  try {
    // The oracle runs the RFC's own profile: which way the target goes is the target's choice.
    return await runCase(testCase, target, RFC9293_PROFILE);
  } finally {
    await target.close();
  }
}

describe('either', () => {
  test.each([
    [true, 'SA', 'branch 1'],
    [false, 'A', 'branch 2'],
  ])('a target that reopens: %s passes by the branch its answer (%s) opens', async (reopens, _, branch) => {
    const testCase = cases.find((c) => c.id === MAY_2)!;
    const result = await run(testCase, reopens);
    expect({ verdict: result.verdict, reason: result.reason }).toEqual({ verdict: 'pass', reason: undefined });
    expect(result.steps.find((s) => s.text.startsWith('either'))?.observed).toContain(branch);
    const last = result.steps[result.steps.length - 1]!;
    expect(last.text).toBe(reopens ? 'send A win 65535' : 'state TIME-WAIT');
  });

  test('a target whose answer no branch expects fails, naming them all', async () => {
    const testCase = parseCase('c.yaml', `id: time-wait/none
title: t
spec: { rfc9293: ["3.6.1"] }
level: MAY
steps:
  - app: listen
  - send: { flags: S, seq: 0 }
  - either:
      - when: { reopenFromTimeWait: true }
        steps: [{ expect: { flags: R } }]
      - steps: [{ expect: { flags: F } }]
`).case!;
    const result = await run(testCase, false);
    expect(result.verdict).toBe('fail');
    expect(result.reason).toBe('c.yaml:8: expected one of: R | F within 1s, but the target sent none of them');
  });
});
