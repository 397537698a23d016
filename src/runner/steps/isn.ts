/**
 * The `isn` step: many connections on several four-tuples, spread over time, each cut short once the
 * target has chosen its ISN, and the statistics of those ISNs (RFC 9293 §3.4.1; statistics.ts).
 *
 * The connections are the step's own: the case's numbering and the oracle follow one connection, and
 * these are many, so their packets go into the trace with their numbers as on the wire. Each is
 * reset at once, so that no TIME-WAIT holds a four-tuple the next round opens again:
 * - active (first): the target's application connects to one of the peer's ports, and the peer
 *   refuses its SYN with <SEQ=0><ACK=ISN+1><CTL=RST,ACK> (RFC 9293 §3.10.7.3);
 * - passive: the peer's SYN from one of its ports, the target's SYN-ACK, and the peer's RST at RCV.NXT,
 *   which returns the target to LISTEN (§3.10.7.4, MUST-11).
 */
import { decodePacket, encodePacket, TcpFlag, WireError, type TcpSegment } from '../../wire';
import type { IsnPlan, Step } from '../../suite/case';
import { CASE_DEFAULTS } from '../../suite/normalize';
import type { Exchange, StepResult } from '../exchange';
import { isnStatistics, ISN_CAVEAT, type IsnSample } from '../isn/statistics';

/** Each connection's peer ISN, spread over the sequence space (2^32 / golden ratio) from the case's own. */
const PEER_ISN_STEP = 0x9e3779b9;
/** The peer offers the MSS of an Ethernet path, as the established preamble does. */
const PEER_MSS = 1460;

/** A segment as a retransmission repeats it: ports, sequence number and what it acknowledges. */
const keyOf = (tcp: TcpSegment): string => `${tcp.srcPort}/${tcp.dstPort}/${tcp.seq}/${tcp.ack}`;

/** How a connection of the step ended: its sample, or why there is none. */
type Opened = { readonly sample: IsnSample } | { readonly failure: string };

class Opener {
  /** SYNs and SYN-ACKs already taken (keyOf): a retransmission of one is not a new connection's. */
  private readonly seen = new Set<string>();
  private connections = 0;

  constructor(private readonly x: Exchange) {}

  /** The peer sends `segment` to the target from the peer's address. */
  private send(segment: Omit<TcpSegment, 'window' | 'urgentPointer' | 'options' | 'payload'> & { options?: TcpSegment['options'] }): void {
    const tcp: TcpSegment = { window: CASE_DEFAULTS.window, urgentPointer: 0, payload: new Uint8Array(0), options: [], ...segment };
    const ip = this.x.ipHeader();
    this.x.recordUnjudged('to-target', this.x.target.send(encodePacket({ ip, tcp })), tcp);
  }

  /** The first segment from the target that `wanted` takes, within the time a target has to answer; the others are recorded. */
  private async answer(wanted: (tcp: TcpSegment) => boolean): Promise<{ tcp: TcpSegment; atMs: number } | undefined> {
    const within = CASE_DEFAULTS.expectWithinMs;
    const deadline = this.x.clock.elapsedMs() + within + this.x.clock.slackMs(within);
    for (;;) {
      const packet = await this.x.target.receive(Math.max(0, deadline - this.x.clock.elapsedMs()));
      if (!packet) return undefined;
      const atMs = this.x.clock.elapsedMs(packet.timeNs);
      let tcp: TcpSegment | undefined;
      try {
        const decoded = decodePacket(packet.bytes);
        tcp = decoded.tcp;
        this.x.recordUnjudged('from-target', packet, tcp, decoded.tcpChecksumOk !== false);
      } catch (error) {
        if (!(error instanceof WireError)) throw error;
        this.x.recordUnjudged('from-target', packet, undefined);
      }
      if (tcp && wanted(tcp) && !this.seen.has(keyOf(tcp))) {
        this.seen.add(keyOf(tcp));
        return { tcp, atMs };
      }
    }
  }

  /** The target's application connects to `peerPort`; its SYN is refused. */
  async active(peerPort: number): Promise<Opened> {
    this.connections++;
    const result = await this.x.target.app({ call: 'connect', port: peerPort });
    this.x.drainAppEvents();
    if (!result.ok) throw new Error(`isn: connect to port ${peerPort} failed on the target: ${result.error}`);
    const syn = await this.answer((tcp) => tcp.dstPort === peerPort && (tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN);
    if (!syn) return { failure: `the target's application connected to port ${peerPort}, but no SYN came within 1s` };
    const { tcp } = syn;
    this.send({ srcPort: peerPort, dstPort: tcp.srcPort, seq: 0, ack: (tcp.seq + 1) >>> 0, flags: TcpFlag.RST | TcpFlag.ACK });
    return { sample: { open: 'active', targetPort: tcp.srcPort, peerPort, atMs: syn.atMs, isn: tcp.seq } };
  }

  /** The peer opens a connection from `peerPort` to the target's `port`; after the SYN-ACK it resets it. */
  async passive(port: number, peerPort: number): Promise<Opened> {
    const peerIsn = (this.x.testCase.peerIsn + PEER_ISN_STEP * this.connections++) >>> 0;
    this.send({ srcPort: peerPort, dstPort: port, seq: peerIsn, ack: 0, flags: TcpFlag.SYN, options: [{ kind: 'mss', mss: PEER_MSS }] });
    const expectedAck = (peerIsn + 1) >>> 0;
    const synAck = await this.answer((tcp) => tcp.dstPort === peerPort && (tcp.flags & (TcpFlag.SYN | TcpFlag.ACK)) === (TcpFlag.SYN | TcpFlag.ACK) && tcp.ack === expectedAck);
    if (!synAck) return { failure: `the peer's SYN from port ${peerPort} to port ${port}, where the application listens, drew no SYN-ACK within 1s` };
    this.send({ srcPort: peerPort, dstPort: port, seq: expectedAck, ack: 0, flags: TcpFlag.RST });
    return { sample: { open: 'passive', targetPort: port, peerPort, atMs: synAck.atMs, isn: synAck.tcp.seq } };
  }
}

/** Opens `open` on every port, round after round, each round `apart` after the one before began. */
async function rounds(x: Exchange, plan: IsnPlan, ports: readonly number[], open: (port: number) => Promise<Opened>): Promise<IsnSample[] | string> {
  const samples: IsnSample[] = [];
  for (let round = 0; round < plan.rounds; round++) {
    const start = x.clock.elapsedMs();
    for (const port of ports) {
      const opened = await open(port);
      if ('failure' in opened) return opened.failure;
      samples.push(opened.sample);
    }
    await x.target.sleep(Math.max(0, start + x.clock.ms(plan.apart) - x.clock.elapsedMs()));
  }
  return samples;
}

export async function isn(x: Exchange, step: Step & { kind: 'isn' }): Promise<StepResult> {
  const { plan } = step;
  const opener = new Opener(x);
  const active = await rounds(x, plan, plan.active, (port) => opener.active(port));
  if (typeof active === 'string') return { outcome: 'fail', expected: 'a SYN for every connect', observed: 'nothing', message: active };
  const listening = await x.target.app({ call: 'listen', port: x.testCase.port });
  x.drainAppEvents();
  if (!listening.ok) throw new Error(`isn: listen on port ${x.testCase.port} failed on the target: ${listening.error}`);
  const passive = await rounds(x, plan, plan.passive, (peerPort) => opener.passive(x.testCase.port, peerPort));
  if (typeof passive === 'string') return { outcome: 'fail', expected: 'a SYN-ACK for every SYN', observed: 'nothing', message: passive };

  const samples = [...active, ...passive];
  const requirements = x.testCase.spec.requirements;
  const statistics = isnStatistics(samples).map((s) => ({ ...s, judged: requirements.includes(s.requirement) }));
  x.isnReport = { samples, statistics, caveat: ISN_CAVEAT };
  const judged = statistics.filter((s) => s.judged);
  const failed = judged.filter((s) => !s.passed);
  const expected = `${judged.map((s) => `${s.name} ${s.threshold}`).join('; ')}`;
  const observed = `${samples.length} ISNs; ${failed.length === 0 ? 'every judged statistic within its threshold' : `${failed.map((s) => s.name).join(', ')} beyond`}`;
  if (failed.length === 0) return { outcome: 'pass', expected, observed };
  return {
    outcome: 'fail',
    expected,
    observed,
    mismatches: failed.map((s) => ({ field: s.name, expected: s.threshold, observed: s.measured })),
    message: failed.map((s) => `${s.name} (${s.requirement}): ${s.measured}, expected ${s.threshold}`).join('; '),
  };
}
