/**
 * The private network namespace of one linux target: its name, its set-up and its removal.
 *
 * Inside it the kernel under test is 198.18.0.1 and 2001:2::1, and the harness's peer, 198.18.0.2 and
 * 2001:2::2, is routed into the TUN device, so the kernel's segments to the peer come out of the TUN and
 * nothing leaves the namespace.
 */
import fs from 'node:fs';

import { ipOutput, runIp, runIpSync } from './ip';

export const TARGET_ADDRESS = '198.18.0.1';
export const PEER_ADDRESS = '198.18.0.2';
/**
 * The directed broadcast address of 198.18.0.0/24, the subnet the kernel's address is also on, so that
 * cases can address a broadcast (RFC 9293 §3.9.2.3) without leaving 198.18.0.0/15.
 */
export const BROADCAST_ADDRESS = '198.18.0.255';
/** The kernel's and the peer's IPv6 addresses, in 2001:2::/48 (RFC 5180), on a /64 of their own. */
export const TARGET_ADDRESS6 = '2001:2::1';
export const PEER_ADDRESS6 = '2001:2::2';
/** The TUN device's name; every namespace has its own, so one name serves them all. */
export const TUN_NAME = 'tcpconform0';

const NETNS_DIRECTORY = '/var/run/netns';
const NAME_PREFIX = 'tcpconform-';

let created = 0;

/** `tcpconform-<pid>-<n>`: unique on this machine, and tells the reaper which process owns it. */
export function nextNamespaceName(): string {
  created += 1;
  return `${NAME_PREFIX}${process.pid}-${created}`;
}

/** The pid in a name made by nextNamespaceName, or undefined for any other name. */
export function namespaceOwner(name: string): number | undefined {
  const match = /^tcpconform-([1-9][0-9]*)-[1-9][0-9]*$/.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function namespacePath(name: string): string {
  return `${NETNS_DIRECTORY}/${name}`;
}

/** The namespaces `ip netns` knows about on this machine. */
export function listNamespaces(): string[] {
  try {
    return fs.readdirSync(NETNS_DIRECTORY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Synchronous on purpose: no signal handler can run while it is under way, so a namespace never comes
 * into being after the cleanup that should have removed it.
 */
export function addNamespaceSync(ip: string, name: string): void {
  runIpSync(ip, ['netns', 'add', name]);
}

/**
 * `ip -batch` input that brings up `lo` and the TUN, routes the peer into the TUN, and puts the kernel's
 * address on a /24 as well, whose broadcast address the kernel then knows as one. The IPv6 address is
 * on a /64 whose other addresses are reached through the TUN (a point-to-point device: no neighbour
 * discovery), `nodad` so that it is usable at once: Duplicate Address Detection is left out for this
 * address of this namespace alone.
 */
export const NAMESPACE_SETUP = `${[
  'link set dev lo up',
  `link set dev ${TUN_NAME} up`,
  `address add ${TARGET_ADDRESS} peer ${PEER_ADDRESS} dev ${TUN_NAME}`,
  `address add ${TARGET_ADDRESS}/24 broadcast ${BROADCAST_ADDRESS} dev ${TUN_NAME}`,
  `address add ${TARGET_ADDRESS6}/64 dev ${TUN_NAME} nodad`,
].join('\n')}\n`;

/** How long the kernel may take to make the IPv6 address reachable before set-up fails. */
const IPV6_READY_MS = 2000;
const IPV6_READY_POLL_MS = 2;

/**
 * Waits until the kernel takes packets to its IPv6 address `address`: even without DAD, its local route
 * goes into the routing table from a workqueue (addrconf's DAD work), a moment after `ip address add`
 * returns, and a SYN that comes first is dropped. `enter` runs a program inside the namespace.
 */
export async function waitForIpv6(ip: string, enter: readonly string[], address = TARGET_ADDRESS6): Promise<void> {
  const show = [...enter, ip, '-6', 'route', 'show', 'table', 'local', address];
  for (let waited = 0; waited < IPV6_READY_MS; waited += IPV6_READY_POLL_MS) {
    if ((await ipOutput(show)).trim() !== '') return;
    await new Promise((resolve) => setTimeout(resolve, IPV6_READY_POLL_MS));
  }
  throw new Error(`the namespace's IPv6 address ${address} was not reachable after ${IPV6_READY_MS} ms`);
}

/** `ip -batch` input that sets the TUN's MTU. */
export function mtuSetup(mtu: number): string {
  return `link set dev ${TUN_NAME} mtu ${mtu}\n`;
}

/** Runs `batch` (by default NAMESPACE_SETUP: brings up `lo` and the TUN, routes the peer into it) in one `ip` process. */
export async function configureNamespace(ip: string, name: string, batch: string = NAMESPACE_SETUP): Promise<void> {
  await runIp(ip, ['-netns', name, '-batch', '-'], batch);
}

/** Removes the namespace unless it is already gone (a concurrent close or reaper may have removed it). */
export async function deleteNamespace(ip: string, name: string): Promise<void> {
  await runIp(ip, ['netns', 'delete', name]).catch((error: unknown) => throwUnlessGone(name, error));
}

/** deleteNamespace for the exit paths, where nothing can be awaited. */
export function deleteNamespaceSync(ip: string, name: string): void {
  try {
    runIpSync(ip, ['netns', 'delete', name]);
  } catch (error) {
    throwUnlessGone(name, error);
  }
}

function throwUnlessGone(name: string, error: unknown): void {
  if (fs.existsSync(namespacePath(name))) throw error;
}
