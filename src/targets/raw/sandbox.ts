/**
 * Everything one raw target holds — the harness's namespace with its link and RST rule, the raw sockets
 * in it, the agent's control connection, and its turn at the target host — set up in order and released
 * on every exit path: close(), a failed set-up, or the process ending (cleanup.ts). The rule and the link
 * live inside the namespace and go with it.
 */
import { registerCleanup } from '../cleanup';
import type { AddressFamily } from '../family';
import { addNamespaceSync, deleteNamespace, deleteNamespaceSync, namespacePath, nextNamespaceName } from '../linux/namespace';
import { addressesIn } from './config';
import type { RawConfig } from './config';
import { AgentControl } from './control';
import { configureHarnessNamespace, deleteLink, deleteLinkSync, nextFarEndName } from './harness-namespace';
import { loadNetnsAddon, loadRawSocket } from './native';
import { acquire } from './one-at-a-time';
import { PeerPorts } from './ports';
import { RawPath } from './raw-path';
import { installRstRule } from './rst-rule';

export interface RawTools {
  /** Absolute path of iproute2's `ip`. */
  readonly ip: string;
  /** `nft`, as a path or a name on PATH. */
  readonly nft: string;
}

export class RawSandbox {
  readonly ports: PeerPorts;
  readonly namespace = nextNamespaceName();
  /** The link's far end, in the namespace the config names. */
  private readonly farEnd = nextFarEndName();
  private readonly unregisterCleanup: () => void;
  private rawPath: RawPath | undefined;
  private agentControl: AgentControl | undefined;
  private releasing: Promise<void> | undefined;

  private constructor(
    private readonly tools: RawTools,
    private readonly config: RawConfig,
    private readonly family: AddressFamily,
    private readonly releaseTurn: () => void,
  ) {
    this.ports = new PeerPorts(config.peerPorts);
    this.unregisterCleanup = registerCleanup(() => this.releaseSync());
  }

  /** A sandbox for runs in `family`; runs of both families on one target host take turns alike. */
  static async create(tools: RawTools, config: RawConfig, family: AddressFamily): Promise<RawSandbox> {
    const { link, target } = config;
    const sandbox = new RawSandbox(tools, config, family, await acquire(`${link.namespace}/${link.bridge}/${target}`));
    try {
      await sandbox.setUp();
    } catch (error) {
      sandbox.releaseSync();
      throw error;
    }
    return sandbox;
  }

  get path(): RawPath {
    if (this.rawPath === undefined) throw new Error('the target is not set up');
    return this.rawPath;
  }

  /** The agent's control connection; undefined in service mode. */
  get control(): AgentControl | undefined {
    return this.agentControl;
  }

  /** Releases everything; later calls return the same promise. */
  release(): Promise<void> {
    this.releasing ??= this.releaseAll();
    return this.releasing;
  }

  private async setUp(): Promise<void> {
    const { ip, nft } = this.tools;
    const addon = loadNetnsAddon();
    const netnsPath = namespacePath(this.namespace);
    addNamespaceSync(ip, this.namespace);
    await configureHarnessNamespace(ip, addon, this.namespace, netnsPath, this.farEnd, this.config, this.family);
    const addresses = addressesIn(this.config, this.family);
    await installRstRule(ip, nft, this.namespace, { ...addresses, family: this.family, peerPorts: this.config.peerPorts });
    const { application } = this.config;
    const agent = application.mode === 'agent' ? application.agent : undefined;
    this.rawPath = new RawPath(addon, loadRawSocket(), netnsPath, addresses, this.ports, agent, this.family);
    if (agent !== undefined) this.agentControl = await AgentControl.connect(addon, netnsPath, agent);
  }

  private async releaseAll(): Promise<void> {
    // The sockets first: the namespace outlives its name until nothing holds it.
    this.agentControl?.close();
    this.rawPath?.close();
    try {
      await deleteLink(this.tools.ip, this.config, this.farEnd);
      await deleteNamespace(this.tools.ip, this.namespace);
    } finally {
      this.unregisterCleanup();
      this.releaseTurn();
    }
  }

  /** The same as release, for paths that cannot wait; also safe while a release is under way. */
  private releaseSync(): void {
    this.agentControl?.close();
    this.rawPath?.close();
    try {
      deleteLinkSync(this.tools.ip, this.config, this.farEnd);
      deleteNamespaceSync(this.tools.ip, this.namespace);
    } finally {
      this.unregisterCleanup();
      this.releaseTurn();
    }
  }
}
