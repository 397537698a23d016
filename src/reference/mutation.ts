/**
 * The seams a mutant goes through: `tcpconform mutate` (src/mutate) runs a copy of this machine with one
 * seeded defect as a target while the oracle keeps the true machine. The defect reaches the machine
 * through four hooks, each at the one place every instance of its kind passes, so that §3.10's layout
 * carries no trace of mutants and a new rule, segment form, boundary or timer gets its mutants without
 * anyone writing them:
 * - `fire` (machine.ts): every rule, before its branch acts;
 * - `emit` (segments.ts): every segment, by its form;
 * - `lt`, `le`, `eq`, `ge`, `gt` (boundaries.ts): every boundary comparison, by its name;
 * - `arm` (timers.ts): every timer, when it is started.
 *
 * The true machine has no mutation, and each hook is then one property test. A mutant stays pure and
 * deterministic: a hook is a function of what it is shown.
 */
import type { TcpSegment } from '../wire';
import type { Boundary } from './boundaries';
import type { Rule } from './rules';
import type { SegmentForm } from './segments';
import type { Timers } from './tcb';

export type TimerName = keyof Timers;

export interface Mutation {
  /**
   * `rule` is about to decide what happens next. Throwing `BranchSkipped` skips its branch: the event
   * (a segment, a user call, a timeout) ends there, and nothing the branch would have done happens.
   */
  fired?(rule: Rule): void;
  /** A segment of `form` is being sent; the segment to send in its place. `other` is the form's alternative, where it has one. */
  emitting?(form: SegmentForm, segment: TcpSegment, other: TcpSegment | undefined): TcpSegment;
  /**
   * How far to move the right-hand side of boundary comparison `boundary` (0: not at all), shown the
   * two sides `a` and `b` about to be compared.
   */
  shift?(boundary: Boundary, a: number, b: number): number;
  /** The delay to start `timer` with instead of `delayMs`, in milliseconds; undefined: the timer never starts. */
  arming?(timer: TimerName, delayMs: number): number | undefined;
}

/** What carries a mutation: the machine, or nothing for the true comparisons of the pure helpers. */
export interface Mutable {
  readonly mutation?: Mutation | undefined;
}

/** The true machine. */
export const UNMUTATED: Mutable = {};

/** Thrown by a mutation's `fired` hook to skip a rule's branch; caught where the event began. */
export class BranchSkipped extends Error {
  constructor(readonly rule: Rule) {
    super(`the branch of ${rule} is skipped`);
    this.name = 'BranchSkipped';
  }
}

/** Runs one event's processing; a skipped branch ends it there, as if the rest had not been written. */
export function skippable(event: () => void): void {
  try {
    event();
  } catch (error) {
    if (!(error instanceof BranchSkipped)) throw error;
  }
}
