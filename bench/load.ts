/** A CPU load for benchmarks that ask how the harness holds up on a busy machine: one busy loop per core. */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface Load {
  readonly loops: number;
  stop(): void;
}

/** Starts one busy loop per core; `stop()` ends them (also when this process is interrupted). */
export function startLoad(): Load {
  const children: ChildProcess[] = Array.from({ length: availableParallelism() }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  const stop = (): void => void children.forEach((child) => child.kill('SIGKILL'));
  process.once('SIGINT', () => {
    stop();
    process.exit(130);
  });
  process.once('exit', stop);
  return { loops: children.length, stop };
}

/** The median of `values` (the upper one of an even count), 0 for none. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}
