/**
 * RFC 9293 §3.10.7.4: ACKs aggregated over segments processed together (MUST-58, MUST-59). The
 * segments are processed one by one as SEGMENT ARRIVES has it; what each owed the peer is then sent
 * once: a pure ACK that a later segment of the same connection acknowledges as much as is left out.
 */
import { TcpFlag } from '../wire/flags';
import * as seqArithmetic from '../wire/seq';
import * as machine from './machine';
import type { Machine } from './machine';
import type { Output } from './output';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { seqGe } = seqArithmetic;
const { fire } = machine;

type SegmentOutput = Extract<Output, { kind: 'segment' }>;

/** An ACK carrying nothing else: no data, SYN, FIN or RST. */
function pureAck(output: Output): output is SegmentOutput {
  return output.kind === 'segment' && output.segment.payload.length === 0 && (output.segment.flags & (TcpFlag.SYN | TcpFlag.FIN | TcpFlag.RST | TcpFlag.ACK)) === TcpFlag.ACK;
}

/** Whether `later` acknowledges at least what the pure ACK `earlier` does, on the same connection. */
function covers(later: Output, earlier: SegmentOutput): boolean {
  if (later.kind !== 'segment' || !(later.segment.flags & TcpFlag.ACK) || later.segment.flags & TcpFlag.RST) return false;
  const { segment } = earlier;
  return later.segment.srcPort === segment.srcPort && later.segment.dstPort === segment.dstPort && seqGe(later.segment.ack, segment.ack);
}

/** `outputs` without the pure ACKs a later segment covers; records the aggregation when there was any. */
export function aggregateAcks(m: Machine, outputs: readonly Output[]): Output[] {
  const kept = outputs.filter((output, i) => !(pureAck(output) && outputs.slice(i + 1).some((later) => covers(later, output))));
  if (kept.length < outputs.length) fire(m, '3.10.7.4/ack/aggregated');
  return kept;
}
