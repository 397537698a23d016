/**
 * A case's kernel settings (sysctl names and values), written inside the target's own network
 * namespace. /proc/sys/net shows the namespace of the process that opens it, so a writer that has
 * entered the namespace reaches that namespace's settings only; the host-wide ones the kernel shows
 * a child namespace it refuses to write. Only `net.` settings are taken: the rest are the host's.
 */
import { execFile } from 'node:child_process';

import type { KernelSettings } from '../target';

const NAME = /^net(\.[a-z0-9_-]+)+$/;
const VALUE = /^[0-9]+( [0-9]+)*$/;

/** Writes each `path=value` argument to /proc/sys/path, stopping at the first that fails. */
const WRITE_SCRIPT = 'set -e; for setting; do printf "%s\\n" "${setting#*=}" > "/proc/sys/${setting%%=*}"; done';

/** `net/ipv4/tcp_syn_retries=1` for each setting; throws, naming it, for one that is not a network setting. */
export function settingArguments(settings: KernelSettings): string[] {
  return Object.entries(settings).map(([name, value]) => {
    if (!NAME.test(name)) throw new Error(`${name} is not a network setting (net.…): the linux target sets only those, inside its namespace`);
    if (!VALUE.test(value)) throw new Error(`${name}: '${value}' is not a number or numbers separated by spaces`);
    return `${name.replaceAll('.', '/')}=${value}`;
  });
}

/**
 * Applies `settings` with `enter`, the command that runs a program inside the namespace (`ip netns exec
 * NAME`, or `nsenter … --`); rejects with the kernel's complaint about the first it refuses.
 */
export async function applyKernelSettings(enter: readonly string[], settings: KernelSettings): Promise<void> {
  const [program, ...args] = [...enter, 'sh', '-c', WRITE_SCRIPT, 'sh', ...settingArguments(settings)];
  await new Promise<void>((resolve, reject) => {
    execFile(program as string, args, (error, _stdout, stderr) => {
      const written = Object.entries(settings).map(([name, value]) => `${name}=${value}`).join(', ');
      if (error) reject(new Error(`setting ${written} inside the namespace failed: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve();
    });
  });
}
