/**
 * What the raw target needs to be told: where the target is, how the harness's namespace reaches it,
 * and how its application side is driven. Every address lies in 198.18.0.0/15 (IPv4) or 2001:2::/48
 * (IPv6), the only ranges tcpconform speaks to (design notes, "Addresses and safety"); a config that
 * names another is refused whole.
 */
import { formatIpv6Address, parseIpv6Address } from '../../wire';
import { inIpv4TestRange, inIpv6TestRange } from '../family';
import type { AddressFamily } from '../family';
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

/** The target's and the peer's addresses in one family. */
export interface FamilyAddresses {
  readonly target: string;
  readonly peer: string;
}

/** A family's addresses in the config: the target's, the peer's, and the path-MTU peer's. */
export interface ConfiguredAddresses extends FamilyAddresses {
  /**
   * The peer's address for the cases that lower the path MTU (lowersPathMtu), and for no other. The
   * target host keeps a lowered path MTU for the address the error was about for minutes (Linux: 10),
   * across cases and runs; other cases, from `peer`, never meet it.
   */
  readonly pathMtuPeer: string;
}

export interface RawConfig {
  /** The target's IPv4 address: the host's name for the one-at-a-time turn, whatever the family. */
  readonly target: string;
  /** The IPv4 address the harness speaks from as the peer. */
  readonly peer: string;
  /** The IPv4 address the harness speaks from as the peer of the cases that lower the path MTU. */
  readonly pathMtuPeer: string;
  /** The IPv6 addresses, in 2001:2::/48, for IPv6 runs; without them the target speaks IPv4 alone. */
  readonly ipv6?: ConfiguredAddresses;
  readonly peerPorts: PortRange;
  readonly link: VethLink;
  readonly application: ApplicationSide;
  /** `nft`, as a path or a name on PATH; a missing one makes set-up fail with the rule to add by hand. */
  readonly nft?: string;
}

export const DEFAULT_PEER = '198.18.1.1';
export const DEFAULT_PEER6 = '2001:2::1:1';
export const DEFAULT_PATH_MTU_PEER = '198.18.1.3';
export const DEFAULT_PATH_MTU_PEER6 = '2001:2::1:3';
export const DEFAULT_PEER_PORTS: PortRange = { first: 40000, last: 59999 };
/**
 * The harness namespace's own ephemeral ports (its one kernel connection: the agent's control
 * connection), kept apart from every peer port so no test segment can be taken for control traffic.
 */
export const CONTROL_PORTS: PortRange = { first: 61000, last: 65000 };

/** The config's problems, each one sentence; empty when it is usable. */
export function configProblems(config: RawConfig): string[] {
  const problems: string[] = [];
  const addresses: [string, string][] = [['target', config.target], ['peer', config.peer], ['path-MTU peer', config.pathMtuPeer]];
  if (config.application.mode === 'agent') addresses.push(['agent', config.application.agent.host]);
  for (const [role, address] of addresses) {
    if (!isIpv4(address)) problems.push(`the ${role} address ${JSON.stringify(address)} is not an IPv4 address`);
    else if (!inIpv4TestRange(address)) problems.push(`the ${role} address ${address} is outside 198.18.0.0/15, the only IPv4 range tcpconform speaks to`);
  }
  problems.push(...sameAddresses('', { target: config.target, peer: config.peer, pathMtuPeer: config.pathMtuPeer }, (a) => a));
  if (config.ipv6 !== undefined) {
    const { target, peer, pathMtuPeer } = config.ipv6;
    for (const [role, address] of [['IPv6 target', target], ['IPv6 peer', peer], ['IPv6 path-MTU peer', pathMtuPeer]] as const) {
      if (canonicalIpv6(address) === undefined) problems.push(`the ${role} address ${JSON.stringify(address)} is not an IPv6 address`);
      else if (!inIpv6TestRange(address)) problems.push(`the ${role} address ${address} is outside 2001:2::/48, the only IPv6 range tcpconform speaks to`);
    }
    problems.push(...sameAddresses('IPv6 ', config.ipv6, canonicalIpv6));
  }
  if (config.application.mode === 'agent') {
    const { host } = config.application.agent;
    for (const [role, address] of [['peer', config.peer], ['path-MTU peer', config.pathMtuPeer]] as const) {
      if (host === address) problems.push(`the agent cannot be at the ${role}'s address ${address}`);
    }
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

/**
 * Throws a TargetSetupError listing every problem of `config`; returns it with its IPv6 addresses in
 * RFC 5952's form, the one packets are compared in.
 */
export function checkConfig(config: RawConfig): RawConfig {
  const problems = configProblems(config);
  if (problems.length > 0) throw new TargetSetupError(`The raw target's settings are wrong: ${problems.join('; ')}.`);
  const { ipv6 } = config;
  return ipv6 === undefined ? config : { ...config, ipv6: { target: canonicalIpv6(ipv6.target)!, peer: canonicalIpv6(ipv6.peer)!, pathMtuPeer: canonicalIpv6(ipv6.pathMtuPeer)! } };
}

/**
 * The config a case that lowers the target host's path MTU runs with: the path-MTU peer's addresses as
 * the peer's, so the estimate the host keeps afterwards is for addresses no other case speaks from. The
 * two trade places, so the result is a sound config too.
 */
export function forPathMtuCase(config: RawConfig): RawConfig {
  const { ipv6 } = config;
  return {
    ...config,
    peer: config.pathMtuPeer,
    pathMtuPeer: config.peer,
    ...(ipv6 !== undefined && { ipv6: { ...ipv6, peer: ipv6.pathMtuPeer, pathMtuPeer: ipv6.peer } }),
  };
}

/** The families `config` gives addresses for. */
export function familiesOf(config: RawConfig): AddressFamily[] {
  return config.ipv6 === undefined ? ['ipv4'] : ['ipv4', 'ipv6'];
}

/** The target's and the peer's addresses in `family`; a TargetSetupError when the config has none there. */
export function addressesIn(config: RawConfig, family: AddressFamily): FamilyAddresses {
  if (family === 'ipv4') return { target: config.target, peer: config.peer };
  if (config.ipv6 === undefined) throw new TargetSetupError('The raw target has no IPv6 addresses: give --raw-target6 (or TCPCONFORM_RAW_TARGET6) for IPv6 runs.');
  return { target: config.ipv6.target, peer: config.ipv6.peer };
}

/** `the target and the peer cannot both be X`, for each two of a family's addresses that are one. */
function sameAddresses(prefix: string, addresses: ConfiguredAddresses, canonical: (address: string) => string | undefined): string[] {
  const roles = [['target', addresses.target], ['peer', addresses.peer], ['path-MTU peer', addresses.pathMtuPeer]] as const;
  return roles.flatMap(([role, address], index) =>
    roles.slice(index + 1)
      .filter(([, other]) => canonical(address) !== undefined && canonical(address) === canonical(other))
      .map(([otherRole]) => `the ${prefix}${role} and the ${otherRole} cannot both be ${address}`));
}

function canonicalIpv6(text: string): string | undefined {
  try {
    return formatIpv6Address(parseIpv6Address(text, 0));
  } catch {
    return undefined;
  }
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  return parts.length === 4 && parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255);
}

function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}
