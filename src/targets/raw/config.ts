/**
 * What the raw target needs to be told: where the target is, how the harness's namespace reaches it,
 * and how its application side is driven. Every address lies in 198.18.0.0/15, the only range tcpconform
 * speaks to (design notes, "Addresses and safety"); a config that names another is refused whole.
 */
import { inBenchmarkRange } from '../process/hello';
import { TargetSetupError } from '../linux/setup-error';

/** A host and TCP port, e.g. the agent's control address. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** Ports the peer speaks from on the wire, one fresh port for each case (ports.ts says why). */
export interface PortRange {
  readonly first: number;
  readonly last: number;
}

/**
 * How the harness's namespace reaches the target: a veth pair whose far end is made inside the existing
 * namespace `namespace` and joins the bridge `bridge` there, where the target (or the link to it) is.
 */
export interface VethLink {
  readonly kind: 'veth';
  readonly namespace: string;
  readonly bridge: string;
}

export type ApplicationSide =
  /** tcpconform-agent --listen on the target host makes the application's calls. */
  | { readonly mode: 'agent'; readonly agent: Endpoint }
  /** Nothing but a service (an echo or discard server) on `port`: no application calls. */
  | { readonly mode: 'service'; readonly port: number };

export interface RawConfig {
  /** The target's IPv4 address. */
  readonly target: string;
  /** The address the harness speaks from as the peer. */
  readonly peer: string;
  readonly peerPorts: PortRange;
  readonly link: VethLink;
  readonly application: ApplicationSide;
  /** `nft`, as a path or a name on PATH; a missing one makes set-up fail with the rule to add by hand. */
  readonly nft?: string;
}

export const DEFAULT_PEER = '198.18.1.1';
export const DEFAULT_PEER_PORTS: PortRange = { first: 40000, last: 59999 };
/**
 * The harness namespace's own ephemeral ports (its one kernel connection: the agent's control
 * connection), kept apart from every peer port so no test segment can be taken for control traffic.
 */
export const CONTROL_PORTS: PortRange = { first: 61000, last: 65000 };

/** The config's problems, each one sentence; empty when it is usable. */
export function configProblems(config: RawConfig): string[] {
  const problems: string[] = [];
  const addresses: [string, string][] = [['target', config.target], ['peer', config.peer]];
  if (config.application.mode === 'agent') addresses.push(['agent', config.application.agent.host]);
  for (const [role, address] of addresses) {
    if (!isIpv4(address)) problems.push(`the ${role} address ${JSON.stringify(address)} is not an IPv4 address`);
    else if (!inBenchmarkRange(address)) problems.push(`the ${role} address ${address} is outside 198.18.0.0/15, the only range tcpconform speaks to`);
  }
  if (config.target === config.peer) problems.push(`the target and the peer cannot both be ${config.target}`);
  if (config.application.mode === 'agent' && config.application.agent.host === config.peer) {
    problems.push(`the agent cannot be at the peer's address ${config.peer}`);
  }
  const { first, last } = config.peerPorts;
  if (!isPort(first) || !isPort(last) || first > last || first < 1024 || last >= CONTROL_PORTS.first) {
    problems.push(`the peer ports must be a range within 1024-${CONTROL_PORTS.first - 1}, not ${first}-${last}`);
  }
  const port = config.application.mode === 'agent' ? config.application.agent.port : config.application.port;
  if (!isPort(port)) problems.push(`${port} is not a TCP port`);
  // Names go into ip's command lines and file paths: plain characters only; an interface name has 15 at most.
  const { namespace, bridge } = config.link;
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/.test(namespace)) problems.push(`the link's namespace name ${JSON.stringify(namespace)} is not a usable name`);
  if (!/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,14}$/.test(bridge)) problems.push(`the link's bridge name ${JSON.stringify(bridge)} is not a usable interface name`);
  return problems;
}

/** Throws a TargetSetupError listing every problem of `config`. */
export function checkConfig(config: RawConfig): RawConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw new TargetSetupError(`The raw target's settings are wrong: ${problems.join('; ')}.`);
  return config;
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255);
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
