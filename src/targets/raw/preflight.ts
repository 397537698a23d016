/**
 * Checks, before anything is created, that this machine can host the harness's side of a raw target,
 * and says in one sentence what is missing when it cannot. Whether the target itself answers is the
 * driver's probe (probe.ts), which needs the config.
 */
import { findExecutable } from '../find-executable';
import { reapStaleNamespaces } from '../linux/reap';
import { TargetSetupError } from '../linux/setup-error';
import { loads, missingNativeParts, setupCommand } from '../native-parts';
import { loadNetnsAddon } from './native';
import type { RawTools } from './sandbox';

let checked: RawTools | undefined;

export function checkRawHost(): RawTools {
  checked ??= runChecks();
  return checked;
}

function runChecks(): RawTools {
  if (process.platform !== 'linux') throw new TargetSetupError(`The raw target's harness side runs only on Linux, not on ${process.platform}.`);
  // Namespaces, raw sockets, SO_MARK and nftables each need root's capabilities; no user-namespace way
  // gives a raw socket a link that reaches another host.
  if (process.geteuid?.() !== 0) throw new TargetSetupError('The raw target needs root (network namespaces, raw sockets and an nftables rule); run as root.');
  const ip = findExecutable('ip');
  if (ip === undefined) throw new TargetSetupError('ip (iproute2) is not installed: apt-get install iproute2.');
  if (!loads(loadNetnsAddon)) {
    throw new TargetSetupError(missingNativeParts('raw', 'the namespace addon'));
  }
  try {
    require('raw-socket');
  } catch (error) {
    throw new TargetSetupError(`The raw-socket package does not load (${(error as Error).message.split('\n')[0]}): run ${setupCommand('raw')}, which builds it.`);
  }
  // A missing nft is reported at set-up, with the rule to add by hand (rst-rule.ts).
  return { ip, nft: findExecutable('nft') ?? 'nft' };
}

/** Removes namespaces killed runs left behind (the raw target's are named like the linux target's). */
export function reapStale(): void {
  try {
    reapStaleNamespaces();
  } catch (error) {
    // The reaper checks for the linux target's TUN; a machine without it had no linux namespaces to leave.
    if (!(error instanceof TargetSetupError)) throw error;
  }
}
