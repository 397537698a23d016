/**
 * The `linux` target: the local kernel, reached the way packetdrill reaches it (design notes, "Targets").
 */
import { AGENT_CAPABILITIES } from '../agent-session';
import { sleepOnHostClock } from '../host-clock';
import type { AppCall, AppResult, Capabilities, KernelSettings, Target, TimedEvent, TimedPacket } from '../target';
import { BROADCAST_ADDRESS, PEER_ADDRESS, PEER_ADDRESS6, TARGET_ADDRESS, TARGET_ADDRESS6 } from './namespace';
import type { RunFamily } from '../family';
import { checkLinuxHost } from './preflight';
import { reapStaleNamespaces } from './reap';
import { Sandbox } from './sandbox';

export class LinuxTarget implements Target {
  readonly name = 'linux';
  readonly capabilities: Capabilities = { ...AGENT_CAPABILITIES, clock: 'real', families: ['ipv4', 'ipv6', 'ipv4-mapped'] };
  readonly address: string;
  readonly peerAddress: string;
  readonly broadcast: string | undefined;

  /**
   * `family`: the addresses the case speaks over; with `ipv4-mapped` the wire is IPv4 and the application's
   * sockets are AF_INET6, seeing the peer as ::ffff:198.18.0.2 (RFC 4291 §2.5.5.2).
   */
  constructor(private readonly sandbox: Sandbox, private readonly family: RunFamily = 'ipv4') {
    this.address = family === 'ipv6' ? TARGET_ADDRESS6 : TARGET_ADDRESS;
    this.peerAddress = family === 'ipv6' ? PEER_ADDRESS6 : PEER_ADDRESS;
    this.broadcast = family === 'ipv6' ? undefined : BROADCAST_ADDRESS;
  }

  /**
   * The network namespace the target lives in, e.g. for `ip netns exec` while debugging: its name, or
   * without root its file (`/proc/PID/ns/net`, for `nsenter --net=`).
   */
  get namespace(): string {
    return this.sandbox.namespace;
  }

  now(): bigint {
    // The addon stamps packets with CLOCK_MONOTONIC, which is what hrtime reads.
    return process.hrtime.bigint();
  }

  sleep(ms: number): Promise<void> {
    return sleepOnHostClock(ms);
  }

  send(packet: Uint8Array): TimedPacket {
    return { bytes: packet, timeNs: this.sandbox.write(packet) };
  }

  receive(timeoutMs: number): Promise<TimedPacket | undefined> {
    return this.sandbox.packets.next(timeoutMs);
  }

  /** How many packets carried their wire time, and how many only the time they were read. */
  stamps(): { readonly wire: number; readonly read: number } {
    return this.sandbox.stamps();
  }

  app(call: AppCall): Promise<AppResult> {
    const agent = this.sandbox.agent;
    // An AF_INET6 socket listens for both families; one connecting to IPv4 names the peer IPv4-mapped.
    const inet6 = this.family !== 'ipv4';
    if (call.call === 'listen') return agent.call(inet6 ? { ...call, family: 'inet6' } : call);
    if (call.call !== 'connect') return agent.call(call);
    const host = call.host ?? this.peerAddress;
    return agent.call({ ...call, host: this.family === 'ipv4-mapped' ? `::ffff:${host}` : host });
  }

  /** Sets the TUN's MTU inside the target's namespace: the kernel advertises its MSS from it. */
  setMtu(mtu: number): Promise<void> {
    return this.sandbox.setMtu(mtu);
  }

  takeEvents(): TimedEvent[] {
    return this.sandbox.agent.takeEvents();
  }

  /** Inside this target's namespace only: its defaults are a fresh namespace's, the host's untouched. */
  applyKernelSettings(settings: KernelSettings): Promise<void> {
    return this.sandbox.applyKernelSettings(settings);
  }

  close(): Promise<void> {
    return this.sandbox.release();
  }
}

let reaped = false;

/**
 * A fresh linux target in a namespace of its own. Throws a TargetSetupError when this machine cannot host
 * one. The first target of a process also removes the namespaces killed runs left behind.
 */
export async function createLinuxTarget(family: RunFamily = 'ipv4'): Promise<LinuxTarget> {
  const tools = checkLinuxHost();
  if (!reaped) {
    reapStaleNamespaces();
    reaped = true;
  }
  return new LinuxTarget(await Sandbox.create(tools, family === 'ipv6'), family);
}
