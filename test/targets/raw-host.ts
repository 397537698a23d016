/**
 * The raw target's remote host, for tests: a network namespace standing for another machine, with the
 * Linux kernel as the stack under test at 198.18.1.2 and 2001:2::1:2 on a bridge (the "lab switch" the
 * harness's veth joins), tcpconform-agent --listen for agent mode and an echo server on each address for
 * service mode. Removed by stop(),
 * and by the cleanup hooks on any other way out.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { registerCleanup } from '../../src/targets/cleanup';
import { addNamespaceSync, deleteNamespaceSync, nextNamespaceName, waitForIpv6 } from '../../src/targets/linux/namespace';
import { agentPath } from '../../src/targets/linux/native';
import type { RawConfig } from '../../src/targets/raw';

export const TARGET = '198.18.1.2';
export const PEER = '198.18.1.1';
export const TARGET6 = '2001:2::1:2';
export const PEER6 = '2001:2::1:1';
/** The peer's addresses in the cases that lower the path MTU (src/suite/needs.ts, lowersPathMtu). */
export const PATH_MTU_PEER = '198.18.1.3';
export const PATH_MTU_PEER6 = '2001:2::1:3';
export const BRIDGE = 'br0';
export const AGENT_PORT = 7000;
export const ECHO_PORT = 7;
const BRIDGE_MAC = '02:74:63:00:01:02';

export interface TargetHost {
  readonly namespace: string;
  /** A config for the raw target against this host; `overrides` replace fields. */
  config(mode: 'agent' | 'service', overrides?: Partial<RawConfig>): RawConfig;
  /** The far ends of harness links now in this host's namespace. */
  farEnds(): string[];
  stop(): void;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

/** Starts `command` in `namespace` and waits for a line matching `ready` on its stdout or stderr. */
async function startIn(namespace: string, command: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn('ip', ['netns', 'exec', namespace, ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const seen: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        seen.push(line);
        if (ready.test(line)) resolve();
      });
    }
    child.once('exit', (code) => reject(new Error(`${command.join(' ')} exited (${code}): ${seen.join('\n')}`)));
  });
  return child;
}

export async function startTargetHost(): Promise<TargetHost> {
  const namespace = nextNamespaceName();
  const children: ChildProcess[] = [];
  const stop = (): void => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    deleteNamespaceSync('ip', namespace);
    unregister();
  };
  const unregister = registerCleanup(stop);
  addNamespaceSync('ip', namespace);
  // The bridge gets a MAC of its own: by default it takes its lowest port's, which changes as harness links
  // come and go, and the harness's ARP entry for the target would point at a MAC that is no longer there.
  const setup = ['link set dev lo up', `link add ${BRIDGE} address ${BRIDGE_MAC} type bridge`, `address add ${TARGET}/24 dev ${BRIDGE}`, `address add ${TARGET6}/64 dev ${BRIDGE} nodad`, `link set dev ${BRIDGE} up`];
  for (const command of setup) {
    ip('-netns', namespace, ...command.split(' '));
  }
  await waitForIpv6('ip', ['ip', 'netns', 'exec', namespace], TARGET6);
  children.push(await startIn(namespace, [agentPath, '--listen', `${TARGET}:${AGENT_PORT}`], /listening on/));
  for (const address of [TARGET, TARGET6]) {
    children.push(await startIn(namespace, [process.execPath, path.join(__dirname, '../fixtures/raw-echo-server.js'), address, String(ECHO_PORT)], /^listening$/));
  }
  return {
    namespace,
    config: (mode, overrides = {}) => ({
      target: TARGET,
      peer: PEER,
      pathMtuPeer: PATH_MTU_PEER,
      ipv6: { target: TARGET6, peer: PEER6, pathMtuPeer: PATH_MTU_PEER6 },
      peerPorts: { first: 40000, last: 59999 },
      link: { kind: 'veth', namespace, bridge: BRIDGE },
      application: mode === 'agent' ? { mode, agent: { host: TARGET, port: AGENT_PORT } } : { mode, port: ECHO_PORT },
      ...overrides,
    }),
    farEnds: () =>
      ip('-netns', namespace, '-o', 'link', 'show')
        .split('\n')
        .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1])
        .filter((name): name is string => name?.startsWith('tcr') === true),
    stop,
  };
}
