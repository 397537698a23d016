/**
 * The rules on TCP options that hold for every segment a target sends, whatever the case: an option
 * area that frames (MUST-68) with zeros after its End of Option List (MUST-69), MSS only on SYNs, and
 * the other options only where their own RFC lets them go. Each rule cites the sentence that makes it
 * one; what no text forbids is no failure (a SYN-ACK may offer SACK-permitted to a SYN that did not:
 * RFC 2018 forbids that option only on segments without SYN, and a connection uses SACK only when
 * both sides offered it).
 */
import { IP_FACTS, type IpFacts } from '../../reference/ip';
import type { TcpOption, TcpSegment } from '../../wire';
import { TcpFlag } from '../../wire/flags';

/** Which options the peer's SYN (or SYN-ACK) carried. */
export interface Offered {
  readonly wscale: boolean;
  readonly sackPermitted: boolean;
  readonly timestamps: boolean;
  /** SendMSS: the peer's MSS option, or when it sent none 536 for IPv4, 1220 for IPv6 (RFC 9293 §3.7.1, MUST-15). */
  readonly sendMss: number;
}

export function offeredBy(syn: TcpSegment, ip: IpFacts = IP_FACTS.ipv4): Offered {
  const has = (kind: TcpOption['kind']): boolean => syn.options.some((o) => o.kind === kind);
  const mss = syn.options.find((o) => o.kind === 'mss');
  return { wscale: has('wscale'), sackPermitted: has('sack-permitted'), timestamps: has('timestamps'), sendMss: mss?.kind === 'mss' ? mss.mss : ip.defaultSendMss };
}

/**
 * RFC 9293 §3.7.1: Eff.snd.MSS = min(SendMSS + 20, MMS_S) - TCPhdrsize - IPoptionsize, and no segment's
 * data exceeds it (MUST-16): the options a segment carries come out of the peer's MSS. MMS_S is known
 * here only once an ICMP fragmentation needed (RFC 1191) or ICMPv6 packet too big (RFC 8201) gave the
 * path MTU: the MTU less the IP header of `ip`'s family; until then only the peer's side is held.
 */
export function sizeViolation(segment: TcpSegment, offered: Offered | undefined, pathMtu?: number, ip: IpFacts = IP_FACTS.ipv4): (OptionViolation & { limit: number }) | undefined {
  if (offered === undefined || segment.payload.length === 0) return undefined;
  const headerBytes = (segment.dataOffset ?? 5) * 4;
  const ipHeader = ip.ipTcpHeaders - TCP_HEADER;
  const byPath = pathMtu !== undefined && pathMtu - ipHeader < offered.sendMss + TCP_HEADER;
  const limit = (byPath ? (pathMtu as number) - ipHeader : offered.sendMss + TCP_HEADER) - headerBytes;
  if (segment.payload.length <= limit) return undefined;
  const error = ip.family === 'ipv6' ? 'ICMPv6 packet too big gave (RFC 8201)' : 'ICMP fragmentation needed gave (RFC 1191)';
  const mss = byPath
    ? `the path MTU of ${pathMtu as number} an ${error}`
    : offered.sendMss === ip.defaultSendMss ? `${ip.defaultSendMss}, the default when the peer's SYN carries no MSS option (MUST-15)` : `${offered.sendMss}, the peer's MSS option`;
  return {
    rule: 'MUST-16',
    limit,
    message: `${segment.payload.length} octets of data in a segment with a ${headerBytes}-octet TCP header, more than the ${limit} the ${byPath ? 'path' : 'send MSS'} allows (${mss}; RFC 9293 §3.7.1, MUST-16)`,
  };
}

/** The TCP header without options: SendMSS + 20 is what RFC 9293 §3.7.1 bounds a segment by. */
const TCP_HEADER = 20;

export interface OptionViolation {
  readonly rule: string;
  readonly message: string;
}

/** The first option rule `segment` breaks, given what the peer offered (undefined: no SYN seen yet). */
export function optionViolation(segment: TcpSegment, offered: Offered | undefined): OptionViolation | undefined {
  // Every rule here is about an option present: most segments carry none.
  if (segment.options.length === 0) return undefined;
  const framing = framingViolation(segment.options);
  if (framing) return framing;
  const isSyn = (segment.flags & TcpFlag.SYN) !== 0;
  const has = (kind: TcpOption['kind']): boolean => carries(segment.options, kind);
  if (!isSyn && has('mss')) {
    return { rule: 'MUST-65', message: 'an MSS option on a segment without SYN (RFC 9293 §3.2, MUST-65: MSS only on SYNs)' };
  }
  // RFC 7323 §2.2: the Window Scale option "MAY be sent in an initial <SYN> segment" and in a
  // <SYN,ACK> "only if a Window Scale option was received in the initial <SYN>": nowhere else.
  if (!isSyn && has('wscale')) {
    return { rule: 'RFC 7323 §2.2', message: 'a window scale option on a segment without SYN (RFC 7323 §2.2: it goes only on a <SYN> or <SYN,ACK>)' };
  }
  // RFC 2018 §2: SACK-permitted "MUST NOT be sent on non-SYN segments".
  if (!isSyn && has('sack-permitted')) {
    return { rule: 'RFC 2018 §2', message: 'a SACK-permitted option on a segment without SYN (RFC 2018 §2: it MUST NOT be sent on non-SYN segments)' };
  }
  const answering = isSyn && (segment.flags & TcpFlag.ACK) !== 0;
  if (offered && (answering || !isSyn)) {
    if (answering && has('wscale') && !offered.wscale) {
      return { rule: 'RFC 7323 §2.2', message: 'a window scale option in a SYN-ACK answering a SYN that offered none (RFC 7323 §2.2: only if the initial <SYN> carried one)' };
    }
    // RFC 2018 §4: without the peer's SACK-permitted, a receiver "MUST NOT send SACK options".
    if (has('sack') && !offered.sackPermitted) {
      return { rule: 'RFC 2018 §4', message: 'SACK blocks although the peer never sent SACK-permitted (RFC 2018 §4: it MUST NOT send SACK options on that connection)' };
    }
    // RFC 7323 §3.2: the TSopt goes in segments after the SYN "only if it received a TSopt in the
    // initial <SYN> or <SYN,ACK> segment for the connection".
    if (has('timestamps') && !offered.timestamps) {
      return { rule: 'RFC 7323 §3.2', message: "a timestamps option although the peer's SYN carried none (RFC 7323 §3.2: only if the peer's <SYN> or <SYN,ACK> did)" };
    }
  }
  return undefined;
}

/** Whether `options` hold one of `kind`; a loop, not `some` with a new closure, as every segment a target sends asks. */
function carries(options: readonly TcpOption[], kind: TcpOption['kind']): boolean {
  for (const option of options) if (option.kind === kind) return true;
  return false;
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
