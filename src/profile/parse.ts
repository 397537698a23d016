/**
 * A target's profile file → the parameters the reference machine runs with for that target, where
 * each value came from, which values depart from RFC 9293's own, and the deviations the target
 * declares. Pure: the caller reads the files.
 *
 * `profiles/rfc9293.yaml` is the base: it sets every parameter to the RFC's value, with the RFC
 * section it comes from; a target's profile names only what it changes.
 */
import Ajv from 'ajv';
import type { Profile, TimingTolerance } from '../reference/profile';
import { parseDuration } from '../suite/duration';
import type { SuiteProblem } from '../suite/problem';
import { readYamlDocument } from '../suite/yaml-document';
import schema from './profile.schema.json';

interface Sourced<T> {
  value: T;
  source: string;
}

/** The profile file's parameter names, and the Profile field each sets. */
const PARAMETERS = {
  msl: { field: 'mslMs', kind: 'duration' },
  initialRto: { field: 'initialRtoMs', kind: 'duration' },
  minRto: { field: 'minRtoMs', kind: 'duration' },
  maxRto: { field: 'maxRtoMs', kind: 'duration' },
  maxAckDelay: { field: 'maxAckDelayMs', kind: 'duration' },
  userTimeout: { field: 'userTimeoutMs', kind: 'duration' },
  synUserTimeout: { field: 'synUserTimeoutMs', kind: 'duration' },
  keepAliveIdle: { field: 'keepAliveIdleMs', kind: 'duration' },
  keepAliveInterval: { field: 'keepAliveIntervalMs', kind: 'duration' },
  keepAliveCount: { field: 'keepAliveCount', kind: 'count' },
  rfc5961Rst: { field: 'rfc5961Rst', kind: 'boolean' },
  rfc5961Syn: { field: 'rfc5961Syn', kind: 'boolean' },
  rfc5961Ack: { field: 'rfc5961Ack', kind: 'boolean' },
  rfc1337: { field: 'rfc1337', kind: 'boolean' },
  reopenFromTimeWait: { field: 'reopenFromTimeWait', kind: 'boolean' },
  icmpHardErrorsAbort: { field: 'icmpHardErrorsAbort', kind: 'boolean' },
  ecnAccept: { field: 'ecnAccept', kind: 'boolean' },
  ecnRequest: { field: 'ecnRequest', kind: 'boolean' },
  sourceRoute: { field: 'sourceRoute', kind: 'boolean' },
  windowScaling: { field: 'windowScaling', kind: 'boolean' },
  windowShift: { field: 'windowShift', kind: 'count' },
  timestamps: { field: 'timestamps', kind: 'boolean' },
  sackPermitted: { field: 'sackPermitted', kind: 'boolean' },
  initialWindow: { field: 'initialWindow', kind: 'count' },
  tailLossProbe: { field: 'tailLossProbe', kind: 'boolean' },
  multiplicativeDecrease: { field: 'multiplicativeDecrease', kind: 'fraction' },
  receiveBuffer: { field: 'receiveBuffer', kind: 'octets' },
  mss: { field: 'mss', kind: 'octets' },
} as const satisfies Record<string, { field: keyof Profile; kind: string }>;

export type ParameterName = keyof typeof PARAMETERS;
export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

interface RawProfile {
  name: string;
  title: string;
  parameters?: Partial<Record<ParameterName, Sourced<string | number | boolean>>>;
  timingTolerance?: Sourced<string>;
  ipv6?: { mss?: Sourced<number> };
  deviations?: { cases: string; reason: string; source?: string; allows: AllowedDivergence[] }[];
}

const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile<RawProfile>(schema);

/** A parameter whose value is not RFC 9293's, as the report calls it out. */
export interface Departure {
  readonly parameter: ParameterName;
  /** As written in the profile, e.g. `30s`. */
  readonly value: string;
  readonly rfcValue: string;
  readonly source: string;
}

/**
 * One failure a deviation lets through: the first divergence's step (its text, `*` for any run of
 * characters), a field that differs there (`time`, `ack`, or the rule the oracle names, e.g.
 * `RFC 9293 §3.5.2`), and what the target sent there (`nothing` when it sent nothing). What is left out
 * may be anything.
 */
export interface AllowedDivergence {
  readonly step?: string;
  readonly field?: string;
  readonly observed?: string;
}

export interface Deviation {
  readonly cases: string;
  readonly reason: string;
  readonly source?: string;
  /** The failures it waives: a covered case failing any other way fails. */
  readonly allows: readonly AllowedDivergence[];
}

export interface TargetProfile {
  readonly name: string;
  /** The file it was read from, as problems and reports name it: `profiles/linux.yaml`, `./my-stack.yaml`. */
  readonly file: string;
  readonly title: string;
  /** What the reference machine runs with for this target. */
  readonly profile: Profile;
  /** Each parameter as written, with its source, the base's where the profile says nothing. */
  readonly parameters: Readonly<Record<ParameterName, Sourced<string>>>;
  readonly departures: readonly Departure[];
  readonly deviations: readonly Deviation[];
  /** The timing tolerance as written, with its source; absent for an exact (virtual) clock. */
  readonly timingTolerance?: Sourced<string>;
  /**
   * The MSS the target advertises over IPv6, where it does not follow from its IPv4 one (the same
   * interface's MTU less 60 octets rather than 40: src/runner/families.ts); not inherited.
   */
  readonly ipv6Mss?: Sourced<number>;
}

export interface ParsedProfile {
  readonly profile?: TargetProfile;
  readonly problems: readonly SuiteProblem[];
}

const written = (value: string | number | boolean): string => String(value);

/** `4ms + 10%` as the profile writes it (the schema has checked its form). */
function parseTolerance(text: string): TimingTolerance {
  const [floor, percent] = text.split('+').map((part) => part.trim());
  return { floorMs: parseDuration(floor as string) as number, percent: Number((percent as string).replace('%', '')) };
}

function fieldValue(name: ParameterName, value: string | number | boolean): number | boolean {
  // The schema has checked each value's form, so a duration always parses.
  return PARAMETERS[name].kind === 'duration' ? (parseDuration(value as string) as number) : (value as number | boolean);
}

/**
 * Parses a profile. Without `base` the file must set every parameter (it is the base: rfc9293.yaml);
 * with one, missing parameters take the base's values and sources.
 */
export function parseProfile(file: string, text: string, base?: TargetProfile): ParsedProfile {
  const read = readYamlDocument(file, text, validate, 'profile');
  if (read.data === undefined) return { problems: read.problems };
  const raw = read.data;
  const given = raw.parameters ?? {};
  if (!base) {
    const missing = PARAMETER_NAMES.filter((name) => given[name] === undefined);
    if (missing.length > 0) {
      return { problems: [{ ...read.locate(['parameters']), message: `the base profile must set every parameter; missing: ${missing.join(', ')}` }] };
    }
  }
  const parameters = {} as Record<ParameterName, Sourced<string>>;
  const profile = { name: raw.name } as Record<string, unknown>;
  const departures: Departure[] = [];
  for (const name of PARAMETER_NAMES) {
    const own = given[name];
    const value = own ? fieldValue(name, own.value) : (base as TargetProfile).profile[PARAMETERS[name].field];
    profile[PARAMETERS[name].field] = value;
    parameters[name] = own ? { value: written(own.value), source: own.source } : (base as TargetProfile).parameters[name];
    if (own && base && value !== base.profile[PARAMETERS[name].field]) {
      departures.push({ parameter: name, value: written(own.value), rfcValue: base.parameters[name].value, source: own.source });
    }
  }
  // Not inherited: a base that sets a tolerance would grant it to virtual clocks that need none.
  profile['timingTolerance'] = raw.timingTolerance ? parseTolerance(raw.timingTolerance.value) : { floorMs: 0, percent: 0 };
  return {
    problems: [],
    profile: {
      name: raw.name,
      file,
      title: raw.title,
      profile: profile as unknown as Profile,
      parameters,
      departures,
      deviations: raw.deviations ?? [],
      ...(raw.timingTolerance && { timingTolerance: raw.timingTolerance }),
      ...(raw.ipv6?.mss && { ipv6Mss: raw.ipv6.mss }),
    },
  };
}
