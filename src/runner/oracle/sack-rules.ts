/**
 * RFC 2018 §3's rule on the SACK blocks a target sends: each reports data "received and queued", so a
 * block may cover only sequence space the peer sent and the reference machine received, in order (below
 * RCV.NXT: a duplicate reported by RFC 2883's D-SACK, or a block the target reported before the hole
 * filled) or held out of order. In order means from IRS on: the SYN's own sequence number is reported
 * as a duplicate when it comes twice, as a simultaneous open's SYN-ACK repeats the peer's SYN. A block
 * of data that never arrived would have the peer skip sending it. Which blocks come first is the cases'
 * to assert (RFC 2018 §4).
 */
import type { Tcb } from '../../reference';
import type { TcpSegment } from '../../wire';
import { seqLe, seqLt } from '../../wire/seq';

export interface SackViolation {
  readonly rule: string;
  readonly message: string;
}

/** The first SACK block of `segment` that reports data the machine never received, if any. */
export function sackViolation(segment: TcpSegment, tcb: Readonly<Tcb>, relative: (seq: number) => number): SackViolation | undefined {
  const sack = segment.options.find((o) => o.kind === 'sack');
  if (sack?.kind !== 'sack') return undefined;
  for (const { left, right } of sack.blocks) {
    const received = seqLe(tcb.irs, left) && seqLe(right, tcb.rcvNxt);
    const held = tcb.held.some((range) => seqLe(range.start, left) && seqLe(right, range.end));
    if (seqLt(left, right) && (received || held)) continue;
    return {
      rule: 'RFC 2018 §3',
      message: `a SACK block ${relative(left)}:${relative(right)}, which reports octets the peer never sent or that never arrived (RFC 2018 §3: a block is data received and queued)`,
    };
  }
  return undefined;
}
