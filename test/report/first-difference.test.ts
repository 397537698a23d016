import { differenceText, firstDifference } from '../../src/report/first-difference';

const packet = (flags: string, hex: string) => ({ kind: 'packet', timeMs: 1.5, direction: 'from-target', hex, segment: { flags, seq: 1, ack: 1 } });
const result = (id: string, flags: string) => ({
  id,
  target: 'lwip',
  verdict: 'pass',
  steps: [{ index: 0, line: 7, text: 'expect SA ack 1', outcome: 'pass' }],
  trace: [{ kind: 'app-call', timeMs: 0, call: { call: 'listen' } }, packet('S', '45'), packet(flags, '46')],
});

test('equal values have no difference', () => {
  expect(firstDifference([result('a/b', 'A')], [result('a/b', 'A')])).toBeUndefined();
});

test('a changed flag is named by case, trace event and field, before the bytes that carry it', () => {
  const difference = firstDifference([result('a/b', 'A'), result('a/c', 'A')], [result('a/b', 'A'), result('a/c', 'FA')]);
  expect(difference).toEqual({ where: 'case a/c › trace 2 (packet from-target) › segment.flags', first: 'A', second: 'FA' });
  expect(differenceText(difference!, ['run 1', 'run 3'])).toBe('case a/c › trace 2 (packet from-target) › segment.flags: "A" in run 1, "FA" in run 3');
});

test('a verdict that moved is reported before any trace difference of the same case', () => {
  const moved = { ...result('a/b', 'FA'), verdict: 'fail' };
  expect(firstDifference([result('a/b', 'A')], [moved])?.where).toBe('case a/b › verdict');
});

test('a missing element, a missing field and a long value are each said in one line', () => {
  expect(firstDifference([1, 2], [1, 2, 3])).toEqual({ where: 'length', first: 2, second: 3 });
  const text = differenceText(firstDifference({ a: 'x'.repeat(300) }, { b: 1 })!);
  expect(text).toMatch(/^a: "x{100,}\.\.\. in the first, absent in the second$/);
  expect(text.length).toBeLessThan(200);
  expect(firstDifference({ steps: [{ index: 0, line: 7, text: 'quiet 1s', outcome: 'pass' }] }, { steps: [{ index: 0, line: 7, text: 'quiet 1s', outcome: 'fail' }] })?.where).toBe('step 0 (line 7: quiet 1s) › outcome');
});
