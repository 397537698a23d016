/**
 * Every case in suites/ passes on the reference target (issue 3: "Every case in suites/ passes on it").
 * A case written for other profile values (`when: { rfc5961Rst: false }`, RFC 793's resets) runs on
 * the reference machine with those values, as `tcpconform validate` checks it.
 */
import path from 'node:path';
import { loadSuites } from '../../src/cli/load-suites';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';
import { RFC9293_PROFILE } from '../../src/reference';
import { meeting } from '../../src/suite/when';

const { cases, problems } = loadSuites([path.join(__dirname, '../../suites')]);

test('the suites load', () => {
  expect(problems).toEqual([]);
  expect(cases.length).toBeGreaterThan(0);
});

test.each(cases.map((c) => [c.id, c] as const))('%s passes on the reference target', async (_, testCase) => {
  const profile = meeting(testCase.when, RFC9293_PROFILE);
  const target = await createReferenceTarget(profile);
  const result = await runCase(testCase, target, profile);
  await target.close();
  expect({ verdict: result.verdict, reason: result.reason }).toEqual({ verdict: 'pass', reason: undefined });
});
