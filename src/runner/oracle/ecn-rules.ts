/**
 * RFC 3168's rules on the ECN field of the datagrams a target sends, whatever the case: ECT only on new
 * data of a connection that negotiated ECN, never on a SYN, a SYN-ACK, a pure ACK or a retransmission,
 * and never CE, which only routers set. Whether the connection negotiated ECN is read off the wire (both
 * SYNs), not taken from the profile: a target that negotiates where its profile says it does not is the
 * report's business, not a reason to misjudge its datagrams.
 */
import type { Ecn, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';

export interface EcnViolation {
  readonly rule: string;
  readonly message: string;
}

/** Both flags: an ECN-setup SYN; ECE alone on a SYN-ACK: an ECN-setup SYN-ACK (RFC 3168 §6.1.1). */
const SETUP = TcpFlag.ECE | TcpFlag.CWR;

const isSyn = (segment: TcpSegment): boolean => (segment.flags & TcpFlag.SYN) !== 0;
const isAck = (segment: TcpSegment): boolean => (segment.flags & TcpFlag.ACK) !== 0;

/** Whether `segment` sets up ECN: an ECN-setup SYN (ECE and CWR), or an ECN-setup SYN-ACK (ECE without CWR). */
function setsUp(segment: TcpSegment): boolean {
  return isAck(segment) ? (segment.flags & SETUP) === TcpFlag.ECE : (segment.flags & SETUP) === SETUP;
}

/** The ECN negotiation of one connection as the wire shows it, and the rules on the target's ECN field. */
export class EcnWatch {
  private peerSetup = false;
  private targetSetup = false;
  /** A SYN or SYN-ACK that did not set ECN up was sent: §6.1.1 then allows no ECT. */
  private plainSyn = false;

  /** Whether both SYNs set ECN up, and no SYN that did not was sent (RFC 3168 §6.1.1). */
  get negotiated(): boolean {
    return this.peerSetup && this.targetSetup && !this.plainSyn;
  }

  /** The peer sent `segment`. */
  peerSent(segment: TcpSegment): void {
    if (!isSyn(segment)) return;
    // A new SYN without ACK starts a new negotiation (a reopened connection, say).
    if (!isAck(segment)) this.reset();
    if (setsUp(segment)) this.peerSetup = true;
    else this.plainSyn = true;
  }

  /**
   * The target sent `segment` in a datagram whose ECN field is `ecn`; `retransmits` when its data starts
   * before data the target sent already. The first rule it breaks, if any.
   */
  targetSent(segment: TcpSegment, ecn: Ecn, retransmits: boolean): EcnViolation | undefined {
    if (isSyn(segment)) {
      if (!isAck(segment)) this.reset();
      if (setsUp(segment)) this.targetSetup = true;
      else this.plainSyn = true;
    }
    if (ecn === 'not-ect') return undefined;
    if (ecn === 'ce') return { rule: 'RFC 3168 §5', message: 'a datagram marked Congestion Experienced, which only a router on the path sets (RFC 3168 §5)' };
    if (isSyn(segment)) return { rule: 'RFC 3168 §6.1.1', message: `an ECN-capable (${ecn}) SYN${isAck(segment) ? '-ACK' : ''}: "A host MUST NOT set ECT on SYN or SYN-ACK packets" (RFC 3168 §6.1.1)` };
    if (segment.payload.length === 0) return { rule: 'RFC 3168 §6.1.4', message: `an ECN-capable (${ecn}) segment without data: pure ACKs are sent Not-ECT (RFC 3168 §6.1.4)` };
    if (!this.negotiated) return { rule: 'RFC 3168 §6.1.1', message: `ECN-capable (${ecn}) data on a connection whose SYNs did not both set ECN up (RFC 3168 §6.1.1)` };
    if (retransmits) return { rule: 'RFC 3168 §6.1.5', message: `a retransmission marked ECN-capable (${ecn}): retransmitted data goes Not-ECT (RFC 3168 §6.1.5)` };
    return undefined;
  }

  private reset(): void {
    this.peerSetup = this.targetSetup = this.plainSyn = false;
  }
}
