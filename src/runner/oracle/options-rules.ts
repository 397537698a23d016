/**
 * The rules on TCP options that hold for every segment a target sends, whatever the case: an option
 * area that frames (MUST-68) with zeros after its End of Option List (MUST-69), MSS only on SYNs, and no
 * option the peer's SYN did not offer (RFC 9293 §3.1–3.2, §3.7.1; RFC 7323 §2.2, §3.2; RFC 2018 §2).
 * A case need not assert them: options the peer never offered must never be accepted.
 */
import { DEFAULT_SEND_MSS } from '../../reference/tcb';
import type { TcpOption, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';

/** Which options the peer's SYN (or SYN-ACK) carried. */
export interface Offered {
  readonly wscale: boolean;
  readonly sackPermitted: boolean;
  readonly timestamps: boolean;
  /** SendMSS: the peer's MSS option, or 536 for IPv4 when it sent none (RFC 9293 §3.7.1, MUST-15). */
  readonly sendMss: number;
}

export function offeredBy(syn: TcpSegment): Offered {
  const has = (kind: TcpOption['kind']): boolean => syn.options.some((o) => o.kind === kind);
  const mss = syn.options.find((o) => o.kind === 'mss');
  return { wscale: has('wscale'), sackPermitted: has('sack-permitted'), timestamps: has('timestamps'), sendMss: mss?.kind === 'mss' ? mss.mss : DEFAULT_SEND_MSS };
}

/**
 * RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS + 20, MMS_S) - TCPhdrsize - IPoptionsize, and no segment's
 * data exceeds it (MUST-16): the options a segment carries come out of the peer's MSS. MMS_S is known
 * here only once an ICMP fragmentation needed gave the path MTU (RFC 1191): the MTU less the IPv4
 * header; until then only the peer's side of the minimum is held.
 */
export function sizeViolation(segment: TcpSegment, offered: Offered | undefined, pathMtu?: number): (OptionViolation & { limit: number }) | undefined {
  if (offered === undefined || segment.payload.length === 0) return undefined;
  const headerBytes = (segment.dataOffset ?? 5) * 4;
  const byPath = pathMtu !== undefined && pathMtu - IPV4_HEADER < offered.sendMss + 20;
  const limit = (byPath ? (pathMtu as number) - IPV4_HEADER : offered.sendMss + 20) - headerBytes;
  if (segment.payload.length <= limit) return undefined;
  const mss = byPath
    ? `the path MTU of ${pathMtu as number} an ICMP fragmentation needed gave (RFC 1191)`
    : offered.sendMss === DEFAULT_SEND_MSS ? `${DEFAULT_SEND_MSS}, the default when the peer's SYN carries no MSS option (MUST-15)` : `${offered.sendMss}, the peer's MSS option`;
  return {
    rule: 'MUST-16',
    limit,
    message: `${segment.payload.length} octets of data in a segment with a ${headerBytes}-octet TCP header, more than the ${limit} the ${byPath ? 'path' : 'send MSS'} allows (${mss}; RFC 9293 §3.7.1, MUST-16)`,
  };
}

/** The IPv4 header without options: what MMS_S leaves out of the path MTU (RFC 9293 §3.7.1). */
const IPV4_HEADER = 20;

export interface OptionViolation {
  readonly rule: string;
  readonly message: string;
}

/** The first option rule `segment` breaks, given what the peer offered (undefined: no SYN seen yet). */
export function optionViolation(segment: TcpSegment, offered: Offered | undefined): OptionViolation | undefined {
  const framing = framingViolation(segment.options);
  if (framing) return framing;
  const isSyn = (segment.flags & TcpFlag.SYN) !== 0;
  const has = (kind: TcpOption['kind']): boolean => segment.options.some((o) => o.kind === kind);
  if (!isSyn && has('mss')) {
    return { rule: 'MUST-65', message: 'an MSS option on a segment without SYN (RFC 9293 §3.2, MUST-65: MSS only on SYNs)' };
  }
  if (!isSyn && (has('wscale') || has('sack-permitted'))) {
    return { rule: 'RFC 7323 §2.2', message: 'a window scale or SACK-permitted option on a segment without SYN (they are only for SYNs)' };
  }
  const answering = isSyn && (segment.flags & TcpFlag.ACK) !== 0;
  // A SYN-ACK may offer only what the SYN offered; later segments use only what was agreed.
  if (offered && (answering || !isSyn)) {
    if (answering && has('wscale') && !offered.wscale) {
      return { rule: 'RFC 7323 §2.2', message: "a window scale option in a SYN-ACK answering a SYN that offered none (RFC 7323 §2.2)" };
    }
    if (answering && has('sack-permitted') && !offered.sackPermitted) {
      return { rule: 'RFC 2018 §2', message: 'SACK-permitted in a SYN-ACK answering a SYN that did not offer it (RFC 2018 §2)' };
    }
    if (has('sack') && !offered.sackPermitted) {
      return { rule: 'RFC 2018 §2', message: 'SACK blocks although the peer never sent SACK-permitted (RFC 2018 §2)' };
    }
    if (has('timestamps') && !offered.timestamps) {
      return { rule: 'RFC 7323 §3.2', message: 'a timestamps option although the peer\'s SYN carried none (RFC 7323 §3.2)' };
    }
  }
  return undefined;
}

/**
 * The decoder turns what does not frame into a `malformed` entry (src/wire/tcp-options.ts); one right
 * after an End of Option List is padding that is not zero.
 */
function framingViolation(options: readonly TcpOption[]): OptionViolation | undefined {
  const index = options.findIndex((o) => o.kind === 'malformed');
  const malformed = options[index];
  if (malformed?.kind !== 'malformed') return undefined;
  if (options[index - 1]?.kind === 'eol') {
    return { rule: 'MUST-69', message: `non-zero bytes after End of Option List (RFC 9293 §3.1, MUST-69: the padding is zeros): ${malformed.reason}` };
  }
  return { rule: 'MUST-68', message: `an option area that does not frame (RFC 9293 §3.1, MUST-68: every option but EOL and NOP has a length): ${malformed.reason}` };
}
