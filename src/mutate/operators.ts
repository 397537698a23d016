/**
 * Every mutant of the reference machine, generated from the machine's own structure (src/reference):
 * each rule's branch skipped (rules.ts), each segment form altered (segments.ts, alterations.ts), each
 * boundary comparison moved one either way (boundaries.ts), each timer made half as long, twice as long,
 * or never started (timers.ts), each profile flag the other way (profile.ts). A new rule, form,
 * boundary, timer or flag gets its mutants without anyone writing them.
 */
import {
  ALL_BOUNDARIES,
  ALL_RULES,
  ALL_TIMERS,
  BranchSkipped,
  boundaryInfo,
  describeRule,
  relationOf,
  RFC9293_PROFILE,
  SEGMENT_FORMS,
  type Boundary,
  type Mutation,
  type Profile,
  type Rule,
  type SegmentForm,
  type TimerName,
} from '../reference';
import { ALL_FORMS, alterationsOf, type Alteration } from './alterations';
import { flagWords, TIMER_WORDS } from './words';

export type Operator = 'skip' | 'form' | 'boundary' | 'timer' | 'profile';

export interface Mutant {
  /** Stable: the operator and what it changes, e.g. `skip 3.10.7.2/syn`, `form ack seq+1`. */
  readonly id: string;
  readonly operator: Operator;
  /** The rule it changes, or the segment form, timer or profile flag. */
  readonly changes: string;
  /** The RFC section it belongs to, for the score per area. */
  readonly section: string;
  /** What the mutant does, in words a suite author reads. */
  readonly words: string;
  /**
   * What a case's run on the true machine must show for this mutant to behave differently in it
   * (coverage.ts): a mutant is identical to the machine until its seam answers otherwise.
   * Undefined: every case may show it (a profile flag is read anywhere).
   */
  readonly reachedBy: string | undefined;
  /** The profile the mutant runs with, given the true one: only profile mutants change it. */
  profileFor(profile: Profile): Profile;
  /** A fresh mutation for one case's run; undefined for a profile mutant. */
  mutation(): Mutation | undefined;
}

/** The section a rule is named under: `3.10.7.4/ack/new` -> `3.10.7.4`, `rfc6298/2/...` -> `rfc6298`. */
export const sectionOf = (rule: Rule): string => rule.slice(0, rule.indexOf('/'));

const unchanged = (profile: Profile): Profile => profile;

/** The coverage keys (coverage.ts), one per way a seam can answer otherwise. */
export const reach = {
  rule: (rule: Rule) => `rule ${rule}`,
  form: (form: SegmentForm, alteration: string) => `form ${form} ${alteration}`,
  boundary: (boundary: Boundary, by: 1 | -1) => `boundary ${boundary} ${by > 0 ? '+1' : '-1'}`,
  timer: (timer: TimerName) => `timer ${timer}`,
};

function skip(rule: Rule): Mutant {
  return {
    id: `skip ${rule}`,
    operator: 'skip',
    changes: rule,
    section: sectionOf(rule),
    words: `${describeRule(rule)}: skipped, the stack drops the segment, call or timeout that leads there and does nothing more with it`,
    reachedBy: reach.rule(rule),
    profileFor: unchanged,
    mutation: () => ({
      fired(fired) {
        if (fired === rule) throw new BranchSkipped(rule);
      },
    }),
  };
}

/** The section a form belongs to, where the RFC gives it. */
const FORM_SECTIONS: Readonly<Record<SegmentForm, string>> = {
  ack: '3.10.7.4',
  syn: '3.10.1',
  'syn-ack': '3.10.7.2',
  data: '3.10.2',
  fin: '3.6',
  'keep-alive': '3.8.4',
  'abort-reset': '3.10.5',
  reset: '3.5.2',
  'reset-ack': '3.5.2',
};

function form(segmentForm: SegmentForm, alteration: Alteration): Mutant {
  return {
    id: `form ${segmentForm} ${alteration.name}`,
    operator: 'form',
    changes: `form ${segmentForm}`,
    section: FORM_SECTIONS[segmentForm] ?? '3.10',
    words: `every ${SEGMENT_FORMS[segmentForm]} it sends ${alteration.words}`,
    reachedBy: reach.form(segmentForm, alteration.name),
    profileFor: unchanged,
    mutation: () => ({ emitting: (f, segment, other) => (f === segmentForm ? alteration.apply(segment, other) : segment) }),
  };
}

/** `A op B` with B moved: `SND.UNA < SEG.ACK+1`, `U > 1`. */
function shiftedText(boundary: Boundary, by: 1 | -1): string {
  const { left, op, right } = relationOf(boundary);
  return `${left} ${op} ${/^\d+$/.test(right) ? String(Number(right) + by) : `${right}${by > 0 ? '+1' : '-1'}`}`;
}

/** Where a boundary's name says the RFC makes the comparison: `RFC 9293 §3.4 Table 6`, `RFC 5961 5.2`. */
function whereOf(boundary: Boundary): string {
  const where = boundary.slice(0, boundary.indexOf(': '));
  return /^\d/.test(where) ? `RFC 9293 §${where}` : where;
}

function boundary(name: Boundary, by: 1 | -1): Mutant {
  const info = boundaryInfo(name);
  const { left, op, right } = relationOf(name);
  return {
    id: `boundary ${name} ${by > 0 ? '+1' : '-1'}`,
    operator: 'boundary',
    changes: info.rule,
    section: sectionOf(info.rule),
    words: `${info.decides}: the stack tests ${shiftedText(name, by)} where ${whereOf(name)} has ${left} ${op} ${right}`,
    reachedBy: reach.boundary(name, by),
    profileFor: unchanged,
    mutation: () => ({ shift: (b) => (b === name ? by : 0) }),
  };
}

const TIMER_SCALES = [
  { name: 'x0.5', words: 'expires after half its time', scale: (delay: number) => delay / 2 },
  { name: 'x2', words: 'expires after twice its time', scale: (delay: number) => delay * 2 },
  { name: 'never', words: 'never starts, so never expires', scale: () => undefined },
] as const;

function timer(name: TimerName, scale: (typeof TIMER_SCALES)[number]): Mutant {
  return {
    id: `timer ${name} ${scale.name}`,
    operator: 'timer',
    changes: `timer ${name}`,
    section: '3.10.8',
    words: `the ${TIMER_WORDS[name] ?? `${name} timer`} ${scale.words}`,
    reachedBy: reach.timer(name),
    profileFor: unchanged,
    mutation: () => ({ arming: (t, delay) => (t === name ? scale.scale(delay) : delay) }),
  };
}

/** The profile's yes-or-no choices, found in the RFC's own profile: a new flag is a new mutant. */
export const PROFILE_FLAGS = (Object.keys(RFC9293_PROFILE) as (keyof Profile)[]).filter((key) => typeof RFC9293_PROFILE[key] === 'boolean');

function profileFlag(flag: keyof Profile): Mutant {
  return {
    id: `profile ${flag}`,
    operator: 'profile',
    changes: `profile ${flag}`,
    section: flag.startsWith('rfc') ? flag.replace(/[A-Z].*$/, '') : '3.6.1',
    // The words depend on which way the profile has it; this is how RFC 9293's own profile has it.
    words: flagWords(flag, RFC9293_PROFILE[flag] as boolean),
    reachedBy: undefined,
    profileFor: (profile) => ({ ...profile, [flag]: !profile[flag] }),
    mutation: () => undefined,
  };
}

/** Every mutant, in a stable order: by operator, then as the machine lists what it changes. */
export function allMutants(): Mutant[] {
  return [
    ...ALL_RULES.map(skip),
    ...ALL_FORMS.flatMap((f) => alterationsOf(f).map((a) => form(f, a))),
    ...ALL_BOUNDARIES.flatMap((b) => [boundary(b, 1), boundary(b, -1)]),
    ...ALL_TIMERS.flatMap((t) => TIMER_SCALES.map((s) => timer(t, s))),
    ...PROFILE_FLAGS.map(profileFlag),
  ];
}

/** A profile mutant's words for the profile actually in force. */
export function wordsFor(mutant: Mutant, profile: Profile): string {
  if (mutant.operator !== 'profile') return mutant.words;
  const flag = mutant.changes.slice('profile '.length) as keyof Profile;
  return flagWords(flag, profile[flag] as boolean);
}
