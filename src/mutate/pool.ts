/**
 * Mutants in parallel: worker threads, each running whole mutants (one at a time) against their cases,
 * handed the next mutant as soon as one finishes, the costliest first. A mutant whose worker does not
 * answer in time hangs: the worker is ended and replaced, and the mutant counts as killed by the hang,
 * as a stack that hangs would fail its cases.
 */
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Profile } from '../reference';
import type { Case } from '../suite/case';
import type { MutantRun } from './run-mutant';
import type { Job, WorkerData } from './worker';

/** How long one mutant may take against its cases: the longest takes well under a second. */
const MUTANT_TIMEOUT_MS = 60_000;

/** A worker running this very file type: TypeScript through esbuild-register, as bin/tcpconform does, or compiled JavaScript. */
function startWorker(data: WorkerData): Worker {
  const file = join(__dirname, `worker${extname(__filename)}`);
  if (extname(file) !== '.ts') return new Worker(file, { workerData: data });
  const source = `require('esbuild-register/dist/node').register({ target: 'node20' }); require(${JSON.stringify(file)});`;
  return new Worker(source, { eval: true, workerData: data });
}

export interface PoolOptions {
  /** Workers at the same time. */
  readonly jobs: number;
  /** Told of each mutant as it finishes. */
  readonly onRun?: (run: MutantRun) => void;
}

/** Runs every job on `jobs` workers; the runs come back in the order of `jobs`. */
export async function runInWorkers(jobs: readonly Job[], cases: readonly Case[], profile: Profile, options: PoolOptions): Promise<MutantRun[]> {
  const data: WorkerData = { cases, profile };
  const order = jobs.map((job, index) => ({ job, index })).sort((a, b) => b.job.caseIndexes.length - a.job.caseIndexes.length);
  const runs: MutantRun[] = new Array(jobs.length);
  let next = 0;
  const finish = (index: number, run: MutantRun): void => {
    runs[index] = run;
    options.onRun?.(run);
  };
  const lane = async (): Promise<void> => {
    let worker = startWorker(data);
    try {
      while (next < order.length) {
        const { job, index } = order[next++]!;
        const run = await answer(worker, job);
        if (run === 'hung') {
          await worker.terminate();
          worker = startWorker(data);
          finish(index, { mutantId: job.mutantId, ran: job.caseIndexes.length, killedBy: [{ caseId: '*', verdict: 'error', reason: `the mutant hung: no answer within ${MUTANT_TIMEOUT_MS / 1000} s` }] });
        } else {
          finish(index, run);
        }
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, order.length)) }, lane));
  return runs;
}

/** The worker's run of `job`, 'hung' when it takes too long; a worker that breaks rejects. */
function answer(worker: Worker, job: Job): Promise<MutantRun | 'hung'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => settle(() => resolve('hung')), MUTANT_TIMEOUT_MS);
    const onMessage = (run: MutantRun): void => settle(() => resolve(run));
    const onError = (error: Error): void => settle(() => reject(new Error(`a mutate worker failed on mutant ${job.mutantId}: ${error.message}`)));
    const onExit = (code: number): void => settle(() => reject(new Error(`a mutate worker exited (code ${code}) on mutant ${job.mutantId}`)));
    function settle(then: () => void): void {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      then();
    }
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    worker.postMessage(job);
  });
}
