/**
 * Aggregates of a run's results for the index page: counts by verdict, by area, by requirement level
 * and by RFC 9293 requirement, and the matrix of cases against targets. Pure: results in, tables out.
 */
import { runOf, VERDICTS, type CaseResult, type Verdict } from '../runner/result';

export type VerdictCounts = Readonly<Record<Verdict, number>> & { readonly total: number };

export function countVerdicts(results: readonly CaseResult[]): VerdictCounts {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const r of results) counts[r.verdict]++;
  return { ...counts, total: results.length };
}

/** The verdict that speaks for a group: any failure fails it, then errors, waivers, passes, skips. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return VERDICTS.find((v) => verdicts.includes(v)) ?? 'skip';
}

export interface Group {
  readonly key: string;
  readonly counts: VerdictCounts;
}

/** Results grouped by `keyOf`, in first-seen order. */
export function groupBy(results: readonly CaseResult[], keyOf: (r: CaseResult) => string): Group[] {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) groups.set(keyOf(r), [...(groups.get(keyOf(r)) ?? []), r]);
  return [...groups].map(([key, members]) => ({ key, counts: countVerdicts(members) }));
}

/** A RFC 9293 Appendix B requirement (or a synthetic id) with the cases that prove it. */
export interface RequirementRow {
  readonly requirement: string;
  /** The verdict per target, worst over the requirement's cases. */
  readonly verdicts: readonly { readonly target: string; readonly verdict: Verdict }[];
  readonly cases: readonly string[];
}

const byRequirementId = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true });

export function requirementTable(results: readonly CaseResult[], targets: readonly string[]): RequirementRow[] {
  const ids = [...new Set(results.flatMap((r) => r.spec.requirements))].sort(byRequirementId);
  return ids.map((requirement) => {
    const proving = results.filter((r) => r.spec.requirements.includes(requirement));
    return {
      requirement,
      cases: [...new Set(proving.map((r) => r.id))],
      verdicts: targets.map((target) => ({
        target,
        verdict: worstVerdict(proving.filter((r) => runOf(r) === target).map((r) => r.verdict)),
      })),
    };
  });
}

export interface MatrixRow {
  readonly id: string;
  readonly title: string;
  readonly level: string;
  /** One cell per target, in the matrix's target order; absent where the target did not run the case. */
  readonly cells: readonly (CaseResult | undefined)[];
}

/** Cases as rows, targets as columns. */
export function matrix(results: readonly CaseResult[], targets: readonly string[]): MatrixRow[] {
  const ids = [...new Set(results.map((r) => r.id))];
  return ids.map((id) => {
    const first = results.find((r) => r.id === id) as CaseResult;
    return {
      id,
      title: first.title,
      level: first.level,
      cells: targets.map((target) => results.find((r) => r.id === id && runOf(r) === target)),
    };
  });
}

export function targetsOf(results: readonly CaseResult[]): string[] {
  return [...new Set(results.map((r) => runOf(r)))];
}

/**
 * Results in the order a report lists them — targets as they first appear, cases by id — so a report
 * rendered again from results.jsonl (written in the order cases finished) is the same report.
 */
export function inReportOrder(results: readonly CaseResult[]): CaseResult[] {
  const targets = targetsOf(results);
  return [...results].sort((a, b) => targets.indexOf(runOf(a)) - targets.indexOf(runOf(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
