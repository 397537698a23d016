/**
 * What IP says of a captured datagram reaches check's oracle as it reaches the live one: a SYN from the
 * network's broadcast address is ignored once check knows that address (MUST-63), a datagram to it is
 * no endpoint's, and the answer a target sends back by a source route (MUST-53) belongs to the
 * conversation it answers.
 */
import { checkCapture } from '../../src/check/check-capture';
import { findDriver } from '../../src/cli/drivers';
import { loadSuites } from '../../src/cli/load-suites';
import { loadProfile } from '../../src/cli/load-profiles';
import { casePcap } from '../../src/report/pcap';
import type { CaseResult } from '../../src/runner/result';
import { runSuite } from '../../src/runner/run-suite';

const ids = ['addresses/syn-from-broadcast-source-ignored', 'addresses/syn-to-broadcast-dropped', 'addresses/source-route-reversed'];
const cases = loadSuites(['suites/addresses']).cases.filter((c) => ids.includes(c.id));
let results: CaseResult[];

beforeAll(async () => {
  results = await runSuite(cases, [findDriver('reference')], [], { jobs: 1 });
});

async function verdicts(id: string, broadcast?: string) {
  const live = results.find((r) => r.id === id)!;
  expect(live.verdict).toBe('pass');
  const outcome = checkCapture(casePcap(live), { profile: loadProfile('reference').profile, side: 'both', endpoint: { address: '198.18.0.1' }, capturedForMs: live.durationMs, ...(broadcast && { broadcast }) });
  return outcome.conversations.map((c) => `${c.conversation.name}: ${c.judgments.map((j) => j.verdict).join(',')}`);
}

test('a SYN from the broadcast address is ignored where check knows it, and owed a RST where it does not', async () => {
  expect(await verdicts('addresses/syn-from-broadcast-source-ignored', '198.18.0.255')).toEqual([expect.stringMatching(/^198\.18\.0\.255:\d+ ↔ 198\.18\.0\.1:\d+: pass$/), expect.stringMatching(/^198\.18\.0\.2:\d+ ↔ 198\.18\.0\.1:\d+: pass$/)]);
  expect((await verdicts('addresses/syn-from-broadcast-source-ignored'))[0]).toMatch(/: inconclusive$/);
});

test('a broadcast address is judged as no endpoint', async () => {
  const outcome = checkCapture(casePcap(results.find((r) => r.id === 'addresses/syn-to-broadcast-dropped')!), { profile: loadProfile('reference').profile, side: 'both', broadcast: '198.18.0.255' });
  expect(outcome.conversations.flatMap((c) => c.judgments.map((j) => j.endpoint.address))).not.toContain('198.18.0.255');
});

test('the answer sent back by a source route is one conversation with the source-routed SYN', async () => {
  expect(await verdicts('addresses/source-route-reversed')).toEqual([expect.stringMatching(/^198\.18\.0\.2:\d+ ↔ 198\.18\.0\.1:\d+: pass$/)]);
});
