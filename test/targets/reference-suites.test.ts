/**
 * Every case in suites/ passes on the reference target (issue 3: "Every case in suites/ passes on it"),
 * in each family it runs in (issue 17). A case written for other profile values (`when: { rfc5961Rst:
 * false }`, RFC 793's resets) runs on the reference machine with those values, as `tcpconform validate`
 * checks it.
 */
import path from 'node:path';
import { loadSuites } from '../../src/cli/load-suites';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';
import { RFC9293_PROFILE } from '../../src/reference';
import { meeting } from '../../src/suite/when';
import { profileIn, runsIn } from '../../src/runner/families';

const { cases, problems } = loadSuites([path.join(__dirname, '../../suites')]);

test('the suites load', () => {
  expect(problems).toEqual([]);
  expect(cases.length).toBeGreaterThan(0);
});

const runs = cases.flatMap((c) => (['ipv4', 'ipv6'] as const).filter((family) => runsIn(c, family)).map((family) => [c.id, family, c] as const));

test.each(runs)('%s passes on the reference target over %s', async (_, family, testCase) => {
  const profile = meeting(testCase.when, profileIn(RFC9293_PROFILE, family));
  const target = await createReferenceTarget(profile, family);
  const result = await runCase(testCase, target, profile);
  await target.close();
  expect({ verdict: result.verdict, reason: result.reason }).toEqual({ verdict: 'pass', reason: undefined });
});
