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
  /** The id of the oldest request waiting for its result; null when that is a line that was not a request. */
  readonly oldestWaiting: number | null | undefined;
}

/** Why an adapter's packet cannot be taken (the harness speaks IPv4 only), or undefined. */
export function packetProblem(bytes: Uint8Array): string | undefined {
  if (bytes.length < 20) return `a packet that is not IPv4 (${bytes.length} octets)`;
  const version = bytes[0]! >> 4;
  return version === 4 ? undefined : `a packet that is not IPv4 (IP version ${version})`;
}

export function judgeAdapterLine(line: string, context: LineContext): JudgedLine {
  const checked = checkAdapterLine(line);
  if (!checked.ok) return 'notJson' in checked ? { ok: false, notJson: true } : { ok: false, notJson: false, problem: `a message that ${checked.problem}` };
  const message = checked.message;
  const broken = (problem: string): JudgedLine => ({ ok: false, notJson: false, problem });
  if (!context.helloSeen) return message.type === 'hello' ? { ok: true, message } : broken(`its first line must be a hello, not a ${message.type}`);
  if (message.type === 'hello') return broken('a second hello');
  if (message.type === 'packet') {
    const problem = packetProblem(Buffer.from(message.hex, 'hex'));
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
