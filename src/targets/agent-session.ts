/**
 * One conversation with tcpconform-agent (native/agent): the adapter protocol's `call`, `result` and
 * `event` lines (docs/adapter-protocol.md), checked against its schema, whatever carries them — the
 * linux target's agent on a child's stdin and stdout, the raw target's over a TCP control connection.
 * The agent answers every call at once and in order (nothing it does blocks), so results are matched to
 * the oldest call waiting, and a call left unanswered too long means the agent or its link is gone.
 */
import type { ResultMessage } from './process/messages';
import { checkAdapterLine } from './process/validate';
import { SOCKET_OPTION_NAMES, type AppCall, type AppCallName, type AppResult, type Capabilities, type TimedEvent } from './target';

/** What tcpconform-agent can do on any Linux host: every call of the protocol, every socket option. */
export const AGENT_CAPABILITIES: Pick<Capabilities, 'appCalls' | 'options'> = {
  appCalls: ['listen', 'connect', 'write', 'write-urgent', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state', 'at-mark', 'set-option'] satisfies AppCallName[],
  options: SOCKET_OPTION_NAMES,
};

/** An app call as the agent takes it: connect also names the host to connect to. */
export type AgentRequest =
  | AppCall
  | (Extract<AppCall, { call: 'connect' }> & { readonly host: string })
  /** `inet6`: an AF_INET6 listener, which takes IPv6 and IPv4 (as IPv4-mapped addresses) alike. */
  | (Extract<AppCall, { call: 'listen' }> & { readonly family: 'inet' | 'inet6' });

const ANSWER_TIMEOUT_MS = 5000;

interface Waiting {
  readonly id: number;
  readonly call: string;
  resolve(result: AppResult): void;
  reject(error: Error): void;
}

export interface AgentLink {
  /** Sends one line (without its newline) to the agent. */
  write(line: string): void;
  /** The error for a problem with the conversation, e.g. "sent a line that is not JSON: …", naming the agent. */
  error(problem: string): Error;
}

export class AgentSession {
  private readonly waiting: Waiting[] = [];
  private events: TimedEvent[] = [];
  private nextId = 1;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly link: AgentLink) {}

  /** Why the agent cannot take calls, once it cannot. */
  get problem(): Error | undefined {
    return this.failure;
  }

  call(request: AgentRequest): Promise<AppResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, call: request.call, resolve, reject });
      if (this.waiting.length === 1) this.armTimer();
      this.link.write(JSON.stringify({ type: 'call', id, ...request }));
    });
  }

  /** Events since the previous call, oldest first, stamped as their lines arrived. */
  takeEvents(): TimedEvent[] {
    const taken = this.events;
    this.events = [];
    return taken;
  }

  /** A line from the agent. */
  take(line: string): void {
    if (this.failure) return;
    const checked = checkAdapterLine(line);
    if (!checked.ok) {
      this.fail(this.link.error(`sent a line that ${'notJson' in checked ? 'is not JSON' : checked.problem}: ${line.slice(0, 120)}`));
      return;
    }
    const message = checked.message;
    if (message.type === 'event') {
      const { type: _type, time: _time, ...event } = message;
      this.events.push({ event, timeNs: process.hrtime.bigint() });
      return;
    }
    const oldest = this.waiting[0];
    if (message.type !== 'result' || oldest === undefined || message.id !== oldest.id) {
      this.fail(this.link.error(`sent something other than the result of the oldest call or an event: ${line.slice(0, 120)}`));
      return;
    }
    if (!message.ok && message.error.startsWith('bad request')) {
      this.fail(this.link.error(`refused the harness's "${oldest.call}": ${message.error}`));
      return;
    }
    this.waiting.shift();
    clearTimeout(this.timer);
    if (this.waiting.length > 0) this.armTimer();
    oldest.resolve(toResult(message));
  }

  /** Fails every waiting call and every later one; the first failure is the one reported. */
  fail(error: Error): void {
    this.failure ??= error;
    clearTimeout(this.timer);
    for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure);
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    const call = this.waiting[0]?.call ?? 'a call';
    this.timer = setTimeout(() => this.fail(this.link.error(`gave no answer to "${call}" within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
  }
}

function toResult(message: ResultMessage): AppResult {
  if (!message.ok) return { ok: false, error: message.error };
  return {
    ok: true,
    ...(message.bytes !== undefined && { bytes: message.bytes }),
    ...(message.state !== undefined && { state: message.state }),
    ...(message.eof !== undefined && { eof: message.eof }),
    ...(message.atMark !== undefined && { atMark: message.atMark }),
  };
}
