/**
 * Which mutants a case can tell apart at all. A mutant is the true machine until one of its seams
 * answers otherwise: until its rule fires, until a segment of its form goes out that its alteration
 * changes, until its boundary is compared at the boundary, until its timer starts. So each case runs
 * once on the true machine with a mutation that changes nothing and notes each such moment (a key of
 * `reach`, operators.ts); a mutant then runs only on the cases that reach it, and a mutant no case
 * reaches survives without running.
 */
import { relationHolds, relationOf, type Boundary, type Mutation, type Profile, type Relation } from '../reference';
import type { Case } from '../suite/case';
import { ALL_FORMS, alterationsOf, type Alteration } from './alterations';
import { runOnMachine, type CaseOutcome } from './run-mutant';
import { reach } from './operators';

const ALTERATIONS = new Map(ALL_FORMS.map((form) => [form, alterationsOf(form)] as const));

/** Whether `alteration` changes `segment`: a segment it leaves as it is shows nothing. */
function changes(alteration: Alteration, segment: Parameters<Alteration['apply']>[0], other: Parameters<Alteration['apply']>[1]): boolean {
  const altered = alteration.apply(segment, other);
  return altered.seq !== segment.seq || altered.ack !== segment.ack || altered.flags !== segment.flags;
}

/** A mutation that changes nothing and notes in `keys` every moment a mutant would answer otherwise. */
function recorder(keys: Set<string>): Mutation {
  const relations = new Map<Boundary, Relation>();
  return {
    fired: (rule) => void keys.add(reach.rule(rule)),
    emitting(form, segment, other) {
      for (const alteration of ALTERATIONS.get(form) ?? []) if (changes(alteration, segment, other)) keys.add(reach.form(form, alteration.name));
      return segment;
    },
    shift(boundary, a, b) {
      let op = relations.get(boundary);
      if (op === undefined) relations.set(boundary, (op = relationOf(boundary).op));
      const truly = relationHolds(op, a, b);
      if (relationHolds(op, a, b + 1) !== truly) keys.add(reach.boundary(boundary, 1));
      if (relationHolds(op, a, b - 1) !== truly) keys.add(reach.boundary(boundary, -1));
      return 0;
    },
    arming(timer, delayMs) {
      if (delayMs > 0) keys.add(reach.timer(timer));
      return delayMs;
    },
  };
}

export interface Coverage {
  readonly testCase: Case;
  /** How the case went on the true machine: a case that does not pass there measures nothing. */
  readonly outcome: CaseOutcome;
  /** The `reach` keys the case's run showed. */
  readonly keys: ReadonlySet<string>;
}

/** Runs each case on the true machine with `profile`, noting what it reaches. */
export async function coverageOf(cases: readonly Case[], profile: Profile): Promise<Coverage[]> {
  const coverage: Coverage[] = [];
  for (const testCase of cases) {
    const keys = new Set<string>();
    const outcome = await runOnMachine(testCase, profile, profile, recorder(keys));
    coverage.push({ testCase, outcome, keys });
  }
  return coverage;
}
