/**
 * Every case in suites/ passes on the reference target (issue 3: "Every case in suites/ passes on it").
 */
import path from 'node:path';
import { loadSuites } from '../../src/cli/load-suites';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';

const { cases, problems } = loadSuites([path.join(__dirname, '../../suites')]);

test('the suites load', () => {
  expect(problems).toEqual([]);
  expect(cases.length).toBeGreaterThan(0);
});

test.each(cases.map((c) => [c.id, c] as const))('%s passes on the reference target', async (_, testCase) => {
  const target = await createReferenceTarget();
  const result = await runCase(testCase, target);
  await target.close();
  expect({ verdict: result.verdict, reason: result.reason }).toEqual({ verdict: 'pass', reason: undefined });
});
