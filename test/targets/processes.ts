/**
 * Child processes and the host's view of namespaces and devices, for the linux target's tests.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { RawConfig } from '../../src/targets/raw';

export function namespacesOnHost(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

/** Names of the TUN devices in `namespace`, or in the host's own namespace when it is absent. */
export function tunDevices(namespace?: string): string[] {
  const where = namespace === undefined ? [] : ['-n', namespace];
  return execFileSync('ip', [...where, '-o', 'link', 'show', 'type', 'tun'], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

export interface TargetChild {
  readonly process: ChildProcessWithoutNullStreams;
  /** The namespace of the child's first target. */
  readonly namespace: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote to stderr so far: why it stopped, when it did. */
  stderr(): string;
}

const children = new Set<ChildProcessWithoutNullStreams>();

/** Kills every child a test started and did not see end: a failed assertion must not leave one churning. */
export function killTargetChildren(): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
}

/** Starts fixtures/target-child.ts and waits until its first target exists: a linux one, or raw with `raw`. */
export async function startTargetChild(mode: 'hold' | 'churn', raw?: RawConfig): Promise<TargetChild> {
  const args = raw === undefined ? [mode] : [mode, JSON.stringify(raw)];
  const child = spawn(process.execPath, ['-r', 'esbuild-register', path.join(__dirname, 'fixtures/target-child.ts'), ...args], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: 'pipe',
  });
  children.add(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(() => reject(new Error(`the child exited before its target was up: ${stderr}`)));
  });
  return { process: child, namespace: await firstLine, exited, stderr: () => stderr };
}
