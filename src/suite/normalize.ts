/**
 * From a schema-valid YAML value to a `Case`: defaults filled in, short forms expanded, and the rules
 * a JSON Schema cannot say (one action per step, no repeated flag, min ≤ max) checked.
 * Problems are collected, not thrown, so an author sees every one at once.
 */
import type {
  AppStepCall,
  IpMatch,
  IpTemplate,
  Branch,
  CaseEventName,
  FillTemplate,
  Case,
  Preamble,
  OptionExpectation,
  OptionTemplate,
  OptionSetting,
  Range,
  ResultExpectation,
  SegmentMatch,
  PayloadTemplate,
  SegmentTemplate,
  SourcePosition,
  Step,
} from './case';
import type { DocumentPath } from './schema-errors';
import { formatPath } from './schema-errors';
import { parseDuration } from './duration';
import { icmpTemplate, type RawIcmp } from './icmp-message';
import { fixedTime, parseTime, type TimeExpr } from './time';
import type { When } from './when';
import type { Ecn, Ipv4Option, TcpState } from '../wire';

/** The YAML shapes the schema admits (see case.schema.json). */
type RawRange = { min?: number; max?: number };
type RawSendOption = 'nop' | 'eol' | 'sackOK' | { mss: number } | { wscale: number } | { ts: [number, number | 'echo'] } | { sack: [number, number][] } | { raw: string };
type RawIpOption = 'nop' | 'eol' | { rr: number } | { timestamp: number } | { lsrr: string[] } | { ssrr: string[] } | { unknown: { type: number; hex?: string } };
interface RawSendIp { src?: string; dst?: string; ecn?: Ecn; options?: RawIpOption[] }
interface RawSend {
  flags: string; seq?: number | { edge: number }; ack?: number; win?: number; urg?: number;
  options?: RawSendOption[]; data?: number | string | { hex: string } | { octets: 'mss' }; checksum?: 'good' | 'bad'; ip?: RawSendIp;
}
/** `send: { flags: PA, fill: window }`: the peer fills the target's window (case.ts, the `fill` step). */
interface RawFill { flags: string; fill: 'window'; win?: number; urg?: number; options?: RawSendOption[] }
type RawPresenceOr<T> = T | RawRange | 'present' | 'absent';
interface RawExpect {
  flags: string; seq?: number; ack?: number; win?: number | RawRange; len?: number | RawRange; urg?: number;
  options?: { mss?: RawPresenceOr<number>; wscale?: RawPresenceOr<number>; sackOK?: 'present' | 'absent'; ts?: 'present' | 'absent'; tsecr?: number; sack?: [number, number][] | 'present' | 'absent' };
  within?: string;
  after?: string;
  ip?: IpMatch;
  preceded?: RawRange;
}
type RawOptions = Record<OptionSetting['name'], boolean | number | string>;
type RawResult = 'eof' | { bytes?: number | RawRange; eof?: boolean; atMark?: boolean };
type RawApp = string | ({ error?: string; result?: RawResult; 'set-option'?: RawOptions } & Record<string, number | string | null | RawOptions | RawResult>);
type RawEvent = CaseEventName | { name: CaseEventName; within?: string; after?: string };
type RawWhen = Record<string, boolean | number | RawRange>;
interface RawBranch { when?: RawWhen; note?: string; steps: RawStep[] }
interface RawIsn { passive: number[]; active?: number[]; rounds: number; apart: string }
interface RawStep { send?: RawSend | RawSend[] | RawFill; expect?: RawExpect; quiet?: string | { for: string; allow: 'retransmissions' }; wait?: string; app?: RawApp; event?: RawEvent; state?: TcpState; either?: RawBranch[]; icmp?: RawIcmp; isn?: RawIsn; note?: string }
export interface RawCase {
  id: string; title: string; description?: string;
  spec: { rfc9293: string[]; requirements?: string[] } & Record<string, string[]>;
  level: Case['level']; tags?: string[]; port?: number; peerPort?: number; peerIsn?: number;
  from?: string; when?: RawWhen; sysctl?: Record<string, number | string>; clock?: 'virtual'; mtu?: number; family?: 'ipv4' | 'ipv6';
  steps: RawStep[];
}

export interface RawPreamble {
  preamble: string; title: string; from?: string;
  steps: RawStep[];
}

export interface NormalizeProblem {
  readonly path: DocumentPath;
  readonly message: string;
}

/** Defaults a case can override; chosen so that a case that says nothing still means something. */
export const CASE_DEFAULTS = {
  port: 8080,
  peerPort: 40000,
  window: 65535,
  /** A target answers a segment well within a second unless a timer is involved. */
  expectWithinMs: 1000,
} as const;

const ACTIONS = ['send', 'expect', 'quiet', 'wait', 'app', 'event', 'state', 'either', 'icmp', 'isn'] as const;

/** What each call's result may be asked: the octets it moved (read, write), the end of the data (read), the urgent mark (at-mark). */
const RESULT_FIELDS: Readonly<Record<keyof ResultExpectation, readonly AppStepCall['call'][]>> = {
  bytes: ['read', 'write', 'write-urgent'],
  eof: ['read'],
  atMark: ['at-mark'],
};
const PATTERN_BYTE = 0x61; // payload filler 'a'..'z', so a pcap shows readable data

/** Deterministic per id, so reruns are identical but cases do not all share one ISN. */
function isnFromId(id: string): number {
  let hash = 0x811c9dc5; // FNV-1a
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function patternPayload(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => PATTERN_BYTE + (i % 26));
}

function payloadOf(data: RawSend['data']): PayloadTemplate {
  if (data === undefined) return new Uint8Array(0);
  if (typeof data === 'number') return patternPayload(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  // Only the target's SYN tells how many octets a full-sized segment holds: the runner counts them.
  if ('octets' in data) return data.octets;
  return hexBytes(data.hex);
}

/** The case's spec: RFC 9293's sections and requirement ids, and the other RFCs' sections where it names any. */
function specOf(raw: RawCase['spec']): Case['spec'] {
  const { rfc9293, requirements = [], ...others } = raw;
  return { rfc9293, requirements, ...(Object.keys(others).length > 0 && { others }) };
}

function sendOption(option: RawSendOption): OptionTemplate {
  if (option === 'nop') return { kind: 'nop' };
  if (option === 'eol') return { kind: 'eol' };
  if (option === 'sackOK') return { kind: 'sack-permitted' };
  if ('mss' in option) return { kind: 'mss', mss: option.mss };
  if ('wscale' in option) return { kind: 'wscale', shift: option.wscale };
  if ('ts' in option) return { kind: 'timestamps', tsval: option.ts[0], tsecr: option.ts[1] };
  if ('sack' in option) return { kind: 'sack', blocks: option.sack.map(([left, right]) => [left, right] as const) };
  return { kind: 'raw', bytes: hexBytes(option.raw) };
}

/** A route option whose every hop the datagram visited: the pointer past the last address (RFC 791 §3.1). */
function visitedRoute(kind: 'lsrr' | 'ssrr', route: string[]): Ipv4Option {
  return { kind, pointer: 4 + 4 * route.length, route };
}

/** An IP option as a case writes it, as it goes on the wire: slots empty, routes wholly visited. */
function ipOption(option: RawIpOption): Ipv4Option {
  if (option === 'nop' || option === 'eol') return { kind: option };
  if ('rr' in option) return { kind: 'rr', pointer: 4, route: Array.from({ length: option.rr }, () => '0.0.0.0') };
  if ('timestamp' in option) return { kind: 'timestamp', pointer: 5, overflow: 0, flag: 0, entries: Array.from({ length: option.timestamp }, () => ({ timestamp: 0 })) };
  if ('lsrr' in option) return visitedRoute('lsrr', option.lsrr);
  if ('ssrr' in option) return visitedRoute('ssrr', option.ssrr);
  return { kind: 'unknown', type: option.unknown.type, data: hexBytes(option.unknown.hex ?? '') };
}

function sendIp(raw: RawSendIp): IpTemplate {
  return {
    ...(raw.src !== undefined && { src: raw.src }),
    ...(raw.dst !== undefined && { dst: raw.dst }),
    ...(raw.ecn !== undefined && { ecn: raw.ecn }),
    ...(raw.options !== undefined && { options: raw.options.map(ipOption) }),
  };
}

class Normalizer {
  readonly problems: NormalizeProblem[] = [];

  constructor(private readonly locate: (path: DocumentPath) => SourcePosition) {}

  problem(path: DocumentPath, message: string): void {
    this.problems.push({ path, message: `${formatPath(path)}: ${message}` });
  }

  /** Flags as letters; an expectation may give alternatives, `PA|A`. */
  flags(text: string, path: DocumentPath): string {
    for (const set of text.split('|')) {
      const repeated = [...set].find((letter, i) => set.indexOf(letter) !== i);
      if (repeated !== undefined) this.problem(path, `flag '${repeated}' is written twice in '${set}'`);
    }
    return text;
  }

  range(value: number | RawRange, path: DocumentPath): Range {
    if (typeof value === 'number') return { min: value, max: value };
    const range = { min: value.min ?? 0, max: value.max ?? Number.MAX_SAFE_INTEGER };
    if (range.min > range.max) this.problem(path, `min ${range.min} is greater than max ${range.max}`);
    return range;
  }

  time(text: string, path: DocumentPath): TimeExpr {
    const parsed = parseTime(text);
    if (typeof parsed === 'string') {
      this.problem(path, parsed);
      return fixedTime(0, text);
    }
    return parsed;
  }

  send(raw: RawSend, path: DocumentPath): SegmentTemplate {
    return {
      flags: this.flags(raw.flags, [...path, 'flags']),
      ...(raw.seq !== undefined && { seq: raw.seq }),
      ...(raw.ack !== undefined && { ack: raw.ack }),
      window: raw.win ?? CASE_DEFAULTS.window,
      urgentPointer: raw.urg ?? 0,
      options: (raw.options ?? []).map(sendOption),
      payload: payloadOf(raw.data),
      checksum: raw.checksum ?? 'good',
      ...(raw.ip !== undefined && { ip: sendIp(raw.ip) }),
    };
  }

  fill(raw: RawFill, path: DocumentPath): FillTemplate {
    return {
      flags: this.flags(raw.flags, [...path, 'flags']),
      window: raw.win ?? CASE_DEFAULTS.window,
      urgentPointer: raw.urg ?? 0,
      options: (raw.options ?? []).map(sendOption),
    };
  }

  expectOptions(raw: RawExpect['options'], path: DocumentPath): OptionExpectation[] {
    if (raw === undefined) return [];
    const valueOrPresence = (v: RawPresenceOr<number>, at: DocumentPath): Range | 'present' | 'absent' =>
      v === 'present' || v === 'absent' ? v : this.range(v, at);
    const expectations: OptionExpectation[] = [];
    if (raw.mss !== undefined) expectations.push({ kind: 'mss', mss: valueOrPresence(raw.mss, [...path, 'mss']) });
    if (raw.wscale !== undefined) expectations.push({ kind: 'wscale', shift: valueOrPresence(raw.wscale, [...path, 'wscale']) });
    if (raw.sackOK !== undefined) expectations.push({ kind: 'sack-permitted', presence: raw.sackOK });
    if (raw.ts !== undefined) expectations.push({ kind: 'timestamps', presence: raw.ts });
    if (raw.tsecr !== undefined) expectations.push({ kind: 'tsecr', tsecr: raw.tsecr });
    if (raw.sack !== undefined) expectations.push({ kind: 'sack', blocks: typeof raw.sack === 'string' ? raw.sack : raw.sack.map(([left, right]) => [left, right] as const) });
    return expectations;
  }

  expect(raw: RawExpect, path: DocumentPath): { match: SegmentMatch; within: TimeExpr; after?: TimeExpr } {
    const match: SegmentMatch = {
      flags: this.flags(raw.flags, [...path, 'flags']),
      ...(raw.seq !== undefined && { seq: raw.seq }),
      ...(raw.ack !== undefined && { ack: raw.ack }),
      ...(raw.win !== undefined && { window: this.range(raw.win, [...path, 'win']) }),
      ...(raw.len !== undefined && { length: this.range(raw.len, [...path, 'len']) }),
      ...(raw.urg !== undefined && { urgentPointer: raw.urg }),
      options: this.expectOptions(raw.options, [...path, 'options']),
      ...(raw.ip !== undefined && { ip: raw.ip }),
      ...(raw.preceded !== undefined && { preceded: this.range(raw.preceded, [...path, 'preceded']) }),
    };
    const within = raw.within === undefined ? fixedTime(CASE_DEFAULTS.expectWithinMs, '1s') : this.time(raw.within, [...path, 'within']);
    return { match, within, ...(raw.after !== undefined && { after: this.time(raw.after, [...path, 'after']) }) };
  }

  app(raw: RawApp, path: DocumentPath): { call: AppStepCall; error?: string; result?: ResultExpectation } | undefined {
    if (typeof raw === 'string') return { call: { call: raw } as AppStepCall };
    const { error, result, ...calls } = raw;
    const names = Object.keys(calls);
    if (names.length !== 1) {
      this.problem(path, names.length === 0 ? 'names no call' : `names ${names.length} calls (${names.join(', ')}); one step makes one call`);
      return undefined;
    }
    const name = names[0] as AppStepCall['call'];
    const argument = calls[name];
    if ((name === 'write' || name === 'write-urgent') && typeof argument !== 'number') {
      this.problem([...path, name], `${name} needs the number of octets, e.g. ${name}: 100`);
      return undefined;
    }
    let call: AppStepCall;
    if (name === 'set-option') call = { call: name, options: this.options(argument as RawOptions, [...path, name]) };
    else if ((name === 'write' || name === 'write-urgent' || name === 'read') && typeof argument === 'number') call = { call: name, bytes: argument };
    else if (name === 'connect' && argument === 'broadcast') call = { call: name, to: argument };
    else call = { call: name } as AppStepCall;
    const expected = result === undefined ? undefined : this.result(result, call.call, error, [...path, 'result']);
    return { call, ...(typeof error === 'string' && { error }), ...(expected && { result: expected }) };
  }

  /** Socket options as the protocol carries them: flags as 0 or 1, durations in milliseconds. */
  options(raw: RawOptions, path: DocumentPath): OptionSetting[] {
    return Object.entries(raw).map(([name, value]) => {
      const protocolValue = typeof value === 'boolean' ? Number(value) : typeof value === 'number' ? value : parseDuration(value);
      // The schema admits only durations as strings, so a string always parses.
      if (protocolValue === undefined) this.problem([...path, name], `'${String(value)}' is not a duration (500ms, 1.5s, 2min)`);
      return { name: name as OptionSetting['name'], value: protocolValue ?? 0, text: String(value) };
    });
  }

  /** What a call's result must be; a field the call does not answer, or a result beside `error`, is a problem. */
  result(raw: RawResult, call: AppStepCall['call'], error: string | undefined, path: DocumentPath): ResultExpectation | undefined {
    if (error !== undefined) {
      this.problem(path, 'a call that must fail (error) has no result to check; write one of them');
      return undefined;
    }
    const expected: ResultExpectation = raw === 'eof'
      ? { bytes: { min: 0, max: 0 }, eof: true }
      : {
          ...(raw.bytes !== undefined && { bytes: this.range(raw.bytes, [...path, 'bytes']) }),
          ...(raw.eof !== undefined && { eof: raw.eof }),
          ...(raw.atMark !== undefined && { atMark: raw.atMark }),
        };
    for (const field of Object.keys(expected) as (keyof ResultExpectation)[]) {
      const calls = RESULT_FIELDS[field];
      if (!calls.includes(call)) this.problem(typeof raw === 'string' ? path : [...path, field], `${call} answers no ${raw === 'eof' ? 'end of file' : field}; ${raw === 'eof' ? 'eof' : field} is the result of ${calls.join(', ')}`);
    }
    return expected;
  }

  event(raw: RawEvent, path: DocumentPath): { event: CaseEventName; within: TimeExpr; after?: TimeExpr } {
    const { name, within, after } = typeof raw === 'string' ? { name: raw, within: undefined, after: undefined } : raw;
    return {
      event: name,
      within: within === undefined ? fixedTime(CASE_DEFAULTS.expectWithinMs, '1s') : this.time(within, [...path, 'within']),
      ...(after !== undefined && { after: this.time(after, [...path, 'after']) }),
    };
  }

  /** Flags as they are, numbers as ranges. */
  when(raw: RawWhen, path: DocumentPath): When {
    return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, typeof value === 'boolean' ? value : this.range(value, [...path, key])]));
  }

  /** An `either`: each branch opens with the `expect` that tells it apart, and holds no `either` itself. */
  either(raw: RawBranch[], path: DocumentPath): Branch[] {
    return raw.map((branch, i) => {
      const at: DocumentPath = [...path, i];
      const steps = this.steps(branch.steps, [...at, 'steps']);
      if (steps[0] !== undefined && steps[0].kind !== 'expect') this.problem([...at, 'steps', 0], `opens with a ${steps[0].kind} step; a branch opens with the expect that tells it from the others`);
      const nested = steps.findIndex((step) => step.kind === 'either');
      if (nested >= 0) this.problem([...at, 'steps', nested], 'an either inside an either; write the outcomes as branches of one');
      return { ...(branch.when !== undefined && { when: this.when(branch.when, [...at, 'when']) }), steps, source: this.locate(at) };
    });
  }

  /** Steps that normalised (the problems of the others are recorded); an `either` only last. */
  steps(raw: readonly RawStep[], path: DocumentPath): Step[] {
    const steps = raw.map((step, i) => this.step(step, [...path, i]));
    const either = raw.findIndex((step) => step.either !== undefined);
    if (either >= 0 && either < raw.length - 1) this.problem([...path, either], 'an either ends the case: the steps after it belong in its branches');
    const isn = raw.findIndex((step) => step.isn !== undefined);
    if (isn >= 0 && raw.length > 1) this.problem([...path, isn], 'an isn step opens connections of its own: it is the case\'s only step');
    return steps.filter((step): step is Step => step !== undefined);
  }

  step(raw: RawStep, path: DocumentPath): Step | undefined {
    const actions = ACTIONS.filter((action) => raw[action] !== undefined);
    if (actions.length !== 1) {
      this.problem(path, actions.length === 0
        ? `has no action; a step is one of: ${ACTIONS.join(', ')}`
        : `has ${actions.length} actions (${actions.join(', ')}); write one per step`);
      return undefined;
    }
    const source = this.locate(path);
    if (raw.send && !Array.isArray(raw.send) && 'fill' in raw.send) return { kind: 'fill', source, segment: this.fill(raw.send, [...path, 'send']) };
    if (raw.send) {
      const sends = Array.isArray(raw.send) ? raw.send : [raw.send];
      return { kind: 'send', source, segments: sends.map((send, i) => this.send(send, Array.isArray(raw.send) ? [...path, 'send', i] : [...path, 'send'])) };
    }
    if (raw.expect) return { kind: 'expect', source, ...this.expect(raw.expect, [...path, 'expect']) };
    if (raw.quiet !== undefined) {
      if (typeof raw.quiet === 'string') return { kind: 'quiet', source, duration: this.time(raw.quiet, [...path, 'quiet']), allowRetransmissions: false };
      return { kind: 'quiet', source, duration: this.time(raw.quiet.for, [...path, 'quiet', 'for']), allowRetransmissions: true };
    }
    if (raw.wait !== undefined) return { kind: 'wait', source, duration: this.time(raw.wait, [...path, 'wait']) };
    if (raw.state !== undefined) return { kind: 'state', source, state: raw.state };
    if (raw.event !== undefined) return { kind: 'event', source, ...this.event(raw.event, [...path, 'event']) };
    if (raw.either) return { kind: 'either', source, branches: this.either(raw.either, [...path, 'either']) };
    if (raw.isn) {
      const { passive, active = [], rounds, apart } = raw.isn;
      return { kind: 'isn', source, plan: { passive, active, rounds, apart: this.time(apart, [...path, 'isn', 'apart']) } };
    }
    if (raw.icmp) {
      const { template, problems } = icmpTemplate(raw.icmp);
      for (const p of problems) this.problem([...path, 'icmp', p.field], p.message);
      return template && { kind: 'icmp', source, icmp: template };
    }
    const app = this.app(raw.app as RawApp, [...path, 'app']);
    return app && { kind: 'app', source, ...app };
  }
}

/** Steps from schema-valid data, or the problems that stop them being steps. */
export function normalizeSteps(
  raw: readonly RawStep[],
  locate: (path: DocumentPath) => SourcePosition,
): { steps?: Step[]; problems: NormalizeProblem[] } {
  const normalizer = new Normalizer(locate);
  const steps = normalizer.steps(raw, ['steps']);
  return normalizer.problems.length > 0 ? { problems: normalizer.problems } : { steps, problems: [] };
}

/**
 * A `Case` from schema-valid data, or the problems that stop it being one. `preambles` are the
 * resolved preambles a `from:` may name.
 */
export function normalizeCase(
  raw: RawCase,
  locate: (path: DocumentPath) => SourcePosition,
  preambles: ReadonlyMap<string, Preamble>,
): { case?: Case; problems: NormalizeProblem[] } {
  const normalizer = new Normalizer(locate);
  const own = normalizer.steps(raw.steps, ['steps']);
  const when = raw.when && normalizer.when(raw.when, ['when']);
  if (normalizer.problems.length > 0) return { problems: normalizer.problems };
  const preamble = raw.from === undefined ? undefined : preambles.get(raw.from);
  if (raw.from !== undefined && !preamble) {
    const known = [...preambles.keys()].sort().join(', ') || 'none';
    return { problems: [{ path: ['from'], message: `from: no preamble named '${raw.from}'; known preambles: ${known}` }] };
  }
  if (preamble && own.some((step) => step.kind === 'isn')) {
    return { problems: [{ path: ['from'], message: 'from: an isn step opens connections of its own; it starts from no preamble' }] };
  }
  if (preamble?.steps.some((step) => step.kind === 'either')) {
    return { problems: [{ path: ['from'], message: `from: preamble '${raw.from}' has an either, which ends a case; a preamble cannot` }] };
  }
  const steps = [...(preamble?.steps ?? []), ...own];
  return {
    problems: [],
    case: {
      id: raw.id,
      title: raw.title,
      area: raw.id.split('/')[0] as string,
      spec: specOf(raw.spec),
      level: raw.level,
      tags: raw.tags ?? [],
      ...(raw.description !== undefined && { description: raw.description }),
      port: raw.port ?? CASE_DEFAULTS.port,
      peerPort: raw.peerPort ?? CASE_DEFAULTS.peerPort,
      peerIsn: raw.peerIsn ?? isnFromId(raw.id),
      steps,
      ...(raw.from !== undefined && { from: raw.from }),
      ...(when !== undefined && { when }),
      ...(raw.sysctl !== undefined && { sysctl: Object.fromEntries(Object.entries(raw.sysctl).map(([key, value]) => [key, String(value)])) }),
      ...(raw.clock !== undefined && { clock: raw.clock }),
      ...(raw.mtu !== undefined && { mtu: raw.mtu }),
      ...(raw.family !== undefined && { family: raw.family }),
      source: locate([]),
    },
  };
}
