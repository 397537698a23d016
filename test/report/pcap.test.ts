/** Captures rebuilt from a result's trace: each packet at its start plus its offset, to the nanosecond the double holds. */
import { casePcap } from '../../src/report/pcap';
import type { CaseResult } from '../../src/runner/result';
import { CaptureReader } from '../../src/wire';

const PACKET = '4500002800004000400600000a0000010a000002';

function result(startedAt: number, timesMs: number[]): CaseResult {
  const trace = timesMs.map((timeMs) => ({ kind: 'packet', timeMs, direction: 'to-target', hex: PACKET, reference: 'LISTEN' }));
  return { startedAt, trace } as unknown as CaseResult;
}

function times(bytes: Uint8Array): string[] {
  const reader = new CaptureReader(bytes);
  const out: string[] = [];
  for (let record = reader.next(); record; record = reader.next()) out.push(`${record.seconds}.${String(record.nanoseconds).padStart(9, '0')}`);
  return out;
}

test('a start in whole milliseconds, as a live run records it', () => {
  expect(times(casePcap(result(1_700_000_000_123, [0, 1.5])))).toEqual(['1700000000.123000000', '1700000000.124500000']);
});

test('a start with a fraction of a millisecond, as a capture gives tcpconform check, keeps it', () => {
  expect(times(casePcap(result(1_700_000_000_123.25, [0, 2])))).toEqual(['1700000000.123250000', '1700000000.125250000']);
});
