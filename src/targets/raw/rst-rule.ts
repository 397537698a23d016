/**
 * Keeps the harness's own kernel from answering the target. The harness plays the peer with a raw
 * socket, so the kernel of the harness's namespace sees the target's segments arrive for ports where it
 * has no socket, and answers each with a RST that would tear down the very connection under test.
 *
 * The rule drops those RSTs on their way out and lets the harness's own through. Both leave by the
 * OUTPUT hook (a raw socket's IP_HDRINCL packets pass it too), so the hook alone cannot tell them apart;
 * what does is the mark: the harness's raw socket sets SO_MARK on everything it sends, and the kernel's
 * resets carry none (it sends them from a socket of its own, marked 0 unless fwmark_reflect is set).
 * Dropping the target's segments on their way in instead would blind the raw socket as well, which only
 * sees what passed the INPUT hook. The rule is narrowed to the peer's wire ports, so the agent's control
 * connection, which also runs in this namespace, keeps its own RSTs.
 *
 * The rule is the same for IPv6 in a table of that family (the kernel's IPv6 resets leave by the same
 * hook, unmarked too). It lives in the harness's namespace only, and goes with it.
 */
import { execFile } from 'node:child_process';

import { TargetSetupError } from '../linux/setup-error';
import type { AddressFamily } from '../family';
import type { FamilyAddresses, PortRange } from './config';

/** What the harness's raw socket marks its packets with: "tcrf". */
export const HARNESS_MARK = 0x74637266;
export const RULE_TABLE = 'tcpconform_raw';

/** What the rule is about: the family's addresses and the peer's wire ports. */
export interface RuleScope extends FamilyAddresses {
  readonly family: AddressFamily;
  readonly peerPorts: PortRange;
}

/** nftables' name for the family, of both the table and the address match. */
function nftFamily(family: AddressFamily): 'ip' | 'ip6' {
  return family === 'ipv4' ? 'ip' : 'ip6';
}

/** The rule as an `nft -f` file. Its counter tells how many of the kernel's resets it dropped. */
export function rstRule(scope: RuleScope): string {
  const { peer, target, peerPorts } = scope;
  const ip = nftFamily(scope.family);
  return `table ${ip} ${RULE_TABLE} {
  chain output {
    type filter hook output priority filter; policy accept;
    ${ip} saddr ${peer} ${ip} daddr ${target} tcp sport ${peerPorts.first}-${peerPorts.last} tcp flags & rst == rst meta mark != 0x${HARNESS_MARK.toString(16)} counter drop
  }
}
`;
}

/**
 * Installs the rule inside namespace `namespace` with `nft`. When it cannot, the TargetSetupError says why
 * and gives the exact rule, for an operator to install by hand or to find what their nftables lacks.
 */
export async function installRstRule(ip: string, nft: string, namespace: string, scope: RuleScope): Promise<void> {
  const rule = rstRule(scope);
  const failure = await new Promise<string | undefined>((resolve) => {
    const child = execFile(ip, ['netns', 'exec', namespace, nft, '-f', '-'], (error, _stdout, stderr) =>
      resolve(error ? stderr.trim() || error.message : undefined),
    );
    // An nft that cannot start closes its input before the rule is written (EPIPE on a loaded machine):
    // its exit status and stderr say why, so the write's own error adds nothing.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(rule);
  });
  if (failure !== undefined) {
    throw new TargetSetupError(
      `The raw target cannot install the nftables rule that keeps the harness's kernel from resetting the target's connections (${failure}); install nftables (apt-get install nftables), or add this rule to the harness's namespace by hand (nft -f FILE):\n${rule}`,
    );
  }
}

/** How many of the kernel's resets the rule for `family` has dropped in `namespace` (the rule's counter). */
export async function droppedResets(ip: string, nft: string, namespace: string, family: AddressFamily = 'ipv4'): Promise<number> {
  const listing = await new Promise<string>((resolve, reject) =>
    execFile(ip, ['netns', 'exec', namespace, nft, 'list', 'table', nftFamily(family), RULE_TABLE], (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  const match = /counter packets (\d+)/.exec(listing);
  if (!match) throw new Error(`no counter in the rule of ${namespace}: ${listing}`);
  return Number(match[1]);
}
