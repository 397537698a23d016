/**
 * Holds a segment the target sent against what a case expects of it, field by field, and names every
 * field that differs (gVisor's checkers and packetdrill's `check_field`, in spirit): a failure says
 * "ack: expected 101, observed 1", never just "mismatch".
 */
import { formatFlags, parseFlags, type IpHeader, type TcpOption, type TcpSegment } from '../wire';
import type { IpMatch, OptionExpectation, Range, SegmentMatch } from '../suite/case';
import type { Mismatch } from './result';
import type { Numbering } from './numbering';
import { rangeText, sackText } from './summary';

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

function checkOption(expectation: OptionExpectation, options: readonly TcpOption[], numbering: Numbering): Mismatch | undefined {
  switch (expectation.kind) {
    case 'mss': return checkValuedOption('option mss', expectation.mss, findOption(options, 'mss')?.mss);
    case 'wscale': return checkValuedOption('option wscale', expectation.shift, findOption(options, 'wscale')?.shift);
    case 'sack-permitted': return checkPresence('option sackOK', expectation.presence, findOption(options, 'sack-permitted') !== undefined);
    case 'timestamps': return checkPresence('option ts', expectation.presence, findOption(options, 'timestamps') !== undefined);
    case 'tsecr': return checkValuedOption('option tsecr', { min: expectation.tsecr, max: expectation.tsecr }, findOption(options, 'timestamps')?.tsecr);
    case 'sack': return checkSack(expectation.blocks, findOption(options, 'sack'), numbering);
  }
}

/** SACK blocks as the case writes them: in order, each relative to the peer's ISN (RFC 2018 §4's order is the point). */
function checkSack(expected: readonly (readonly [number, number])[] | 'present' | 'absent', option: Extract<TcpOption, { kind: 'sack' }> | undefined, numbering: Numbering): Mismatch | undefined {
  if (typeof expected === 'string') return checkPresence('option sack', expected, option !== undefined);
  const observed = option === undefined ? 'absent' : sackText(option.blocks.map((b) => [numbering.peerRelative(b.left), numbering.peerRelative(b.right)] as const));
  const wanted = sackText(expected);
  return observed === wanted ? undefined : { field: 'option sack', expected: wanted, observed };
}

/** The source route a datagram follows: its destination, then the addresses its route option still lists. */
function sourceRouteOf(ip: IpHeader): string[] | undefined {
  if (ip.version !== 4) return undefined;
  const option = (ip.options ?? []).find((o) => o.kind === 'lsrr' || o.kind === 'ssrr');
  if (option === undefined || !('route' in option)) return undefined;
  return [ip.dst, ...option.route.slice((option.pointer - 4) / 4)];
}

/** Every way the datagram's header departs from what the case asks of it; `sameIpId` says whether it repeats the Identification of the datagram it retransmits. */
function ipMismatches(match: IpMatch, ip: IpHeader | undefined, sameIpId: boolean): Mismatch[] {
  const found: Mismatch[] = [];
  const ecn = ip?.ecn ?? 'not-ect';
  const ecnMatches = match.ecn === 'ect' ? ecn === 'ect0' || ecn === 'ect1' : ecn === match.ecn;
  if (match.ecn !== undefined && !ecnMatches) found.push({ field: 'ip ecn', expected: match.ecn, observed: ecn });
  if (match.sourceRoute !== undefined) {
    const route = ip && sourceRouteOf(ip);
    const expected = match.sourceRoute === 'absent' ? 'absent' : match.sourceRoute.join(' ');
    const observed = route === undefined ? 'absent' : route.join(' ');
    if (expected !== observed) found.push({ field: 'ip source route', expected, observed });
  }
  const dscp = ip?.dscp ?? 0;
  if (match.dscp !== undefined && dscp !== match.dscp) found.push({ field: 'ip dscp', expected: String(match.dscp), observed: String(dscp) });
  if (match.idRepeated !== undefined && match.idRepeated !== sameIpId) {
    found.push({ field: 'ip id', expected: match.idRepeated ? 'the retransmitted datagram\'s' : 'a new one', observed: sameIpId ? 'the retransmitted datagram\'s' : 'a new one' });
  }
  return found;
}

/**
 * Every way `segment`, carried in a datagram with the header `ip`, departs from `match`; empty when it
 * matches. `sameIpId`: the segment repeats an earlier one, in a datagram with the same Identification.
 */
export function mismatches(match: SegmentMatch, segment: TcpSegment, numbering: Numbering, ip?: IpHeader, sameIpId = false): Mismatch[] {
  const found: Mismatch[] = [];
  const expectedFlags = match.flags.split('|').map(parseFlags);
  if (!expectedFlags.includes(segment.flags)) {
    found.push({ field: 'flags', expected: expectedFlags.map(formatFlags).join(' or '), observed: formatFlags(segment.flags) });
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
    const mismatch = checkOption(expectation, segment.options, numbering);
    if (mismatch) found.push(mismatch);
  }
  if (match.ip) found.push(...ipMismatches(match.ip, ip, sameIpId));
  return found;
}
