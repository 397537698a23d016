/** The `icmp` step: the peer sends an ICMP error about the target's last segment (RFC 9293 §3.9.2.2). */
import type { Step } from '../../suite/case';
import type { Exchange, StepResult } from '../exchange';

/**
 * What the target sent before is taken first, so that the error quotes the last segment the target
 * put on the wire, and the oracle sees the exchange in the order it happened.
 */
export async function icmp(x: Exchange, step: Step & { kind: 'icmp' }): Promise<StepResult> {
  await x.collectArrived();
  await x.sendIcmp(step.icmp);
  return { outcome: 'pass' };
}
