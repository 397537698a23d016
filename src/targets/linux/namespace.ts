/**
 * The private network namespace of one linux target: its name, its set-up and its removal.
 *
 * Inside it the kernel under test is 198.18.0.1 and the harness's peer 198.18.0.2 is routed into the TUN
 * device, so the kernel's segments to the peer come out of the TUN and nothing leaves the namespace.
 */
import fs from 'node:fs';

import { runIp, runIpSync } from './ip';

export const TARGET_ADDRESS = '198.18.0.1';
export const PEER_ADDRESS = '198.18.0.2';
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

/** `ip -batch` input that brings up `lo` and the TUN, and routes the peer into the TUN. */
export const NAMESPACE_SETUP = `${[
  'link set dev lo up',
  `link set dev ${TUN_NAME} up`,
  `address add ${TARGET_ADDRESS} peer ${PEER_ADDRESS} dev ${TUN_NAME}`,
].join('\n')}\n`;

/** Brings up `lo` and the TUN, and routes the peer into the TUN; one `ip` process for all of it. */
export async function configureNamespace(ip: string, name: string): Promise<void> {
  await runIp(ip, ['-netns', name, '-batch', '-'], NAMESPACE_SETUP);
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
