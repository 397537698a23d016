/**
 * The harness's network namespace: where the peer's address lives and its raw sockets are opened, so
 * nothing of the host's own networking is touched. Its one link is a veth pair made from inside it, its
 * far end created straight in the namespace the user names and joined to the bridge there; deleting the
 * harness's namespace destroys both ends. It routes only to the target (and the agent): whatever else
 * anything in it might address is unreachable. Over IPv6 the link gets the peer's IPv6 address beside the
 * IPv4 one (the agent's control connection stays IPv4), and no other: no link-local address, no router
 * solicitations.
 *
 * The far end transmits like a NIC onto a wire: checksums computed and segments cut to size before they
 * cross. A veth would otherwise hand the harness what a host's stack leaves for the hardware to finish —
 * TCP checksums holding only the pseudo-header's sum, 64 KB "segments" — and every case would see
 * checksum failures no wire ever carries.
 */
import fs from 'node:fs';

import type { AddressFamily } from '../family';
import { runIp, runIpSync } from '../linux/ip';
import { namespacePath, waitForIpv6 } from '../linux/namespace';
import { TargetSetupError } from '../linux/setup-error';
import { CONTROL_PORTS, addressesIn } from './config';
import type { RawConfig } from './config';
import type { NetnsAddon } from './native';

/** The harness's end of the link, in its own namespace. */
export const LINK_NAME = 'tcpraw0';

let farEnds = 0;

/** A name for the far end, unique in the far namespace and within IFNAMSIZ: `tcr<pid>-<n>`, base 36. */
export function nextFarEndName(): string {
  farEnds += 1;
  return `tcr${process.pid.toString(36)}-${farEnds.toString(36)}`;
}

/**
 * The same locally administered MAC for every namespace speaking as `peer` (02:74:63 and the address's
 * last three octets): the target's ARP cache, which outlives the harness's namespaces, stays right.
 */
export function peerMac(peer: string): string {
  const octets = peer.split('.').slice(1).map((octet) => Number(octet).toString(16).padStart(2, '0'));
  return `02:74:63:${octets.join(':')}`;
}

/** Settings inside the namespace, written from a thread that has entered it (/proc/sys/net is per namespace). */
function writeSysctls(addon: NetnsAddon, netnsPath: string, family: AddressFamily): void {
  addon.runIn(netnsPath, () => {
    if (family === 'ipv4') {
      // No IPv6 chatter (router solicitations, MLD) from the harness's side of the link.
      fs.writeFileSync('/proc/sys/net/ipv6/conf/all/disable_ipv6', '1');
      fs.writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1');
    } else {
      // For the link made next: the peer's address alone, no link-local one (nor its DAD), no router
      // solicitations. Neighbour discovery answers from the peer's address.
      fs.writeFileSync('/proc/sys/net/ipv6/conf/default/addr_gen_mode', '1');
      fs.writeFileSync('/proc/sys/net/ipv6/conf/default/accept_ra', '0');
    }
    // The control connection's port, apart from every peer port (config.ts).
    fs.writeFileSync('/proc/sys/net/ipv4/ip_local_port_range', `${CONTROL_PORTS.first} ${CONTROL_PORTS.last}`);
  });
}

/**
 * Builds the link, the peer's address and the routes in the (new, empty) namespace `name`. `farEnd` is the
 * name the link's far end gets (nextFarEndName), known to the caller before it exists so that cleanup can
 * remove it even when this fails half-way.
 */
export async function configureHarnessNamespace(
  ip: string,
  addon: NetnsAddon,
  name: string,
  netnsPath: string,
  farEnd: string,
  config: RawConfig,
  family: AddressFamily,
): Promise<void> {
  writeSysctls(addon, netnsPath, family);
  const { link } = config;
  const reachable = new Set([config.target, ...(config.application.mode === 'agent' ? [config.application.agent.host] : [])]);
  const ipv6 = family === 'ipv6' ? addressesIn(config, family) : undefined;
  const commands = [
    `link add ${LINK_NAME} address ${peerMac(config.peer)} type veth peer name ${farEnd} netns ${link.namespace}`,
    'link set dev lo up',
    `address add ${config.peer}/32 dev ${LINK_NAME}`,
    // nodad: usable at once; the address is the peer's alone on this link, as the IPv4 one is.
    ...(ipv6 ? [`address add ${ipv6.peer}/128 dev ${LINK_NAME} nodad`] : []),
    `link set dev ${LINK_NAME} up`,
    ...[...reachable].map((address) => `route add ${address}/32 dev ${LINK_NAME}`),
    ...(ipv6 ? [`route add ${ipv6.target}/128 dev ${LINK_NAME}`] : []),
  ];
  try {
    await runIp(ip, ['-netns', name, '-batch', '-'], `${commands.join('\n')}\n`);
    addon.disableOffloads(namespacePath(link.namespace), farEnd);
    await runIp(ip, ['-netns', link.namespace, 'link', 'set', 'dev', farEnd, 'master', link.bridge, 'up']);
    if (ipv6) await waitForIpv6(ip, [ip, 'netns', 'exec', name], ipv6.peer);
  } catch (error) {
    throw new TargetSetupError(
      `The raw target cannot make its link through namespace ${link.namespace} and bridge ${link.bridge} there (veth:${link.namespace}:${link.bridge}): ${(error as Error).message}`,
    );
  }
}

/**
 * Removes the link at once. Deleting the harness's namespace would take it too, but later: the kernel
 * dismantles a namespace in the background, and until then the old far end stays on the bridge beside
 * the next case's. Deleting one end of a veth pair removes both, synchronously.
 */
export function deleteLinkSync(ip: string, config: RawConfig, farEnd: string): void {
  try {
    runIpSync(ip, ['-netns', config.link.namespace, 'link', 'delete', 'dev', farEnd]);
  } catch {
    // Never made (set-up failed before), or gone with its namespace already.
  }
}

export async function deleteLink(ip: string, config: RawConfig, farEnd: string): Promise<void> {
  await runIp(ip, ['-netns', config.link.namespace, 'link', 'delete', 'dev', farEnd]).catch(() => undefined);
}
