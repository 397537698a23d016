/**
 * One adapter process: started, split into lines, its stderr kept, and ended — never left behind.
 * It knows nothing of the protocol; AdapterSession gives its lines a meaning.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

import { registerCleanup } from '../cleanup';
import { STDERR_KEPT } from './failure';

/** The protocol's bound on a line (docs/adapter-protocol.md, "Framing"). */
export const MAX_LINE = 256 * 1024;

/** How long after its exit the harness waits for the rest of an adapter's output to arrive. */
const DRAIN_MS = 250;

export interface ProcessEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  readonly spawnError?: Error;
}

export interface AdapterProcessHandlers {
  onLine(line: string): void;
  /** A line grew past MAX_LINE without its newline; the rest of the output is ignored. */
  onOverlongLine(): void;
  /** The process is gone and its output has been read (or has stopped coming). Called once. */
  onEnd(end: ProcessEnd): void;
}

export class AdapterProcess {
  /** Resolves once the process has ended and onEnd has run. */
  readonly ended: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly unregisterCleanup: () => void;
  private stdoutBuffer = '';
  private stderrTail = '';
  private ignoringOutput = false;
  private end: ProcessEnd | undefined;

  constructor(command: readonly string[], env: NodeJS.ProcessEnv, private readonly handlers: AdapterProcessHandlers) {
    const [file, ...args] = command;
    if (file === undefined) throw new Error('an adapter command needs at least the program to run');
    // A process group of its own, so that killing the group also ends whatever the adapter started.
    this.child = spawn(file, args, { env, stdio: 'pipe', detached: true });
    // Registered before anything can fail: whatever ends the harness also ends the adapter.
    this.unregisterCleanup = registerCleanup(() => this.killSync());
    this.ended = new Promise((resolve) => this.watchEnd(resolve));

    // Writing to an adapter that died fails with EPIPE; its end is what gets reported.
    this.child.stdin.on('error', () => undefined);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (text: string) => this.takeOutput(text));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_KEPT);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.end === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last STDERR_KEPT characters the adapter wrote on stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  /** Writes one line (the newline is added). Lines to a process that has gone are dropped. */
  writeLine(line: string): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${line}\n`);
  }

  /** Closes the adapter's stdin: the protocol's way of asking it to exit. */
  endInput(): void {
    this.child.stdin.end();
  }

  /** From now on the adapter's output is not read: used once it has said something unacceptable. */
  ignoreOutput(): void {
    this.ignoringOutput = true;
  }

  /** SIGKILL to the adapter's process group, at once. Safe to repeat, also after the adapter ended. */
  killSync(): void {
    const pid = this.child.pid;
    if (pid === undefined || !this.running) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already (ESRCH): nothing to do.
    }
  }

  private takeOutput(text: string): void {
    if (this.ignoringOutput) return;
    this.stdoutBuffer += text;
    let newline: number;
    while ((newline = this.stdoutBuffer.indexOf('\n')) >= 0) {
      const line = this.stdoutBuffer.slice(0, newline);
      this.stdoutBuffer = this.stdoutBuffer.slice(newline + 1);
      this.handlers.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      if (this.ignoringOutput) return;
    }
    if (this.stdoutBuffer.length > MAX_LINE) {
      this.ignoringOutput = true;
      this.stdoutBuffer = '';
      this.handlers.onOverlongLine();
    }
  }

  /**
   * 'close' comes once the process has exited and its pipes are drained, so the report carries the
   * adapter's last words. A grandchild holding the pipes open must not delay it forever: after the
   * exit, DRAIN_MS is all the output gets.
   */
  private watchEnd(resolve: () => void): void {
    let drainTimer: NodeJS.Timeout | undefined;
    const finish = (end: ProcessEnd): void => {
      if (this.end !== undefined) return;
      clearTimeout(drainTimer);
      this.end = end;
      this.unregisterCleanup();
      this.handlers.onEnd(end);
      resolve();
    };
    this.child.once('exit', (code, signal) => {
      // Stragglers in the adapter's group go with it.
      if (this.child.pid !== undefined) {
        try {
          process.kill(-this.child.pid, 'SIGKILL');
        } catch {
          // none left
        }
      }
      drainTimer = setTimeout(() => finish({ code, signal }), DRAIN_MS);
    });
    this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => finish({ code, signal }));
    this.child.once('error', (error) => {
      // Only a failed start ends the process here; a failed kill or write is reported by its exit.
      if (this.child.pid === undefined) finish({ code: null, signal: null, spawnError: error });
    });
  }
}
