/** Runs the real `tcpconform` command line in a child process, as a user would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', 'bin', 'tcpconform');
export const ROOT = join(__dirname, '..', '..');

export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], timeoutMs = 120_000): CliOutcome {
  const child = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { code: child.status, signal: child.signal, stdout: child.stdout, stderr: child.stderr };
}

export function startCli(args: readonly string[]): { child: ChildProcess; done: Promise<CliOutcome> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliOutcome>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

/** Namespaces a given process of ours created and has not removed. */
export function namespacesOf(pid: number): string[] {
  const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  return list.split('\n').map((line) => line.split(' ')[0] ?? '').filter((name) => name.startsWith(`tcpconform-${pid}-`));
}

/**
 * The first cases of the suite (issue 2's): the CLI tests run these, so they stay quick however large
 * the suite grows; one test runs the whole suite, as the README's main command does.
 */
export const FIRST_CASES = [
  'handshake/passive-open',
  'handshake/active-open',
  'rst/closed-port-syn',
  'close/passive-close',
  'close/active-close',
  'window/data-both-directions',
] as const;

/** `--id` options selecting FIRST_CASES, over IPv4 alone (each case once). */
export const FIRST = [...FIRST_CASES.flatMap((id) => ['--id', id]), '--family', 'ipv4'];
