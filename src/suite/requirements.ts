/**
 * RFC 9293 Appendix B's requirement IDs, sorted by how a harness can observe them
 * (../shared/rfc9293-requirements.md keeps the reasoning for each). Pure data, and what the suite's
 * coverage is counted against: every ID of the three wire kinds should be named by a case.
 */
import type { Case } from './case';

/**
 * - `W`: on the wire, from the peer's side alone;
 * - `W+T`: on the wire once the target's application acts (connects, writes, closes, sets an option);
 * - `W~`: only partly on the wire (statistical, timing heuristics, very long timers);
 * - `API`: only at the application interface; `INT`: internal; `N/A`: guidance for applications.
 */
export type Testability = 'W' | 'W+T' | 'W~' | 'API' | 'INT' | 'N/A';

const BY_TESTABILITY: Readonly<Record<Testability, readonly string[]>> = {
  W: [
    'MUST-2', 'MUST-3', 'MUST-4', 'MUST-5', 'MUST-6', 'MUST-7', 'MUST-14', 'MUST-40', 'MUST-45', 'MUST-50',
    'MUST-53', 'MUST-54', 'MUST-55', 'MUST-56', 'MUST-57', 'MUST-63', 'MUST-64', 'MUST-65', 'MUST-66',
    'MUST-68', 'MUST-69', 'SHLD-2', 'SHLD-5', 'SHLD-8', 'SHLD-14', 'SHLD-18', 'SHLD-19', 'SHLD-24', 'SHLD-26',
    'SHLD-31', 'MAY-3', 'MAY-4', 'MAY-10', 'MAY-11', 'MAY-12', 'MAY-13',
  ],
  'W+T': [
    'MUST-1', 'MUST-10', 'MUST-11', 'MUST-13', 'MUST-15', 'MUST-16', 'MUST-22', 'MUST-23', 'MUST-26', 'MUST-29',
    'MUST-30', 'MUST-31', 'MUST-34', 'MUST-35', 'MUST-36', 'MUST-37', 'MUST-38', 'MUST-39', 'MUST-60', 'MUST-61',
    'MUST-62', 'SHLD-3', 'SHLD-4', 'SHLD-7', 'SHLD-12', 'SHLD-15', 'SHLD-16', 'SHLD-17', 'SHLD-22', 'SHLD-28',
    'SHLD-29', 'SHLD-30', 'MAY-2', 'MAY-5', 'MAY-6', 'MAY-7', 'MAY-8', 'MAY-16',
  ],
  'W~': [
    'MUST-8', 'MUST-9', 'MUST-18', 'MUST-19', 'MUST-20', 'MUST-25', 'MUST-28', 'MUST-58', 'MUST-59', 'MUST-67',
    'SHLD-1', 'SHLD-11', 'SHLD-27', 'REC-1', 'MAY-18',
  ],
  API: [
    'MUST-12', 'MUST-17', 'MUST-21', 'MUST-24', 'MUST-27', 'MUST-32', 'MUST-33', 'MUST-41', 'MUST-42', 'MUST-43',
    'MUST-46', 'MUST-47', 'MUST-48', 'MUST-49', 'MUST-51', 'MUST-52', 'SHLD-9', 'SHLD-20', 'SHLD-21', 'SHLD-25',
    'MAY-1', 'MAY-9', 'MAY-14', 'MAY-15', 'MAY-17',
  ],
  INT: ['MUST-44', 'SHLD-6', 'SHLD-10'],
  'N/A': ['SHLD-13', 'SHLD-23'],
};

/** The kinds a harness on the wire can test, with or without the target's application acting. */
export const WIRE_TESTABLE: readonly Testability[] = ['W', 'W+T', 'W~'];

/** How `id` (an Appendix B ID, `MUST-13`) can be observed; undefined for an ID Appendix B does not have. */
export function testabilityOf(id: string): Testability | undefined {
  return (Object.keys(BY_TESTABILITY) as Testability[]).find((kind) => BY_TESTABILITY[kind].includes(id));
}

/** The Appendix B ID a case's requirement refines: `MUST-15/ipv4` names MUST-15; synthetic ids name none. */
export function appendixBId(requirement: string): string | undefined {
  const id = requirement.split('/')[0] as string;
  return testabilityOf(id) === undefined ? undefined : id;
}

export interface Coverage {
  /** Every wire-testable ID, in Appendix B's order by kind. */
  readonly testable: readonly string[];
  /** Those a case names. */
  readonly covered: readonly string[];
  /** Those no case names. */
  readonly uncovered: readonly string[];
}

/** Which of the wire-testable IDs the cases name. */
export function wireCoverage(cases: readonly Pick<Case, 'spec'>[]): Coverage {
  const named = new Set(cases.flatMap((c) => c.spec.requirements.map(appendixBId)));
  const testable = WIRE_TESTABLE.flatMap((kind) => BY_TESTABILITY[kind]);
  return { testable, covered: testable.filter((id) => named.has(id)), uncovered: testable.filter((id) => !named.has(id)) };
}
