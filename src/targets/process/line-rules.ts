/**
 * The rules every line an adapter writes must keep, wherever in the conversation it comes: JSON, the
 * protocol's schema, the hello first and only once, packets in IPv4, results in the order of their
 * requests (docs/adapter-protocol.md). The harness's session and `tcpconform adapter-check` judge
 * lines here and only frame the problem their own way.
 */
import type { AdapterMessage } from './messages';
import { checkAdapterLine } from './validate';

export type JudgedLine =
  | { readonly ok: true; readonly message: AdapterMessage }
  /** `problem` completes "the adapter broke the protocol: …"; absent for a line that is not JSON. */
  | { readonly ok: false; readonly notJson: true }
  | { readonly ok: false; readonly notJson: false; readonly problem: string };

export interface LineContext {
  readonly helloSeen: boolean;
  /** Whether the hello said the stack speaks IPv6, so that its packets may be IPv6 too. */
  readonly speaksIpv6?: boolean;
  /** The id of the oldest request waiting for its result; null when that is a line that was not a request. */
  readonly oldestWaiting: number | null | undefined;
}

/** Why an adapter's packet cannot be taken (it must be IPv4, or IPv6 from an adapter that speaks it), or undefined. */
export function packetProblem(bytes: Uint8Array, speaksIpv6 = false): string | undefined {
  const families = speaksIpv6 ? 'IPv4 or IPv6' : 'IPv4';
  const version = bytes.length > 0 ? bytes[0]! >> 4 : 0;
  const least = version === 6 ? 40 : 20;
  if (bytes.length < least) return `a packet that is not ${families} (${bytes.length} octets)`;
  return version === 4 || (version === 6 && speaksIpv6) ? undefined : `a packet that is not ${families} (IP version ${version})`;
}

export function judgeAdapterLine(line: string, context: LineContext): JudgedLine {
  const checked = checkAdapterLine(line);
  if (!checked.ok) return 'notJson' in checked ? { ok: false, notJson: true } : { ok: false, notJson: false, problem: `a message that ${checked.problem}` };
  const message = checked.message;
  const broken = (problem: string): JudgedLine => ({ ok: false, notJson: false, problem });
  if (!context.helloSeen) return message.type === 'hello' ? { ok: true, message } : broken(`its first line must be a hello, not a ${message.type}`);
  if (message.type === 'hello') return broken('a second hello');
  if (message.type === 'packet') {
    const problem = packetProblem(Buffer.from(message.hex, 'hex'), context.speaksIpv6);
    if (problem !== undefined) return broken(problem);
  }
  if (message.type === 'result' && message.id !== null && message.id !== context.oldestWaiting) {
    const oldest = context.oldestWaiting;
    const waiting =
      oldest === undefined
        ? 'no request was waiting'
        : oldest === null
          ? 'the answer to a line that was not a request was waiting'
          : `request ${oldest} was waiting, and requests are answered in order`;
    return broken(`a result for request ${message.id}, but ${waiting}`);
  }
  return { ok: true, message };
}
