/**
 * The application side of a linux target: native/agent running inside the namespace, driven with JSON
 * lines on its stdin and answering on its stdout. It speaks the adapter protocol's `call`, `result` and
 * `event` messages (docs/adapter-protocol.md), checked against the same schema.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

import type { AppCall, AppEvent, AppResult } from '../target';
import type { ResultMessage } from '../process/messages';
import { checkAdapterLine } from '../process/validate';
import { agentPath } from './native';

/** An app call as the agent takes it: connect also names the host to connect to. */
export type AgentRequest = AppCall | (Extract<AppCall, { call: 'connect' }> & { readonly host: string });

interface Waiting {
  resolve(result: AppResult): void;
  reject(error: Error): void;
}

const STDERR_KEPT = 2000;

export class Agent {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<number, Waiting>();
  private readonly exited: Promise<void>;
  private events: AppEvent[] = [];
  private nextId = 1;
  private failure: Error | undefined;
  private stderrTail = '';

  /** Starts `command` (by default the agent inside the named namespace, through `ip netns exec`). */
  constructor(command: readonly [string, ...string[]]) {
    const [program, ...args] = command;
    this.child = spawn(program, args, { stdio: 'pipe' });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.fail(new Error(`the agent exited (${signal ?? `code ${code}`})${this.stderrNote()}`));
        resolve();
      });
      this.child.once('error', (error) => {
        this.fail(new Error(`the agent could not be started: ${error.message}`, { cause: error }));
        resolve();
      });
    });
    // A write to an agent that has died fails with EPIPE; its exit is what gets reported.
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEPT);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.onLine(line));
  }

  /** The command line that runs the agent inside the namespace `ip netns` knows as `namespace`. */
  static inNamedNamespace(ip: string, namespace: string): Agent {
    return new Agent([ip, 'netns', 'exec', namespace, agentPath]);
  }

  /** The agent's process id (that of the command that execs it), or undefined if it could not start. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Why the agent cannot take calls, once it cannot. */
  get problem(): Error | undefined {
    return this.failure;
  }

  call(request: AgentRequest): Promise<AppResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.child.stdin.write(`${JSON.stringify({ type: 'call', id, ...request })}\n`);
    });
  }

  /** Events since the previous call, oldest first. */
  takeEvents(): AppEvent[] {
    const taken = this.events;
    this.events = [];
    return taken;
  }

  /** Kills the agent and waits until it is gone. */
  async stop(): Promise<void> {
    this.killSync();
    await this.exited;
  }

  /** Kills the agent without waiting: for exit paths, where nothing can be awaited. */
  killSync(): void {
    this.fail(new Error('the target is closed'));
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private onLine(line: string): void {
    const checked = checkAdapterLine(line);
    if (!checked.ok) {
      const problem = 'notJson' in checked ? 'is not JSON' : checked.problem;
      this.fail(new Error(`the agent wrote a line that ${problem}: ${line}${this.stderrNote()}`));
      return;
    }
    const message = checked.message;
    if (message.type === 'event') {
      const { type: _type, ...event } = message;
      this.events.push(event);
      return;
    }
    const waiting = message.type === 'result' && message.id !== null ? this.waiting.get(message.id) : undefined;
    if (message.type !== 'result' || waiting === undefined) {
      this.fail(new Error(`the agent wrote something other than a result for a waiting request or an event: ${line}`));
      return;
    }
    this.waiting.delete(message.id as number);
    waiting.resolve(toResult(message));
  }

  /** Fails every call waiting and every later one with `error` (the first failure wins). */
  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(this.failure);
    this.waiting.clear();
  }

  private stderrNote(): string {
    const text = this.stderrTail.trim();
    return text === '' ? '' : `: ${text}`;
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
