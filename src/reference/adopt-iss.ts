/**
 * Rebasing the endpoint's own sequence space on another ISS: how an oracle running this machine beside a
 * target adopts the target's ISN (design notes, "The reference machine is the oracle"). Not an RFC event.
 */
import * as seqArithmetic from '../wire/seq';
import type { Machine } from './machine';

/** Taken once, not through the modules' getters on every call (index.ts). */
const { seqAdd, seqLt, seqSub } = seqArithmetic;

/**
 * Moves every number of this endpoint's sequence space by the same distance, so that its SYN took `iss`.
 * Allowed while nothing but the SYN has been sent (LISTEN, or SYN-SENT, or SYN-RECEIVED with SND.NXT at
 * ISS+1); throws otherwise, since data already sent cannot move. A connection reopened from TIME-WAIT
 * takes only an ISS above the old connection's sequence space (RFC 9293 §3.6.1, MAY-2).
 */
export function adoptIss(m: Machine, iss: number): void {
  const { tcb } = m;
  const onlySyn = (m.state === 'SYN-SENT' || m.state === 'SYN-RECEIVED') && tcb.sndNxt === seqAdd(tcb.iss, 1);
  if (m.state !== 'LISTEN' && !onlySyn) {
    throw new Error(`adoptIss: only possible while nothing but the SYN has been sent; the endpoint is ${m.state} with SND.NXT ISS+${seqSub(tcb.sndNxt, tcb.iss)}`);
  }
  if (tcb.issFloor !== undefined && seqLt(iss >>> 0, tcb.issFloor)) {
    throw new Error(`adoptIss: a connection reopened from TIME-WAIT needs an ISS of at least ${tcb.issFloor} (MAY-2), not ${iss >>> 0}`);
  }
  tcb.issFloor = undefined;
  const shift = (value: number): number => seqAdd(value, seqSub(iss >>> 0, tcb.iss));
  tcb.sndUna = shift(tcb.sndUna);
  tcb.sndNxt = shift(tcb.sndNxt);
  tcb.sndUp = shift(tcb.sndUp);
  tcb.sndQueueEnd = shift(tcb.sndQueueEnd);
  tcb.sndBufferSeq = shift(tcb.sndBufferSeq);
  tcb.ecn.recover = shift(tcb.ecn.recover);
  if (tcb.rtt.timing !== undefined) tcb.rtt.timing.end = shift(tcb.rtt.timing.end);
  tcb.iss = iss >>> 0;
}
