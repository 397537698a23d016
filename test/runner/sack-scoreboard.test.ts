/**
 * sack/sacked-data-not-sent-again can fail: run on the reference machine as it is, it passes; run on a
 * copy whose fast retransmission goes out at 2001, inside the block 2001-3001 the peer has SACKed, instead
 * of at the hole at 501, the oracle fails it with RFC 6675 §4, however the segment matches the steps.
 */
import { loadSuites } from '../../src/cli/load-suites';
import { RFC9293_PROFILE } from '../../src/reference';
import type { Mutation } from '../../src/reference/mutation';
import { runCase } from '../../src/runner/run-case';
import { ReferenceTarget } from '../../src/targets/reference';

const CASE = 'sack/sacked-data-not-sent-again';

/** Sends the segment at 2001 (SACKed by then) where the fast retransmission of the octets at 501 should go. */
function resendingSackedData(): Mutation {
  const sent = new Map<number, Uint8Array>();
  let firstData: number | undefined;
  return {
    emitting(_form, segment) {
      if (segment.payload.length === 0) return segment;
      firstData ??= segment.seq;
      const again = sent.has(segment.seq);
      sent.set(segment.seq, segment.payload);
      const sacked = sent.get(firstData + 2000);
      return again && segment.seq - firstData === 500 && sacked ? { ...segment, seq: firstData + 2000, payload: sacked } : segment;
    },
  };
}

async function run(mutation: Mutation | undefined) {
  const testCase = loadSuites(['suites']).cases.find((c) => c.id === CASE);
  if (!testCase) throw new Error(`${CASE} is not in suites/`);
  const target = new ReferenceTarget(RFC9293_PROFILE, mutation);
  try {
    return await runCase(testCase, target, RFC9293_PROFILE);
  } finally {
    await target.close();
  }
}

test('the case passes on the reference machine', async () => {
  expect((await run(undefined)).verdict).toBe('pass');
});

test('a fast retransmission of SACKed data fails it, naming RFC 6675 §4 and the block', async () => {
  const result = await run(resendingSackedData());
  expect(result.verdict).toBe('fail');
  expect(result.reason).toMatch(/RFC 6675 §4/);
  expect(result.reason).toMatch(/octets 2001:2501 sent again, all of them inside the peer's SACK block 2001:3001/);
});
