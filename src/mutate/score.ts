/**
 * The score: of the mutants that are not equivalent, the share some case killed. Overall, per area (the
 * RFC section a mutant changes) and per rule (or segment form, timer, profile flag).
 */
import type { Operator } from './operators';
import type { Kill } from './run-mutant';

export type MutantStatus = 'killed' | 'survived' | 'equivalent';

export interface MutantResult {
  readonly id: string;
  readonly operator: Operator;
  /** The rule it changes, or the segment form, timer or profile flag. */
  readonly changes: string;
  readonly area: string;
  readonly words: string;
  readonly status: MutantStatus;
  /** How many selected cases reach it (run it at all). */
  readonly reachedBy: number;
  /** The cases that told it from the machine. */
  readonly killedBy: readonly Kill[];
  /** Why it is equivalent (status `equivalent`). */
  readonly equivalence?: string;
  /** Listed as equivalent, yet a case killed it: the list is wrong. */
  readonly listedEquivalent?: string;
}

export interface Tally {
  readonly killed: number;
  readonly survived: number;
  readonly equivalent: number;
  /** killed / (killed + survived), as a percentage; undefined when nothing counts. */
  readonly score: number | undefined;
}

export function tally(results: readonly MutantResult[]): Tally {
  const count = (status: MutantStatus) => results.filter((r) => r.status === status).length;
  const killed = count('killed');
  const survived = count('survived');
  return { killed, survived, equivalent: count('equivalent'), score: killed + survived === 0 ? undefined : (100 * killed) / (killed + survived) };
}

/** Tallies of `results` grouped by `key`, in the order groups first appear. */
export function tallyBy(results: readonly MutantResult[], key: (r: MutantResult) => string): (Tally & { readonly key: string })[] {
  const keys = [...new Set(results.map(key))];
  return keys.map((k) => ({ key: k, ...tally(results.filter((r) => key(r) === k)) }));
}

/** RFC 9293's sections (and the RFCs beside it) as areas of the machine, most specific first. */
const AREAS: readonly (readonly [prefix: string, area: string])[] = [
  ['3.4', '§3.4 sequence numbers'],
  ['3.5', '§3.5 opening, resets'],
  ['3.6', '§3.6 closing'],
  ['3.7', '§3.7 segmentation'],
  ['3.8', '§3.8 data communication, windows'],
  ['3.10.1', '§3.10.1–6 user calls'],
  ['3.10.2', '§3.10.1–6 user calls'],
  ['3.10.3', '§3.10.1–6 user calls'],
  ['3.10.4', '§3.10.1–6 user calls'],
  ['3.10.5', '§3.10.1–6 user calls'],
  ['3.10.6', '§3.10.1–6 user calls'],
  ['3.10.7.1', '§3.10.7.1–3 CLOSED, LISTEN, SYN-SENT'],
  ['3.10.7.2', '§3.10.7.1–3 CLOSED, LISTEN, SYN-SENT'],
  ['3.10.7.3', '§3.10.7.1–3 CLOSED, LISTEN, SYN-SENT'],
  ['3.10.7.4', '§3.10.7.4 synchronized states'],
  ['3.10.8', '§3.10.8 timeouts'],
  ['rfc6298', 'RFC 6298 retransmission timer'],
  ['rfc5961', 'RFC 5961 blind attacks'],
  ['rfc1337', 'RFC 1337 TIME-WAIT assassination'],
];

/** The area of a section: `3.10.7.4` -> `§3.10.7.4 synchronized states`. */
export function areaOf(section: string): string {
  const match = AREAS.find(([prefix]) => section === prefix || section.startsWith(`${prefix}.`));
  return match ? match[1] : /^\d/.test(section) ? `§${section}` : section;
}
