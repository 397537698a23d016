/**
 * Holds a segment the target sent against what a case expects of it, field by field, and names every
 * field that differs (gVisor's checkers and packetdrill's `check_field`, in spirit): a failure says
 * "ack: expected 101, observed 1", never just "mismatch".
 */
import { formatFlags, parseFlags, type TcpOption, type TcpSegment } from '../wire';
import type { OptionExpectation, Range, SegmentMatch } from '../suite/case';
import type { Mismatch } from './result';
import type { Numbering } from './numbering';
import { rangeText } from './summary';

const inRange = (value: number, range: Range): boolean => value >= range.min && value <= range.max;

function findOption<K extends TcpOption['kind']>(options: readonly TcpOption[], kind: K) {
  return options.find((o): o is Extract<TcpOption, { kind: K }> => o.kind === kind);
}

function checkValuedOption(
  name: string,
  expected: Range | 'present' | 'absent',
  observed: number | undefined,
): Mismatch | undefined {
  const observedText = observed === undefined ? 'absent' : String(observed);
  if (expected === 'present') return observed === undefined ? { field: name, expected: 'present', observed: observedText } : undefined;
  if (expected === 'absent') return observed !== undefined ? { field: name, expected: 'absent', observed: observedText } : undefined;
  return observed === undefined || !inRange(observed, expected)
    ? { field: name, expected: rangeText(expected), observed: observedText }
    : undefined;
}

function checkPresence(name: string, expected: 'present' | 'absent', present: boolean): Mismatch | undefined {
  return (expected === 'present') === present ? undefined : { field: name, expected, observed: present ? 'present' : 'absent' };
}

function checkOption(expectation: OptionExpectation, options: readonly TcpOption[]): Mismatch | undefined {
  switch (expectation.kind) {
    case 'mss': return checkValuedOption('option mss', expectation.mss, findOption(options, 'mss')?.mss);
    case 'wscale': return checkValuedOption('option wscale', expectation.shift, findOption(options, 'wscale')?.shift);
    case 'sack-permitted': return checkPresence('option sackOK', expectation.presence, findOption(options, 'sack-permitted') !== undefined);
    case 'timestamps': return checkPresence('option ts', expectation.presence, findOption(options, 'timestamps') !== undefined);
  }
}

/** Every way `segment` departs from `match`; empty when it matches. */
export function mismatches(match: SegmentMatch, segment: TcpSegment, numbering: Numbering): Mismatch[] {
  const found: Mismatch[] = [];
  const expectedFlags = parseFlags(match.flags);
  if (segment.flags !== expectedFlags) {
    found.push({ field: 'flags', expected: formatFlags(expectedFlags), observed: formatFlags(segment.flags) });
  }
  if (match.seq !== undefined) {
    const seq = numbering.targetRelative(segment.seq);
    if (seq !== match.seq) found.push({ field: 'seq', expected: String(match.seq), observed: String(seq) });
  }
  if (match.ack !== undefined) {
    const ack = numbering.peerRelative(segment.ack);
    if (ack !== match.ack) found.push({ field: 'ack', expected: String(match.ack), observed: String(ack) });
  }
  if (match.window && !inRange(segment.window, match.window)) {
    found.push({ field: 'win', expected: rangeText(match.window), observed: String(segment.window) });
  }
  if (match.length && !inRange(segment.payload.length, match.length)) {
    found.push({ field: 'len', expected: rangeText(match.length), observed: String(segment.payload.length) });
  }
  if (match.urgentPointer !== undefined && segment.urgentPointer !== match.urgentPointer) {
    found.push({ field: 'urg', expected: String(match.urgentPointer), observed: String(segment.urgentPointer) });
  }
  for (const expectation of match.options) {
    const mismatch = checkOption(expectation, segment.options);
    if (mismatch) found.push(mismatch);
  }
  return found;
}
