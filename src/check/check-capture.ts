/**
 * `tcpconform check`'s pipeline, without I/O: a capture's bytes → records (wire/capture) → TCP
 * conversations → each chosen endpoint judged against the reference machine (judge.ts). A capture that
 * is cut short or corrupt is judged as far as it reads, and the problem comes back beside the judgments.
 */
import type { Profile } from '../reference';
import { CaptureReader, type CaptureFormat, type CaptureProblem } from '../wire';
import { ipv4AddressKind } from '../wire/ipv4-address';
import { ConversationSorter, type Conversation, type SortedCapture, type Socket } from './conversations';
import { judgeEndpoint, type Judgment } from './judge';

/** Which endpoints to judge: by role in the handshake, or the one at an address (and port). */
export type Side = 'client' | 'server' | 'both';

export interface CheckOptions {
  readonly profile: Profile;
  readonly side: Side;
  /** Judge only endpoints at this address (and port, when given). */
  readonly endpoint?: { readonly address: string; readonly port?: number };
  /**
   * How long the capture ran from its first record, when the capturer knows it ran on after its last:
   * an endpoint's silence until then is evidence, where otherwise the capture's last record is where it ends.
   */
  readonly capturedForMs?: number;
  /**
   * The directed broadcast address of the network the capture was taken on, where it has one: a
   * datagram to or from it comes from or goes to no one endpoint (RFC 9293 MUST-57, MUST-63).
   */
  readonly broadcast?: string;
}

export interface CheckedConversation {
  readonly conversation: Conversation;
  readonly judgments: readonly Judgment[];
}

export interface CheckOutcome {
  readonly format: CaptureFormat | undefined;
  readonly conversations: readonly CheckedConversation[];
  readonly sorted: SortedCapture;
  /** Where the capture stopped being readable; what came before it is judged. */
  readonly problem?: CaptureProblem;
  readonly records: number;
}

/** Sorts a capture's records into conversations. */
export function readConversations(bytes: Uint8Array): { sorted: SortedCapture; format: CaptureFormat | undefined; problem?: CaptureProblem; records: number } {
  const reader = new CaptureReader(bytes);
  const sorter = new ConversationSorter();
  let records = 0;
  for (let record = reader.next(); record !== undefined; record = reader.next()) {
    sorter.add(record);
    records++;
  }
  return { sorted: sorter.finish(), format: reader.format, records, ...(reader.problem && { problem: reader.problem }) };
}

/** The sockets of `conversation` to judge, by index. */
function chosen(conversation: Conversation, options: CheckOptions): (0 | 1)[] {
  const at = (socket: Socket): boolean =>
    options.endpoint === undefined || (socket.address === options.endpoint.address && (options.endpoint.port === undefined || socket.port === options.endpoint.port));
  const both: (0 | 1)[] = [0, 1];
  return both.filter((i) => {
    if (!at(conversation.sockets[i])) return false;
    // A broadcast or multicast address names no one endpoint: nothing there to judge.
    const address = conversation.sockets[i].address;
    if (!address.includes(':') && ['broadcast', 'multicast'].includes(ipv4AddressKind(address, options.broadcast))) return false;
    if (options.side === 'both') return true;
    // Without the handshake in the capture there are no roles: the side is the lower port's (a server's, usually).
    const client = conversation.client ?? (conversation.sockets[0].port > conversation.sockets[1].port ? 0 : 1);
    return (options.side === 'client') === (client === i);
  });
}

export function checkCapture(bytes: Uint8Array, options: CheckOptions): CheckOutcome {
  const read = readConversations(bytes);
  const conversations: CheckedConversation[] = [];
  for (const conversation of read.sorted.conversations) {
    const judgments: Judgment[] = [];
    const endMs = Math.max(read.sorted.endMs, options.capturedForMs ?? 0);
    for (const which of chosen(conversation, options)) judgments.push(judgeEndpoint(conversation, which, options.profile, endMs, options.broadcast));
    if (judgments.length > 0) conversations.push({ conversation, judgments });
  }
  return { format: read.format, conversations, sorted: read.sorted, records: read.records, ...(read.problem && { problem: read.problem }) };
}


