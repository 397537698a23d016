import type { SourcePosition } from './case';

/** Something wrong with a suite file, said so that a person can find it and fix it. */
export interface SuiteProblem extends SourcePosition {
  readonly message: string;
}

/** `suites/x.yaml:12:5: steps[3].send.flags: …`, the form editors and terminals turn into links. */
export function formatProblem(problem: SuiteProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}`;
}
