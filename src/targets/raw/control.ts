/**
 * The control connection to `tcpconform-agent --listen` on the target host: the adapter protocol's call,
 * result and event lines (docs/adapter-protocol.md), checked against its schema, over TCP instead of a
 * child's stdin and stdout. One connection is one agent session, so one case: the agent resets what the
 * session opened when the connection ends.
 *
 * The connection is made from inside the harness's namespace (netns addon), the only place that reaches
 * the agent's address.
 */
import net from 'node:net';
import { createInterface } from 'node:readline';

import type { ResultMessage } from '../process/messages';
import { checkAdapterLine } from '../process/validate';
import type { AppCall, AppEvent, AppResult } from '../target';
import type { Endpoint } from './config';
import type { NetnsAddon } from './native';

/** An app call as the agent takes it: connect names the host to connect to. */
export type AgentRequest = AppCall | (Extract<AppCall, { call: 'connect' }> & { readonly host: string });

const CONNECT_TIMEOUT_MS = 3000;
/** The agent answers every call at once (nothing it does blocks); longer means it or the link is gone. */
const REQUEST_TIMEOUT_MS = 5000;

interface Waiting {
  readonly id: number;
  readonly call: string;
  resolve(result: AppResult): void;
  reject(error: Error): void;
}

export class AgentControl {
  private readonly waiting: Waiting[] = [];
  private events: AppEvent[] = [];
  private nextId = 1;
  private failure: Error | undefined;
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly socket: net.Socket, private readonly agent: Endpoint) {
    socket.on('error', (error) => this.fail(`failed: ${error.message}`));
    socket.on('close', () => this.fail('was closed by the agent'));
    createInterface({ input: socket }).on('line', (line) => this.onLine(line));
  }

  /** Connects from inside the namespace at `netnsPath`; rejects with one sentence when the agent is not there. */
  static async connect(addon: NetnsAddon, netnsPath: string, agent: Endpoint): Promise<AgentControl> {
    let fd: number;
    try {
      fd = await addon.connectIn(netnsPath, agent.host, agent.port, CONNECT_TIMEOUT_MS);
    } catch (error) {
      throw new Error(`cannot reach tcpconform-agent at ${agent.host}:${agent.port} (${(error as Error).message}): is it running there with --listen ${agent.host}:${agent.port}?`);
    }
    return new AgentControl(new net.Socket({ fd, readable: true, writable: true }), agent);
  }

  call(request: AgentRequest): Promise<AppResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.push({ id, call: request.call, resolve, reject });
      if (this.waiting.length === 1) this.armTimer();
      this.socket.write(`${JSON.stringify({ type: 'call', id, ...request })}\n`);
    });
  }

  /** Events since the previous call, oldest first. */
  takeEvents(): AppEvent[] {
    const taken = this.events;
    this.events = [];
    return taken;
  }

  /** Ends the session: the agent resets what it opened. Immediate, so exit paths can use it too. */
  close(): void {
    this.fail('is closed', new Error('the target is closed'));
    this.socket.destroy();
  }

  private onLine(line: string): void {
    if (this.failure) return;
    const checked = checkAdapterLine(line);
    if (!checked.ok) {
      this.fail(`carried a line that ${'notJson' in checked ? 'is not JSON' : checked.problem}: ${line.slice(0, 120)}`);
      return;
    }
    const message = checked.message;
    if (message.type === 'event') {
      const { type: _type, ...event } = message;
      this.events.push(event);
      return;
    }
    const oldest = this.waiting[0];
    if (message.type !== 'result' || oldest === undefined || message.id !== oldest.id) {
      this.fail(`carried something other than the result of the oldest call or an event: ${line.slice(0, 120)}`);
      return;
    }
    if (!message.ok && message.error.startsWith('bad request')) {
      this.fail(`refused the harness's "${oldest.call}": ${message.error}`);
      return;
    }
    this.waiting.shift();
    clearTimeout(this.timer);
    if (this.waiting.length > 0) this.armTimer();
    oldest.resolve(toResult(message));
  }

  private armTimer(): void {
    clearTimeout(this.timer);
    const call = this.waiting[0]?.call ?? 'a call';
    this.timer = setTimeout(() => this.fail(`had no answer to "${call}" within ${REQUEST_TIMEOUT_MS / 1000} s`), REQUEST_TIMEOUT_MS);
  }

  /** Fails every waiting call and every later one; the first failure is the one reported. */
  private fail(what: string, error?: Error): void {
    this.failure ??= error ?? new Error(`the control connection to tcpconform-agent at ${this.agent.host}:${this.agent.port} ${what}`);
    clearTimeout(this.timer);
    for (const waiting of this.waiting.splice(0)) waiting.reject(this.failure);
  }
}

function toResult(message: ResultMessage): AppResult {
  if (!message.ok) return { ok: false, error: message.error };
  return {
    ok: true,
    ...(message.bytes !== undefined && { bytes: message.bytes }),
    ...(message.state !== undefined && { state: message.state }),
  };
}
