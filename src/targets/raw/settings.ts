/**
 * The raw target's settings as the user gives them: each one a command-line option of `run` and
 * `targets`, or the environment variable beside it (for CI jobs and the jest integration). One table
 * says both, so the two ways cannot drift apart; `rawConfig` turns the strings into a checked RawConfig.
 */
import { TargetSetupError } from '../linux/setup-error';
import { DEFAULT_PATH_MTU_PEER, DEFAULT_PATH_MTU_PEER6, DEFAULT_PEER, DEFAULT_PEER6, DEFAULT_PEER_PORTS, checkConfig } from './config';
import type { ApplicationSide, Endpoint, PortRange, RawConfig, VethLink } from './config';

export interface RawSetting {
  /** The option's long name with its argument, as commander takes it. */
  readonly flag: string;
  readonly env: string;
  readonly help: string;
}

export const RAW_SETTINGS = {
  target: { flag: '--raw-target <address>', env: 'TCPCONFORM_RAW_TARGET', help: "raw target: the target's IPv4 address, in 198.18.0.0/15 (required)" },
  target6: { flag: '--raw-target6 <address>', env: 'TCPCONFORM_RAW_TARGET6', help: "raw target: the target's IPv6 address, in 2001:2::/48 (IPv6 runs need it; without it the target speaks IPv4 alone)" },
  link: { flag: '--raw-link <veth:NETNS:BRIDGE>', env: 'TCPCONFORM_RAW_LINK', help: "raw target: a veth pair joins the harness's namespace to BRIDGE in namespace NETNS, where the target is reached (required)" },
  agent: { flag: '--raw-agent <host:port>', env: 'TCPCONFORM_RAW_AGENT', help: 'raw target, agent mode: where tcpconform-agent --listen runs on the target host' },
  service: { flag: '--raw-service <port>', env: 'TCPCONFORM_RAW_SERVICE', help: "raw target, service mode: the port of the target's echo or discard server (no application calls)" },
  peer: { flag: '--raw-peer <address>', env: 'TCPCONFORM_RAW_PEER', help: `raw target: the peer's address (default ${DEFAULT_PEER})` },
  peer6: { flag: '--raw-peer6 <address>', env: 'TCPCONFORM_RAW_PEER6', help: `raw target: the peer's IPv6 address (default ${DEFAULT_PEER6})` },
  pathMtuPeer: { flag: '--raw-path-mtu-peer <address>', env: 'TCPCONFORM_RAW_PATH_MTU_PEER', help: `raw target: the peer's address in the cases that lower the target's path MTU, which no other case uses (default ${DEFAULT_PATH_MTU_PEER})` },
  pathMtuPeer6: { flag: '--raw-path-mtu-peer6 <address>', env: 'TCPCONFORM_RAW_PATH_MTU_PEER6', help: `raw target: the same in IPv6 (default ${DEFAULT_PATH_MTU_PEER6})` },
  peerPorts: { flag: '--raw-peer-ports <first-last>', env: 'TCPCONFORM_RAW_PEER_PORTS', help: `raw target: the peer's ports on the wire, one fresh per case (default ${DEFAULT_PEER_PORTS.first}-${DEFAULT_PEER_PORTS.last})` },
  profile: { flag: '--raw-profile <name>', env: 'TCPCONFORM_RAW_PROFILE', help: "raw target: the target's profile, profiles/<name>.yaml (default rfc9293, the RFC's own values)" },
} as const satisfies Record<string, RawSetting>;

/** The raw settings as strings, each from its option or else its environment variable. */
export type RawSettings = { readonly [key in keyof typeof RAW_SETTINGS]?: string };

/** The settings the environment holds, for callers without a command line. */
export function rawSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): RawSettings {
  const settings: Record<string, string> = {};
  for (const [key, setting] of Object.entries(RAW_SETTINGS)) {
    const value = env[setting.env];
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/** The profile the reference machine runs with for the raw target: a remote stack's is the user's to name. */
export function rawProfileName(settings: RawSettings): string {
  return settings.profile ?? 'rfc9293';
}

/** How the problem's setting is named to the user: the option, and the variable that can stand for it. */
function named(key: keyof typeof RAW_SETTINGS): string {
  const { flag, env } = RAW_SETTINGS[key];
  return `${flag.split(' ')[0]!} (or ${env})`;
}

/** The config the settings describe; a TargetSetupError saying what is missing or wrong otherwise. */
export function rawConfig(settings: RawSettings): RawConfig {
  const { target, target6, link, agent, service } = settings;
  const missing = [
    ...(target === undefined ? [`${named('target')}, the target's address, e.g. 198.18.1.2`] : []),
    ...(link === undefined ? [`${named('link')}, veth:NAMESPACE:BRIDGE where the target is reached`] : []),
    ...(target6 === undefined && settings.peer6 !== undefined ? [`${named('target6')}, the target's IPv6 address, which ${named('peer6')} speaks to`] : []),
    ...(target6 === undefined && settings.pathMtuPeer6 !== undefined ? [`${named('target6')}, the target's IPv6 address, which ${named('pathMtuPeer6')} speaks to`] : []),
    ...((agent === undefined) === (service === undefined) ? [`exactly one of ${named('agent')}, HOST:PORT of tcpconform-agent --listen, and ${named('service')}, the port of the target's echo or discard server`] : []),
  ];
  if (missing.length > 0) throw new TargetSetupError(`The raw target needs ${missing.join('; ')}.`);
  return checkConfig({
    target: target as string,
    peer: settings.peer ?? DEFAULT_PEER,
    pathMtuPeer: settings.pathMtuPeer ?? DEFAULT_PATH_MTU_PEER,
    ...(target6 !== undefined && { ipv6: { target: target6, peer: settings.peer6 ?? DEFAULT_PEER6, pathMtuPeer: settings.pathMtuPeer6 ?? DEFAULT_PATH_MTU_PEER6 } }),
    peerPorts: settings.peerPorts === undefined ? DEFAULT_PEER_PORTS : parseRange(settings.peerPorts),
    link: parseLink(link as string),
    application: agent !== undefined ? { mode: 'agent', agent: parseEndpoint(agent) } : ({ mode: 'service', port: parsePort(service as string, 'service') } satisfies ApplicationSide),
  });
}

function parseLink(text: string): VethLink {
  const [kind, namespace, bridge, ...rest] = text.split(':');
  if (kind !== 'veth' || namespace === undefined || bridge === undefined || rest.length > 0) {
    throw new TargetSetupError(`${named('link')} must be veth:NAMESPACE:BRIDGE, not ${JSON.stringify(text)}.`);
  }
  return { kind, namespace, bridge };
}

function parseEndpoint(text: string): Endpoint {
  const colon = text.lastIndexOf(':');
  if (colon < 0) throw new TargetSetupError(`${named('agent')} must be HOST:PORT, not ${JSON.stringify(text)}.`);
  return { host: text.slice(0, colon), port: parsePort(text.slice(colon + 1), 'agent') };
}

function parseRange(text: string): PortRange {
  const match = /^(\d+)-(\d+)$/.exec(text);
  if (!match) throw new TargetSetupError(`${named('peerPorts')} must be FIRST-LAST, e.g. 40000-59999, not ${JSON.stringify(text)}.`);
  return { first: Number(match[1]), last: Number(match[2]) };
}

function parsePort(text: string, key: 'agent' | 'service'): number {
  if (!/^\d{1,5}$/.test(text)) throw new TargetSetupError(`${named(key)} needs a port number, not ${JSON.stringify(text)}.`);
  return Number(text);
}
