/**
 * Everything one linux target holds — a namespace, the TUN device in it, the agent running in it — set up
 * in order and released on every exit path: close(), a failed set-up, or the process ending (cleanup.ts).
 */
import { registerCleanup } from '../cleanup';
import type { TimedPacket } from '../target';
import { Agent } from './agent';
import {
  TUN_NAME,
  addNamespaceSync,
  configureNamespace,
  deleteNamespace,
  deleteNamespaceSync,
  namespacePath,
  nextNamespaceName,
} from './namespace';
import { loadTunAddon } from './native';
import type { TunAddon, TunHandle } from './native';
import { PacketQueue } from './packet-queue';

export class Sandbox {
  /** What the kernel sent, from the moment the TUN opened. */
  readonly packets = new PacketQueue();
  private readonly unregisterCleanup: () => void;
  private tun: TunHandle | undefined;
  private agentProcess: Agent | undefined;
  private releasing: Promise<void> | undefined;

  private constructor(
    private readonly ip: string,
    private readonly addon: TunAddon,
    readonly namespace: string,
  ) {
    this.unregisterCleanup = registerCleanup(() => this.releaseSync());
  }

  static async create(ip: string): Promise<Sandbox> {
    const sandbox = new Sandbox(ip, loadTunAddon(), nextNamespaceName());
    try {
      await sandbox.setUp();
    } catch (error) {
      sandbox.releaseSync();
      throw error;
    }
    return sandbox;
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

  /** Releases everything; later calls return the same promise. */
  release(): Promise<void> {
    this.releasing ??= this.releaseAll();
    return this.releasing;
  }

  private async setUp(): Promise<void> {
    addNamespaceSync(this.ip, this.namespace);
    this.tun = this.addon.open(namespacePath(this.namespace), TUN_NAME);
    this.addon.startReading(this.tun, (bytes, timeNs) => {
      // The TUN also carries the namespace's IPv6 chatter (router solicitations); the harness speaks IPv4.
      if (bytes.length > 0 && bytes[0]! >> 4 === 4) this.packets.push({ bytes, timeNs } satisfies TimedPacket);
    });
    // Started before the addresses are in place, to overlap the two processes; no call reaches the agent
    // before set-up is over.
    this.agentProcess = new Agent(this.ip, this.namespace);
    await configureNamespace(this.ip, this.namespace);
  }

  /** The parts go at once: the namespace outlives its name until the agent and the TUN let go of it. */
  private async releaseAll(): Promise<void> {
    this.packets.close();
    await Promise.all([
      this.agentProcess?.stop(),
      this.tun === undefined ? undefined : this.addon.closeAsync(this.tun),
      deleteNamespace(this.ip, this.namespace),
    ]);
    this.unregisterCleanup();
  }

  /** The same as release, for paths that cannot wait; also safe while a release is under way. */
  private releaseSync(): void {
    this.packets.close();
    this.agentProcess?.killSync();
    if (this.tun !== undefined) this.addon.close(this.tun);
    deleteNamespaceSync(this.ip, this.namespace);
    this.unregisterCleanup();
  }
}
