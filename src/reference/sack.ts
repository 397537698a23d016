/**
 * RFC 2018 §4: the SACK blocks a data receiver reports, once both SYNs carried SACK-permitted: each a
 * contiguous block held out of order beyond RCV.NXT, the block of the most recent arrival first, then
 * the others, most recently changed first, as many as the option area holds.
 */
import type { SackBlock } from '../wire/tcp-options';
import type { Tcb } from './tcb';

/** The option area (40 octets) less TSopt and its two NOPs (12) when timestamps are on (RFC 7323 Appendix A). */
function blockRoom(tcb: Tcb): number {
  const room = 40 - (tcb.options.timestamps ? 12 : 0) - 2;
  return Math.floor(room / 8);
}

/** The blocks an ACK reports: the held ranges, most recently grown first (RFC 2018 §4). */
export function sackBlocks(tcb: Tcb): SackBlock[] {
  return [...tcb.held]
    .sort((a, b) => b.arrival - a.arrival)
    .slice(0, blockRoom(tcb))
    .map(({ start, end }) => ({ left: start, right: end }));
}
