/**
 * A worker thread of `tcpconform mutate` (pool.ts): it holds the selected cases and the profile, and
 * runs each mutant it is handed against the cases the pool names, answering with what killed it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Profile } from '../reference';
import type { Case } from '../suite/case';
import { allMutants } from './operators';
import { runMutant } from './run-mutant';

export interface WorkerData {
  readonly cases: readonly Case[];
  readonly profile: Profile;
}

/** A mutant to run, and the indexes (into the worker's cases) of the cases that reach it. */
export interface Job {
  readonly mutantId: string;
  readonly caseIndexes: readonly number[];
}

const { cases, profile } = workerData as WorkerData;
const mutants = new Map(allMutants().map((mutant) => [mutant.id, mutant]));

parentPort?.on('message', (job: Job) => {
  const mutant = mutants.get(job.mutantId);
  if (mutant === undefined) throw new Error(`no mutant ${job.mutantId}`);
  void runMutant(mutant, job.caseIndexes.map((i) => cases[i]!), profile).then((run) => parentPort?.postMessage(run));
});
