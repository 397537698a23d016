/**
 * Checks, before anything is created, that this machine can host the linux target, and says in one
 * sentence what is missing when it cannot.
 *
 * As root (or with CAP_NET_ADMIN and CAP_SYS_ADMIN) the target's namespaces are made with `ip netns`.
 * Without, they are made inside user namespaces of the harness's own (`unshare -Urn`), where the kernel
 * lets an unprivileged user have them (see userns.ts).
 */
import fs from 'node:fs';

import { findExecutable, isExecutable } from '../find-executable';
import { loads, missingNativeParts } from '../native-parts';
import { agentPath, loadTunAddon } from './native';
import { TargetSetupError } from './setup-error';
import { probeUserNamespaces } from './userns';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

export type HostTools =
  /** Namespaces made and named with `ip netns`: the process holds the capabilities. */
  | { readonly privilege: 'root'; /** Absolute path of iproute2's `ip`. */ readonly ip: string }
  /** Each target's namespaces held by its agent, started with util-linux's `unshare` and entered with `nsenter`. */
  | { readonly privilege: 'user-namespace'; readonly ip: string; readonly unshare: string; readonly nsenter: string };

let checked: HostTools | undefined;

/** Resolves the tools the target needs, or throws a TargetSetupError naming what is missing. */
export function checkLinuxHost(): HostTools {
  checked ??= runChecks();
  return checked;
}

function runChecks(): HostTools {
  if (process.platform !== 'linux') {
    throw new TargetSetupError(`The linux target runs only on Linux, not on ${process.platform}.`);
  }
  if (!fs.existsSync('/dev/net/tun')) {
    throw new TargetSetupError('/dev/net/tun is missing: load the tun module (modprobe tun).');
  }
  const ip = findExecutable('ip');
  if (ip === undefined) {
    throw new TargetSetupError('ip (iproute2) is not installed: apt-get install iproute2.');
  }
  // Loaded, not only looked for: a prebuilt addon may not fit this machine's C library.
  if (!isExecutable(agentPath) || !loads(loadTunAddon)) {
    throw new TargetSetupError(missingNativeParts('linux', 'the TUN addon and the application agent'));
  }
  if (hasCapabilities(CAP_NET_ADMIN, CAP_SYS_ADMIN)) return { privilege: 'root', ip };
  // Root stripped of its capabilities cannot take the user-namespace way either: the kernel lets no one
  // without CAP_SETFCAP map uid 0 into a user namespace (Linux 5.12 and later).
  if (process.geteuid?.() === 0) {
    throw new TargetSetupError(
      'The linux target needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces and TUN devices; run as root.',
    );
  }
  return userNamespaceTools(ip);
}

/** The tools for a process without the capabilities, or the one sentence saying what it needs instead. */
function userNamespaceTools(ip: string): HostTools {
  const unshare = findExecutable('unshare');
  const nsenter = findExecutable('nsenter');
  if (unshare === undefined || nsenter === undefined) {
    throw new TargetSetupError(
      'The linux target needs root, or unprivileged user namespaces through util-linux (unshare, nsenter), which is not installed: run as root, or apt-get install util-linux.',
    );
  }
  const refusal = probeUserNamespaces(unshare, ip);
  if (refusal !== undefined) {
    throw new TargetSetupError(
      `The linux target needs root, or unprivileged user namespaces, which this machine refuses (unshare -Urn: ${refusal}): run as root, or allow them with sysctl -w user.max_user_namespaces=10000 (and kernel.unprivileged_userns_clone=1 or kernel.apparmor_restrict_unprivileged_userns=0 where those exist).`,
    );
  }
  try {
    fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
  } catch {
    throw new TargetSetupError('The linux target needs root, or read and write access to /dev/net/tun for this user: run as root, or chmod 0666 /dev/net/tun (its usual mode).');
  }
  return { privilege: 'user-namespace', ip, unshare, nsenter };
}

/** Whether this process's effective capability set holds all of `capabilities` (bit numbers). */
function hasCapabilities(...capabilities: bigint[]): boolean {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (match?.[1] === undefined) return false;
  const effective = BigInt(`0x${match[1]}`);
  return capabilities.every((capability) => ((effective >> capability) & 1n) === 1n);
}

