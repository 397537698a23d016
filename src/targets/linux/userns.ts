/**
 * The linux target without root: each target's namespaces belong to a user namespace of its own.
 *
 * An unprivileged user cannot use `ip netns add` (it bind-mounts the namespace under /run/netns, which
 * only root may write), and cannot enter a namespace it made from the harness itself (a multithreaded
 * process cannot join a user namespace). So the agent holds the namespaces: it is started as
 * `unshare --user --map-root-user --net -- agent`, root inside a user namespace that maps only the user
 * running the harness, in a network namespace that user namespace owns. The TUN addon makes the device
 * from a forked child that joins both (native/tun.c), `nsenter` runs `ip` inside to configure it, and
 * nothing has a name: the namespaces end with the agent and the TUN, however the harness ends (the
 * agent exits when its stdin closes), so there is nothing to delete and nothing to reap.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';

import { NAMESPACE_SETUP } from './namespace';

/** How long the agent may take to be inside its namespaces: unshare, two map writes and an exec. */
const STARTUP_MS = 10_000;

/**
 * Whether this user may make a user namespace holding a network namespace and configure it: undefined
 * when it may, else what refused it. Running `ip` inside also catches kernels (AppArmor's
 * apparmor_restrict_unprivileged_userns) that allow the namespace but no capability in it.
 */
export function probeUserNamespaces(unshare: string, ip: string): string | undefined {
  const probe = spawnSync(unshare, ['--user', '--map-root-user', '--net', '--', ip, 'link', 'set', 'dev', 'lo', 'up'], {
    encoding: 'utf8',
    timeout: STARTUP_MS,
  });
  if (probe.status === 0) return undefined;
  if (probe.error) return probe.error.message;
  const complaint = probe.stderr.trim().split('\n')[0] ?? '';
  return complaint !== '' ? complaint : `exit code ${probe.status ?? probe.signal}`;
}

/** The command that starts `agent` as the holder of a fresh user and network namespace. */
export function holderCommand(unshare: string, agent: string): [string, ...string[]] {
  return [unshare, '--user', '--map-root-user', '--net', '--', agent];
}

/** The namespace files of the holder `pid`, as the TUN addon and nsenter take them. */
export function holderNamespaces(pid: number): { readonly user: string; readonly net: string } {
  return { user: `/proc/${pid}/ns/user`, net: `/proc/${pid}/ns/net` };
}

/**
 * Waits until the holder `pid` runs `agent`: unshare execs it only once the namespaces exist and the
 * user namespace's id maps are written, so the namespaces are complete from then on. `failure` says why
 * the holder is gone, if it is.
 */
export async function waitForHolder(pid: number, agent: string, failure: () => Error | undefined): Promise<void> {
  const expected = fs.realpathSync(agent);
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    const problem = failure();
    if (problem) throw problem;
    let exe: string | undefined;
    try {
      exe = fs.readlinkSync(`/proc/${pid}/exe`);
    } catch {
      exe = undefined;
    }
    if (exe === expected) return;
    if (Date.now() > deadline) throw new Error(`the agent did not start inside its namespaces within ${STARTUP_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Brings up `lo` and the TUN inside the holder's namespaces, as configureNamespace does by name. */
export async function configureHolder(nsenter: string, ip: string, pid: number, batch: string = NAMESPACE_SETUP): Promise<void> {
  // --preserve-credentials: nsenter would otherwise call setgroups, which unshare --map-root-user denies
  // in the namespace; the user is root inside anyway, through the map.
  const args = ['--target', String(pid), '--user', '--net', '--preserve-credentials', '--', ip, '-batch', '-'];
  await new Promise<void>((resolve, reject) => {
    const child = execFile(nsenter, args, (error, _stdout, stderr) => {
      if (error) reject(new Error(`nsenter ${args.join(' ')} failed: ${stderr.trim() || error.message}`, { cause: error }));
      else resolve();
    });
    // When nsenter fails before reading, the write fails with EPIPE: its exit and complaint are what count.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(batch);
  });
}
