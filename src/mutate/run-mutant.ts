/**
 * One mutant against cases: each case runs with the mutant as its target, on the virtual clock, while
 * the oracle keeps the true machine with the same profile. A case that fails or errors kills the mutant.
 */
import type { Mutation, Profile } from '../reference';
import type { CaseResult } from '../runner/result';
import { runCase } from '../runner/run-case';
import { profileIn } from '../runner/families';
import type { Case } from '../suite/case';
import { ReferenceTarget } from '../targets/reference';
import type { Mutant } from './operators';

export interface CaseOutcome {
  readonly verdict: CaseResult['verdict'];
  /** Why it failed, errored or was skipped. */
  readonly reason?: string;
}

/**
 * The most rules one case may make a mutant fire: the longest case of the project's suite fires a few
 * thousand. A defect can make the machine loop (send, fire, send again without end); past this the
 * mutant has run away, which ends the case as an error, as a stack that hangs would.
 */
const RULE_BUDGET = 1_000_000;

/** `mutation` (or none) with the rule budget on top. */
function withBudget(mutation: Mutation | undefined): Mutation {
  let fired = 0;
  return {
    ...mutation,
    fired(rule) {
      if (++fired > RULE_BUDGET) throw new Error(`the mutant ran away: more than ${RULE_BUDGET} rules fired in one case`);
      mutation?.fired?.(rule);
    },
  };
}

/**
 * Runs `testCase` on the machine with `machineProfile` and `mutation`, the oracle keeping the true machine
 * with `oracleProfile`; over IPv4, or over the family the case names.
 */
export async function runOnMachine(testCase: Case, oracleProfile: Profile, machineProfile: Profile, mutation: Mutation | undefined): Promise<CaseOutcome> {
  const family = testCase.family ?? 'ipv4';
  const machine = profileIn(machineProfile, family);
  // As the oracle builds its machine: a buffer the unscaled window field cannot offer is offered as far as it reaches.
  const target = new ReferenceTarget({ ...machine, receiveBuffer: Math.min(machine.receiveBuffer, 0xffff) }, withBudget(mutation), family);
  try {
    const result = await runCase(testCase, target, profileIn(oracleProfile, family));
    return { verdict: result.verdict, ...(result.reason !== undefined && { reason: result.reason }) };
  } finally {
    await target.close();
  }
}

export interface Kill {
  /** The id of the case that told the mutant from the machine. */
  readonly caseId: string;
  readonly verdict: 'fail' | 'error';
  readonly reason: string;
}

export interface MutantRun {
  readonly mutantId: string;
  /** How many cases ran against it. */
  readonly ran: number;
  /** Every case that failed or errored with the mutant as target. */
  readonly killedBy: readonly Kill[];
}

/** Runs every case of `cases` against `mutant`. */
export async function runMutant(mutant: Mutant, cases: readonly Case[], profile: Profile): Promise<MutantRun> {
  const killedBy: Kill[] = [];
  for (const testCase of cases) {
    const outcome = await runOnMachine(testCase, profile, mutant.profileFor(profile), mutant.mutation());
    if (outcome.verdict === 'fail' || outcome.verdict === 'error') killedBy.push({ caseId: testCase.id, verdict: outcome.verdict, reason: outcome.reason ?? '' });
  }
  return { mutantId: mutant.id, ran: cases.length, killedBy };
}
