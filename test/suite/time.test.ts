import { parseTime, timeMs, type TimeExpr } from '../../src/suite/time';

const values = { msl: 30_000, initialRto: 1000, minRto: 200, maxRto: 120_000, maxAckDelay: 200, userTimeout: 924_000, synUserTimeout: 127_000, keepAliveIdle: 7_200_000, keepAliveInterval: 75_000 };
const ms = (text: string): number => timeMs(parseTime(text) as TimeExpr, values);

test.each([
  ['500ms', 500],
  ['1.5s', 1500],
  ['2min', 120_000],
  ['msl', 30_000],
  ['2*msl', 60_000],
  ['2*msl - 1s', 59_000],
  ['2 * msl + 500ms', 60_500],
  ['1.5*initialRto + maxAckDelay', 1700],
  ['initialRto - initialRto', 0],
])('%s is %d ms under the profile', (text, expected) => {
  expect(ms(text)).toBe(expected);
});

test.each(['', '2*', 'msll', '2*msl +', '1h', '-1s'])('%j is refused with a sentence', (text) => {
  expect(typeof parseTime(text)).toBe('string');
});
