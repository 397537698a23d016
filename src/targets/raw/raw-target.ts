/**
 * The `raw` target: any TCP stack reachable over IP (design notes, "Targets"). The harness plays the
 * peer from a namespace of its own, through raw sockets; the target's application side is an agent on
 * its host (agent mode), or nothing but a service it runs (service mode: no application calls, so cases
 * that need them are skipped with the reason).
 */
import { AGENT_CAPABILITIES } from '../agent-session';
import { sleepOnHostClock } from '../host-clock';
import type { AppCall, AppResult, Capabilities, Target, TimedEvent, TimedPacket } from '../target';
import type { AddressFamily, RunFamily } from '../family';
import type { Case } from '../../suite/case';
import { lowersPathMtu } from '../../suite/needs';
import type { RawConfig } from './config';
import { addressesIn, checkConfig, familiesOf, forPathMtuCase } from './config';
import { checkRawHost, reapStale } from './preflight';
import { RawSandbox } from './sandbox';

function capabilitiesOf(config: RawConfig, family: AddressFamily): Capabilities {
  const { application, peerPorts } = config;
  const { target, peer } = addressesIn(config, family);
  const families = familiesOf(config);
  const notes = [
    `a remote stack at ${target}, reached over IP through raw sockets from the peer address ${peer}`,
    `the peer's ports on the wire are fresh for each case (from ${peerPorts.first}-${peerPorts.last}); the report shows the case's own`,
    'times of received segments are the kernel\'s stamps of their arrival at the harness namespace (a packet socket on its veth)',
  ];
  if (application.mode === 'agent') {
    return { ...AGENT_CAPABILITIES, clock: 'real', families, notes: [...notes, `application calls by tcpconform-agent at ${application.agent.host}:${application.agent.port}`] };
  }
  return { appCalls: [], clock: 'real', families, notes: [...notes, `service mode: the target runs only a service on port ${application.port}; no application calls`] };
}

export class RawTarget implements Target {
  readonly name = 'raw';
  readonly capabilities: Capabilities;
  readonly address: string;
  readonly peerAddress: string;

  constructor(private readonly sandbox: RawSandbox, config: RawConfig, private readonly family: AddressFamily = 'ipv4') {
    this.capabilities = capabilitiesOf(config, family);
    ({ target: this.address, peer: this.peerAddress } = addressesIn(config, family));
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
    return this.sandbox.path.receive(timeoutMs);
  }

  app(call: AppCall): Promise<AppResult> {
    const control = this.sandbox.control;
    if (control === undefined) return Promise.reject(new Error('the raw target in service mode makes no application calls'));
    // Over IPv6 the agent listens on an AF_INET6 socket; it connects to the peer's port as it is on the wire.
    if (call.call === 'listen') return control.call(this.family === 'ipv6' ? { ...call, family: 'inet6' } : call);
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
 * A fresh raw target for one case in `family`. Throws a TargetSetupError when this machine or the config
 * cannot host one. A family the config gives no addresses for (IPv6 without --raw-target6), or that the
 * target does not offer (IPv4-mapped), gets a target over IPv4 whose capabilities leave that family out,
 * so the runner skips the case with the reason. Targets for the same host come one at a time: a second
 * create waits for the first's close. A target for a case that lowers the path MTU speaks from the
 * path-MTU peer's addresses (config.ts says why).
 */
export async function createRawTarget(given: RawConfig, family: RunFamily = 'ipv4', testCase?: Case): Promise<RawTarget> {
  const tools = checkRawHost();
  const checked = checkConfig(given);
  const config = testCase !== undefined && lowersPathMtu(testCase) ? forPathMtuCase(checked) : checked;
  const spoken = familiesOf(config).find((each) => each === family) ?? 'ipv4';
  if (!reaped) {
    reapStale();
    reaped = true;
  }
  return new RawTarget(await RawSandbox.create({ ...tools, nft: config.nft ?? tools.nft }, config, spoken), config, spoken);
}
