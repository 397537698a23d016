import { formatFlags, TcpFlag } from './flags';
import type { TcpSegment } from './tcp';
import type { TcpOption } from './tcp-options';

/**
 * Short, tcpdump-like text for options, for reports and error messages: `mss 1460,sackOK,ts 100 0,nop,wscale 7`.
 * Raw bytes are shown in hex, so malformed and unknown options can be told apart by eye.
 */
export function formatOptions(options: readonly TcpOption[]): string {
  return options.map(formatOption).join(',');
}

function formatOption(option: TcpOption): string {
  switch (option.kind) {
    case 'eol':
    case 'nop':
      return option.kind;
    case 'mss':
      return `mss ${option.mss}`;
    case 'wscale':
      return `wscale ${option.shift}`;
    case 'sack-permitted':
      return 'sackOK';
    case 'sack':
      return `sack ${option.blocks.map(({ left, right }) => `{${left}:${right}}`).join('')}`;
    case 'timestamps':
      return `ts ${option.tsval} ${option.tsecr}`;
    case 'unknown':
      return option.data.length === 0 ? `opt-${option.type}` : `opt-${option.type} ${hex(option.data)}`;
    case 'malformed':
      return `malformed ${hex(option.bytes)} (${option.reason})`;
  }
}

/**
 * One line per segment: `40000 > 80 SA seq 7000 ack 1001 win 65535 [mss 1460] len 0`. The ack and
 * urgent pointer appear only when their flags make them significant (RFC 9293 §3.1).
 */
export function formatSegment(segment: TcpSegment): string {
  const parts = [`${segment.srcPort} > ${segment.dstPort}`, formatFlags(segment.flags), `seq ${segment.seq}`];
  if ((segment.flags & TcpFlag.ACK) !== 0) parts.push(`ack ${segment.ack}`);
  parts.push(`win ${segment.window}`);
  if ((segment.flags & TcpFlag.URG) !== 0) parts.push(`urg ${segment.urgentPointer}`);
  if (segment.options.length > 0) parts.push(`[${formatOptions(segment.options)}]`);
  parts.push(`len ${segment.payload.length}`);
  return parts.join(' ');
}

function hex(bytes: Uint8Array): string {
  return `0x${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
