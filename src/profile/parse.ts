/**
 * A target's profile file → the parameters the reference machine runs with for that target, where
 * each value came from, which values depart from RFC 9293's own, and the deviations the target
 * declares. Pure: the caller reads the files.
 *
 * `profiles/rfc9293.yaml` is the base: it sets every parameter to the RFC's value, with the RFC
 * section it comes from; a target's profile names only what it changes.
 */
import Ajv from 'ajv';
import type { Profile } from '../reference/profile';
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
  receiveBuffer: { field: 'receiveBuffer', kind: 'octets' },
  mss: { field: 'mss', kind: 'octets' },
} as const satisfies Record<string, { field: keyof Profile; kind: string }>;

export type ParameterName = keyof typeof PARAMETERS;
export const PARAMETER_NAMES = Object.keys(PARAMETERS) as ParameterName[];

interface RawProfile {
  name: string;
  title: string;
  parameters?: Partial<Record<ParameterName, Sourced<string | number | boolean>>>;
  deviations?: { cases: string; reason: string; source?: string }[];
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

export interface Deviation {
  readonly cases: string;
  readonly reason: string;
  readonly source?: string;
}

export interface TargetProfile {
  readonly name: string;
  readonly title: string;
  /** What the reference machine runs with for this target. */
  readonly profile: Profile;
  /** Each parameter as written, with its source, the base's where the profile says nothing. */
  readonly parameters: Readonly<Record<ParameterName, Sourced<string>>>;
  readonly departures: readonly Departure[];
  readonly deviations: readonly Deviation[];
}

export interface ParsedProfile {
  readonly profile?: TargetProfile;
  readonly problems: readonly SuiteProblem[];
}

const written = (value: string | number | boolean): string => String(value);

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
  return {
    problems: [],
    profile: { name: raw.name, title: raw.title, profile: profile as unknown as Profile, parameters, departures, deviations: raw.deviations ?? [] },
  };
}
