/**
 * The application side of a linux target: native/agent running inside the namespace, driven with JSON
 * lines on its stdin and answering on its stdout (the conversation itself is agent-session.ts).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';

import { AgentSession } from '../agent-session';
import type { AgentRequest } from '../agent-session';
import type { AppResult, TimedEvent } from '../target';
import { agentPath } from './native';

const STDERR_KEPT = 2000;

export class Agent {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly session: AgentSession;
  private readonly exited: Promise<void>;
  private stderrTail = '';

  /** Starts `command` (by default the agent inside the named namespace, through `ip netns exec`). */
  constructor(command: readonly [string, ...string[]]) {
    const [program, ...args] = command;
    this.child = spawn(program, args, { stdio: 'pipe' });
    this.session = new AgentSession({
      write: (line) => this.child.stdin.write(`${line}\n`),
      error: (problem) => new Error(`the agent ${problem}${this.stderrNote()}`),
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.session.fail(new Error(`the agent exited (${signal ?? `code ${code}`})${this.stderrNote()}`));
        resolve();
      });
      this.child.once('error', (error) => {
        this.session.fail(new Error(`the agent could not be started: ${error.message}`, { cause: error }));
        resolve();
      });
    });
    // A write to an agent that has died fails with EPIPE; its exit is what gets reported.
    this.child.stdin.on('error', () => undefined);
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEPT);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.session.take(line));
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
    return this.session.problem;
  }

  call(request: AgentRequest): Promise<AppResult> {
    return this.session.call(request);
  }

  /** Events since the previous call, oldest first. */
  takeEvents(): TimedEvent[] {
    return this.session.takeEvents();
  }

  /** Kills the agent and waits until it is gone. */
  async stop(): Promise<void> {
    this.killSync();
    await this.exited;
  }

  /** Kills the agent without waiting: for exit paths, where nothing can be awaited. */
  killSync(): void {
    this.session.fail(new Error('the target is closed'));
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private stderrNote(): string {
    const text = this.stderrTail.trim();
    return text === '' ? '' : `: ${text}`;
  }
}
