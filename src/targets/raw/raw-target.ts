/**
 * The `raw` target: any TCP stack reachable over IP (design notes, "Targets"). The harness plays the
 * peer from a namespace of its own, through raw sockets; the target's application side is an agent on
 * its host (agent mode), or nothing but a service it runs (service mode: no application calls, so cases
 * that need them are skipped with the reason).
 */
import { AGENT_CAPABILITIES } from '../agent-session';
import { sleepOnHostClock } from '../host-clock';
import type { AppCall, AppResult, Capabilities, Target, TimedEvent, TimedPacket } from '../target';
import type { RawConfig } from './config';
import { checkConfig } from './config';
import { checkRawHost, reapStale } from './preflight';
import { RawSandbox } from './sandbox';

function capabilitiesOf(config: RawConfig): Capabilities {
  const { application, peerPorts } = config;
  const notes = [
    `a remote stack at ${config.target}, reached over IP through raw sockets from the peer address ${config.peer}`,
    `the peer's ports on the wire are fresh for each case (from ${peerPorts.first}-${peerPorts.last}); the report shows the case's own`,
    'times of received segments are the kernel\'s stamps of their arrival at the harness namespace (a packet socket on its veth)',
  ];
  if (application.mode === 'agent') {
    return { ...AGENT_CAPABILITIES, clock: 'real', notes: [...notes, `application calls by tcpconform-agent at ${application.agent.host}:${application.agent.port}`] };
  }
  return { appCalls: [], clock: 'real', notes: [...notes, `service mode: the target runs only a service on port ${application.port}; no application calls`] };
}

export class RawTarget implements Target {
  readonly name = 'raw';
  readonly capabilities: Capabilities;
  readonly address: string;
  readonly peerAddress: string;

  constructor(private readonly sandbox: RawSandbox, config: RawConfig) {
    this.capabilities = capabilitiesOf(config);
    this.address = config.target;
    this.peerAddress = config.peer;
  }

  /** The harness's namespace, e.g. for `ip netns exec` while debugging. */
  get namespace(): string {
    return this.sandbox.namespace;
  }

  now(): bigint {
    return process.hrtime.bigint();
  }

  sleep(ms: number): Promise<void> {
    return sleepOnHostClock(ms);
  }

  send(packet: Uint8Array): TimedPacket {
    return { bytes: packet, timeNs: this.sandbox.path.send(packet) };
  }

  receive(timeoutMs: number): Promise<TimedPacket | undefined> {
    return this.sandbox.path.packets.next(timeoutMs);
  }

  app(call: AppCall): Promise<AppResult> {
    const control = this.sandbox.control;
    if (control === undefined) return Promise.reject(new Error('the raw target in service mode makes no application calls'));
    // The agent connects to the peer's port as it is on the wire.
    return control.call(call.call === 'connect' ? { ...call, port: this.sandbox.ports.wire(call.port), host: call.host ?? this.peerAddress } : call);
  }

  takeEvents(): TimedEvent[] {
    const events = this.sandbox.control?.takeEvents() ?? [];
    return events.map(({ event, timeNs }) => ({ timeNs, event: event.event === 'accepted' ? { ...event, remotePort: this.sandbox.ports.caseOf(event.remotePort) ?? event.remotePort } : event }));
  }

  close(): Promise<void> {
    return this.sandbox.release();
  }
}

let reaped = false;

/**
 * A fresh raw target for one case. Throws a TargetSetupError when this machine or the config cannot host
 * one. Targets for the same address come one at a time: a second create waits for the first's close.
 */
export async function createRawTarget(config: RawConfig): Promise<RawTarget> {
  const tools = checkRawHost();
  checkConfig(config);
  if (!reaped) {
    reapStale();
    reaped = true;
  }
  return new RawTarget(await RawSandbox.create({ ...tools, nft: config.nft ?? tools.nft }, config), config);
}
