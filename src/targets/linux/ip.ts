/**
 * Runs iproute2's `ip`, with its complaint in the error when it fails.
 */
import { execFile, execFileSync } from 'node:child_process';

export async function runIp(ip: string, args: readonly string[], input?: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = execFile(ip, args, (error, _stdout, stderr) => {
      if (error) reject(ipError(args, error, stderr));
      else resolve();
    });
    child.stdin?.end(input);
  });
}

/** Runs `command` (`ip`, or a command that enters a namespace and runs `ip` there) and returns what it printed. */
export async function ipOutput(command: readonly string[]): Promise<string> {
  const [program, ...args] = command as [string, ...string[]];
  return new Promise<string>((resolve, reject) => {
    execFile(program, args, (error, stdout, stderr) => {
      if (error) reject(ipError(args, error, stderr));
      else resolve(stdout);
    });
  });
}

export function runIpSync(ip: string, args: readonly string[]): void {
  try {
    execFileSync(ip, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    throw ipError(args, error as Error, String((error as { stderr?: Buffer }).stderr ?? ''));
  }
}

function ipError(args: readonly string[], error: Error, stderr: string): Error {
  const complaint = stderr.trim() || error.message;
  return new Error(`ip ${args.join(' ')} failed: ${complaint}`, { cause: error });
}
