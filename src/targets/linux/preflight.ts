/**
 * Checks, before anything is created, that this machine can host the linux target, and says in one
 * sentence what is missing when it cannot.
 */
import fs from 'node:fs';
import path from 'node:path';

import { addonPath, agentPath } from './native';
import { TargetSetupError } from './setup-error';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

export interface HostTools {
  /** Absolute path of iproute2's `ip`. */
  readonly ip: string;
}

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
  if (!hasCapabilities(CAP_NET_ADMIN, CAP_SYS_ADMIN)) {
    throw new TargetSetupError(
      'The linux target needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces and TUN devices; run as root.',
    );
  }
  if (!fs.existsSync('/dev/net/tun')) {
    throw new TargetSetupError('/dev/net/tun is missing: load the tun module (modprobe tun).');
  }
  const ip = findExecutable('ip', ['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  if (ip === undefined) {
    throw new TargetSetupError('ip (iproute2) is not installed: apt-get install iproute2.');
  }
  if (!fs.existsSync(addonPath) || !isExecutable(agentPath)) {
    throw new TargetSetupError(
      "The linux target's native parts are not built: run npm ci (or npm_config_nodedir=/usr npx node-gyp rebuild).",
    );
  }
  return { ip };
}

/** Whether this process's effective capability set holds all of `capabilities` (bit numbers). */
function hasCapabilities(...capabilities: bigint[]): boolean {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const match = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
  if (match?.[1] === undefined) return false;
  const effective = BigInt(`0x${match[1]}`);
  return capabilities.every((capability) => ((effective >> capability) & 1n) === 1n);
}

/** `name` on PATH or in `fallbackDirectories` (sbin is often missing from a non-root PATH). */
function findExecutable(name: string, fallbackDirectories: string[]): string | undefined {
  const directories = [...(process.env.PATH ?? '').split(path.delimiter), ...fallbackDirectories];
  return directories
    .filter((directory) => directory !== '')
    .map((directory) => path.join(directory, name))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
