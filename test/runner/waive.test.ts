import type { TargetProfile } from '../../src/profile/parse';
import { RFC9293_PROFILE } from '../../src/reference';
import type { CaseResult } from '../../src/runner/result';
import { waive } from '../../src/runner/waive';

const profile = (allows: TargetProfile['deviations'][number]['allows']): TargetProfile => ({
  name: 'kernel',
  file: 'profiles/kernel.yaml',
  title: 'a kernel',
  profile: RFC9293_PROFILE,
  parameters: {} as TargetProfile['parameters'],
  departures: [],
  deviations: [{ cases: 'handshake/syn-*', reason: 'flat SYN backoff', source: 'tcp_timer.c', allows }],
});

/** A failed SYN backoff case whose first divergence is at step 3, `expect S seq 0 after 2s`. */
function failed(observed: string, field: string): CaseResult {
  return {
    id: 'handshake/syn-backoff',
    title: 'SYN backoff',
    area: 'handshake',
    level: 'MUST',
    spec: { rfc9293: ['3.8.1'], requirements: ['MUST-22'] },
    tags: [],
    file: 'suites/handshake/syn-backoff.yaml',
    target: 'linux',
    verdict: 'fail',
    reason: 'suites/handshake/syn-backoff.yaml:20: the failure',
    divergence: { step: 3, file: 'suites/handshake/syn-backoff.yaml', line: 20, expected: 'S seq 0 after 2s', observed, mismatches: field === '' ? [] : [{ field, expected: '>= 2s', observed: '1.024s' }] },
    startedAt: 0,
    durationMs: 3000,
    steps: [
      ...[0, 1, 2].map((index) => ({ index, line: 10 + index, text: 'app connect', outcome: 'pass' as const })),
      { index: 3, line: 20, text: 'expect S seq 0 after 2s within 4s', outcome: 'fail' as const },
    ],
    trace: [],
  };
}

const FLAT_BACKOFF = [{ step: 'expect S seq 0 after *', field: 'time', observed: 'S seq 0 * after *' }];

test('the failure the deviation declares is waived, with the reason and what it allows', () => {
  const result = waive(failed('S seq 0 ack 0 win 64240 len 0 after 1.024s', 'time'), profile(FLAT_BACKOFF));
  expect(result.verdict).toBe('waived');
  expect(result.waiver).toEqual({ profile: 'profiles/kernel.yaml', reason: 'flat SYN backoff', source: 'tcp_timer.c', allows: ["a 'time' mismatch at 'expect S seq 0 after *' observing 'S seq 0 * after *'"] });
  expect(result.reason).toBe("waived by profiles/kernel.yaml: flat SYN backoff; it allows a 'time' mismatch at 'expect S seq 0 after *' observing 'S seq 0 * after *' (the failure: suites/handshake/syn-backoff.yaml:20: the failure)");
});

test('a covered case that fails another way (the target gave up: nothing) fails, naming the allowance and the failure', () => {
  const result = waive(failed('nothing', ''), profile(FLAT_BACKOFF));
  expect(result.verdict).toBe('fail');
  expect(result.waiver).toBeUndefined();
  expect(result.reason).toBe(
    "suites/handshake/syn-backoff.yaml:20: the failure — and profiles/kernel.yaml waives this case only for a 'time' mismatch at 'expect S seq 0 after *' observing 'S seq 0 * after *' (flat SYN backoff), not for 'expect S seq 0 after 2s within 4s' (suites/handshake/syn-backoff.yaml:20) observed 'nothing'",
  );
});

test('each part of an allowance must hold: the step, the field and what was observed', () => {
  const observed = 'S seq 0 ack 0 win 64240 len 0 after 1.024s';
  expect(waive(failed(observed, 'time'), profile([{ step: 'quiet *' }])).verdict).toBe('fail');
  expect(waive(failed(observed, 'ack'), profile([{ field: 'time' }])).verdict).toBe('fail');
  expect(waive(failed(observed, 'time'), profile([{ observed: 'RA *' }])).verdict).toBe('fail');
  // Any one of several allowances is enough; regular-expression characters in a pattern are literal.
  expect(waive(failed(observed, 'time'), profile([{ observed: 'RA *' }, { field: 'time' }])).verdict).toBe('waived');
  expect(waive(failed('S seq 0 (x)', 'time'), profile([{ observed: 'S seq 0 (x)' }])).verdict).toBe('waived');
  expect(waive(failed('S seq 0 ax', 'time'), profile([{ observed: 'S seq 0 (x)' }])).verdict).toBe('fail');
});

test('a case no deviation covers, and a case that passed, are left as they are', () => {
  const other = { ...failed('nothing', ''), id: 'close/passive-close' };
  expect(waive(other, profile(FLAT_BACKOFF))).toBe(other);
  const passed = { ...failed('nothing', ''), verdict: 'pass' as const };
  expect(waive(passed, profile(FLAT_BACKOFF))).toBe(passed);
});
