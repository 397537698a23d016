/**
 * Before a run: does the target answer at all? A SYN to a listening port must come back as a SYN-ACK
 * (then the peer resets it). In service mode the port is the service's; in agent mode the agent listens
 * on PROBE_PORT first, which also proves the control connection. A target that cannot be reached fails
 * the run's preflight in one sentence, instead of every case with a timeout. A target with IPv6 addresses
 * is probed over both families, each from the peer's address and the path-MTU peer's.
 */
import { IpProtocol, TcpFlag, decodePacket, encodePacket, formatFlags, parseFlags } from '../../wire';
import { TargetSetupError } from '../linux/setup-error';
import type { IpHeader } from '../../wire';
import type { AddressFamily } from '../family';
import type { RawConfig } from './config';
import { familiesOf, forPathMtuCase } from './config';
import { createRawTarget } from './raw-target';
import type { RawTarget } from './raw-target';

/** The agent's listening port for the probe: nothing a case uses. */
export const PROBE_PORT = 39999;
const PEER_PORT = 39999;
const PEER_ISN = 0x70726f62;
const ANSWER_MS = 2000;

function segment(target: RawTarget, port: number, flags: string, seq: number): Uint8Array {
  const [src, dst] = [target.peerAddress, target.address];
  const ip: IpHeader = dst.includes(':')
    ? { version: 6, src, dst, protocol: IpProtocol.TCP, hopLimit: 64 }
    : { version: 4, src, dst, protocol: IpProtocol.TCP, ttl: 64, id: 0, dontFragment: true };
  return encodePacket({
    ip,
    tcp: { srcPort: PEER_PORT, dstPort: port, seq, ack: 0, flags: parseFlags(flags), window: 65535, urgentPointer: 0, options: [], payload: new Uint8Array() },
  });
}

/** Probes `target` (fresh, and the caller's to close); returns the SYN to SYN-ACK time in microseconds. */
export async function probe(target: RawTarget, config: RawConfig): Promise<number> {
  const { application } = config;
  const port = application.mode === 'service' ? application.port : PROBE_PORT;
  if (application.mode === 'agent') {
    const listening = await target.app({ call: 'listen', port });
    if (!listening.ok) throw new TargetSetupError(`tcpconform-agent at ${application.agent.host}:${application.agent.port} cannot listen on port ${port} for the probe: ${listening.error}.`);
  }
  const sent = target.send(segment(target, port, 'S', PEER_ISN));
  for (;;) {
    const answer = await target.receive(ANSWER_MS);
    if (answer === undefined) {
      const { namespace, bridge } = config.link;
      throw new TargetSetupError(
        `The target ${target.address} did not answer a SYN from ${target.peerAddress} to port ${port} within ${ANSWER_MS / 1000} s: is it up and reachable through bridge ${bridge} in namespace ${namespace}, with that address on its link${application.mode === 'service' ? ', and is its service listening on that port' : ''}?`,
      );
    }
    const tcp = decodePacket(answer.bytes).tcp;
    if (tcp?.srcPort !== port || tcp.dstPort !== PEER_PORT) continue;
    if (tcp.flags !== (TcpFlag.SYN | TcpFlag.ACK)) {
      throw new TargetSetupError(`The target ${target.address} answered a SYN to port ${port} with ${formatFlags(tcp.flags)}, not a SYN-ACK: is anything listening there?`);
    }
    target.send(segment(target, port, 'R', PEER_ISN + 1));
    return Number(answer.timeNs - sent.timeNs) / 1000;
  }
}

/**
 * The driver's preflight: this machine can host the harness's side, the config is sound, and the target
 * answers in every family the config gives addresses for, from the peer's address and from the path-MTU
 * peer's, through targets made and closed for the purpose. Returns the probes' round trips in µs, IPv4's
 * first, each family's from the peer's address first.
 */
export async function preflightRawTarget(config: RawConfig): Promise<number[]> {
  const roundTrips: number[] = [];
  for (const family of familiesOf(config)) {
    for (const each of [config, forPathMtuCase(config)]) roundTrips.push(await probeIn(each, family));
  }
  return roundTrips;
}

async function probeIn(config: RawConfig, family: AddressFamily): Promise<number> {
  const target = await createRawTarget(config, family);
  try {
    return await probe(target, config);
  } finally {
    await target.close();
  }
}
