/**
 * Everything one linux target holds — a namespace, the TUN device in it, the agent running in it — set up
 * in order and released on every exit path: close(), a failed set-up, or the process ending (cleanup.ts).
 */
import { registerCleanup } from '../cleanup';
import type { KernelSettings, TimedPacket } from '../target';
import { applyKernelSettings } from './kernel-settings';
import { Agent } from './agent';
import type { HostTools } from './preflight';
import { configureHolder, holderCommand, holderNamespaces, waitForHolder } from './userns';
import {
  TUN_NAME,
  addNamespaceSync,
  configureNamespace,
  mtuSetup,
  deleteNamespace,
  deleteNamespaceSync,
  namespacePath,
  nextNamespaceName,
  waitForIpv6,
} from './namespace';
import { agentPath, loadTunAddon } from './native';
import type { TunAddon, TunHandle } from './native';
import { PacketQueue } from './packet-queue';

/** IPv6's Next Header values the harness takes: TCP, and ICMPv6 (RFC 8200 §4, RFC 4443). */
const IPV6_NEXT_HEADER_AT = 6;
const IPV6_HEADER = 40;
const TCP = 6;
const ICMPV6 = 58;
/** ICMPv6 types from 128 on are informational (RFC 4443 §2.1): neighbour and router discovery, MLD. */
const ICMPV6_FIRST_INFORMATIONAL = 128;

/**
 * Whether a packet from the TUN belongs to a case: any IPv4 packet; an IPv6 one carrying TCP or an ICMPv6
 * error. The rest is the namespace's own IPv6 chatter (router solicitations, MLD reports behind a
 * hop-by-hop header), which no case asks about.
 */
function isTestTraffic(bytes: Uint8Array): boolean {
  const version = bytes.length > 0 ? bytes[0]! >> 4 : 0;
  if (version === 4) return true;
  if (version !== 6 || bytes.length <= IPV6_HEADER) return false;
  const next = bytes[IPV6_NEXT_HEADER_AT];
  return next === TCP || (next === ICMPV6 && bytes[IPV6_HEADER]! < ICMPV6_FIRST_INFORMATIONAL);
}

export class Sandbox {
  /** What the kernel sent, from the moment the TUN opened, each with its wire time. */
  readonly packets = new PacketQueue(() => {
    if (this.tun !== undefined && this.releasing === undefined) this.addon.drain(this.tun);
  });
  private readonly unregisterCleanup: () => void;
  private tun: TunHandle | undefined;
  private agentProcess: Agent | undefined;
  private releasing: Promise<void> | undefined;
  /** The network namespace: its `ip netns` name, or (in a user namespace) its file under /proc. */
  private namespaceName: string;

  private constructor(
    private readonly tools: HostTools,
    private readonly addon: TunAddon,
  ) {
    this.namespaceName = tools.privilege === 'root' ? nextNamespaceName() : '';
    this.unregisterCleanup = registerCleanup(() => this.releaseSync());
  }

  /** `ipv6`: the case speaks IPv6, so set-up waits until the kernel takes packets to its IPv6 address. */
  static async create(tools: HostTools, ipv6 = false): Promise<Sandbox> {
    const sandbox = new Sandbox(tools, loadTunAddon());
    try {
      await (tools.privilege === 'root' ? sandbox.setUp(tools.ip) : sandbox.setUpInUserNamespace(tools.unshare, tools.nsenter));
      if (ipv6) await waitForIpv6(tools.ip, sandbox.enterCommand());
    } catch (error) {
      sandbox.releaseSync();
      throw error;
    }
    return sandbox;
  }

  get namespace(): string {
    return this.namespaceName;
  }

  get agent(): Agent {
    if (this.agentProcess === undefined) throw new Error('the target is not set up');
    return this.agentProcess;
  }

  /** Hands a packet to the kernel; returns the time it was handed over. */
  write(packet: Uint8Array): bigint {
    if (this.tun === undefined || this.releasing !== undefined) throw new Error('the target is closed');
    return this.addon.write(this.tun, packet);
  }

  /** Sets the TUN's MTU inside the namespace. */
  async setMtu(mtu: number): Promise<void> {
    if (this.tools.privilege === 'root') await configureNamespace(this.tools.ip, this.namespace, mtuSetup(mtu));
    else await configureHolder(this.tools.nsenter, this.tools.ip, this.agent.pid as number, mtuSetup(mtu));
  }

  /** Sets kernel settings inside the namespace (kernel-settings.ts), never the host's. */
  applyKernelSettings(settings: KernelSettings): Promise<void> {
    return applyKernelSettings(this.enterCommand(), settings);
  }

  /** The command that runs a program inside the namespace: by its name as root, else through the agent that holds it. */
  private enterCommand(): string[] {
    const tools = this.tools;
    if (tools.privilege === 'root') return [tools.ip, 'netns', 'exec', this.namespace];
    const pid = this.agent.pid;
    if (pid === undefined) throw new Error('the agent holding the namespace is not running');
    // As configureHolder does: into the holder's user namespace, where the user is root, and its network namespace.
    return [tools.nsenter, '--target', String(pid), '--user', '--net', '--preserve-credentials', '--'];
  }

  /** How many packets carried their wire time, and how many only the time they were read. */
  stamps(): { readonly wire: number; readonly read: number } {
    return this.tun === undefined ? { wire: 0, read: 0 } : this.addon.stamps(this.tun);
  }

  /** Releases everything; later calls return the same promise. */
  release(): Promise<void> {
    this.releasing ??= this.releaseAll();
    return this.releasing;
  }

  private async setUp(ip: string): Promise<void> {
    addNamespaceSync(ip, this.namespace);
    this.tun = this.addon.open(namespacePath(this.namespace), TUN_NAME);
    this.startReading(this.tun);
    // Started before the addresses are in place, to overlap the two processes; no call reaches the agent
    // before set-up is over.
    this.agentProcess = Agent.inNamedNamespace(ip, this.namespace);
    await configureNamespace(ip, this.namespace);
  }

  /** Without root: the agent holds a user and a network namespace of its own (userns.ts). */
  private async setUpInUserNamespace(unshare: string, nsenter: string): Promise<void> {
    const agent = new Agent(holderCommand(unshare, agentPath));
    this.agentProcess = agent;
    if (agent.pid === undefined) throw agent.problem ?? new Error('the agent could not be started');
    await waitForHolder(agent.pid, agentPath, () => agent.problem);
    const namespaces = holderNamespaces(agent.pid);
    this.namespaceName = namespaces.net;
    this.tun = this.addon.open(namespaces.net, TUN_NAME, namespaces.user);
    this.startReading(this.tun);
    await configureHolder(nsenter, this.tools.ip, agent.pid);
  }

  private startReading(tun: TunHandle): void {
    this.addon.startReading(tun, (bytes, timeNs) => {
      if (isTestTraffic(bytes)) this.packets.push({ bytes, timeNs } satisfies TimedPacket);
    });
  }

  /** The namespace goes with its name (as root); in a user namespace, with the agent and the TUN. */
  private namedNamespace(): string | undefined {
    return this.tools.privilege === 'root' ? this.namespace : undefined;
  }

  /** The parts go at once: the namespace outlives its name until the agent and the TUN let go of it. */
  private async releaseAll(): Promise<void> {
    this.packets.close();
    await Promise.all([
      this.agentProcess?.stop(),
      this.tun === undefined ? undefined : this.addon.closeAsync(this.tun),
      this.namedNamespace() === undefined ? undefined : deleteNamespace(this.tools.ip, this.namespace),
    ]);
    this.unregisterCleanup();
  }

  /** The same as release, for paths that cannot wait; also safe while a release is under way. */
  private releaseSync(): void {
    this.packets.close();
    this.agentProcess?.killSync();
    if (this.tun !== undefined) this.addon.close(this.tun);
    if (this.namedNamespace() !== undefined) deleteNamespaceSync(this.tools.ip, this.namespace);
    this.unregisterCleanup();
  }
}
