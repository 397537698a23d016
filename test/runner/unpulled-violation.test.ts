/**
 * A segment the oracle finds a violation in is never lost, even when no later step pulls it: what the
 * target sent after an `expect` matched is taken into the inbox unread, and the last step's settle must
 * still report it. The target is the reference machine; the oracle is given one seeded rule (as mutation
 * tests seed the machine) that the target's second data segment of three breaks. The third meets what
 * the machine obliges, so nothing else made the runner wait for (and read) the target again.
 */
import type { CaseResult } from '../../src/runner/result';
import type * as CongestionRules from '../../src/runner/oracle/congestion-rules';
import type * as Parse from '../../src/suite/parse';
import type * as RunCase from '../../src/runner/run-case';
import type * as Reference from '../../src/targets/reference';
import type * as ReferenceProfile from '../../src/reference';

const CASE = `id: window/example
title: An example
spec: { rfc9293: ["3.8.6"] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - app: { write: 4380 }
  - expect: { flags: A|PA, seq: 1 }
  - send: { flags: A }
`;

async function run(seeded: boolean): Promise<CaseResult> {
  let result: CaseResult | undefined;
  await jest.isolateModulesAsync(async () => {
    if (seeded) {
      jest.doMock('../../src/runner/oracle/congestion-rules', () => {
        const actual = jest.requireActual<typeof CongestionRules>('../../src/runner/oracle/congestion-rules');
        class Seeded extends actual.CongestionWatch {
          private dataSegments = 0;
          override targetSent(...args: Parameters<CongestionRules.CongestionWatch['targetSent']>) {
            if (args[0].payload.length > 0 && ++this.dataSegments === 2) return { rule: 'seeded', expected: 'a seeded violation', message: 'the second data segment' };
            return super.targetSent(...args);
          }
        }
        return { ...actual, CongestionWatch: Seeded };
      });
    }
    const { parseCase } = require('../../src/suite/parse') as typeof Parse;
    const { runCase } = require('../../src/runner/run-case') as typeof RunCase;
    const { createReferenceTarget } = require('../../src/targets/reference') as typeof Reference;
    const { RFC9293_PROFILE } = require('../../src/reference') as typeof ReferenceProfile;
    const profile = { ...RFC9293_PROFILE, mss: 1460 };
    result = await runCase(parseCase('case.yaml', CASE).case!, await createReferenceTarget(profile), profile);
  });
  return result as CaseResult;
}

test('without the seeded rule the case passes', async () => {
  expect((await run(false)).verdict).toBe('pass');
});

test('a violation in a segment the last send took in unread fails the case at that step', async () => {
  const result = await run(true);
  expect(result.verdict).toBe('fail');
  expect(result.reason).toBe('case.yaml:12: seeded: the target sent the second data segment');
});
