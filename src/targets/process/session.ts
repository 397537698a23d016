/**
 * The harness's side of one adapter's protocol: the hello, requests and their results, packets and
 * events, and the one way everything can go wrong — `fail`, which ends the adapter and turns every
 * pending and later request into the same Error, carrying the adapter's stderr.
 *
 * Time limits live here too, so a hung adapter can never hang the run.
 */
import type { AppEvent } from '../target';
import { AdapterProcess } from './adapter-process';
import type { ProcessEnd } from './adapter-process';
import { describeExit, excerpt, failureMessage, formatLimit } from './failure';
import { helloRefusal } from './hello';
import type { AdvanceMessage, CallMessage, HelloMessage, ResultMessage } from './messages';
import { judgeAdapterLine } from './line-rules';

export interface SessionTimeouts {
  /** From start to the hello. */
  readonly helloMs: number;
  /** From a request to its result. */
  readonly requestMs: number;
  /** From closing the adapter's stdin to its exit, before SIGKILL. */
  readonly closeMs: number;
}

export interface SessionHandlers {
  /** A packet the adapter sent, already checked to be IPv4; `timeMs` as the adapter stamped it. */
  onPacket(bytes: Uint8Array, timeMs: number | undefined): void;
  /** An application event, with the virtual time the adapter stamped on it, if any. */
  onEvent(event: AppEvent, timeMs: number | undefined): void;
  /** The session failed or closed; every later request rejects. */
  onEnd(): void;
}

/** A request as the caller writes it: the session gives it its id. */
export type Request = Omit<AdvanceMessage, 'id'> | DistributiveOmit<CallMessage, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  readonly id: number;
  /** The request's name as a failure sentence quotes it: "write", "advance". */
  readonly label: string;
  resolve(result: ResultMessage): void;
  reject(error: Error): void;
}

/** How long a killed adapter gets to be gone and have its stderr read before the failure is reported. */
const KILL_GRACE_MS = 1000;

export class AdapterSession {
  /** Resolves with the adapter's hello, or rejects with the failure that came first. */
  readonly hello: Promise<HelloMessage>;
  private readonly process: AdapterProcess;
  private readonly pending: Pending[] = [];
  private nextId = 1;
  private helloSeen = false;
  private speaksIpv6 = false;
  private settleHello: { resolve(hello: HelloMessage): void; reject(error: Error): void } | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Set once the session is over, failed or closed: the error every later request gets. */
  private endError: Error | undefined;
  /** Set from the moment a failure is seen until its message (with the stderr) is ready. */
  private failing: Promise<Error> | undefined;
  private closing = false;
  /** The adapter in sentences: "the lwip adapter"; a user's adapter target, called `adapter`, is "the adapter". */
  private readonly adapter: string;

  constructor(
    /** Names the adapter in sentences: "the lwip adapter …". */
    private readonly name: string,
    command: readonly string[],
    env: NodeJS.ProcessEnv,
    private readonly timeouts: SessionTimeouts,
    private readonly handlers: SessionHandlers,
  ) {
    this.adapter = name === 'adapter' ? 'the adapter' : `the ${name} adapter`;
    this.hello = new Promise((resolve, reject) => (this.settleHello = { resolve, reject }));
    // The factory awaits the hello; this keeps a failure before then from counting as unhandled.
    this.hello.catch(() => undefined);
    this.process = new AdapterProcess(command, env, {
      onLine: (line) => this.onLine(line),
      onOverlongLine: () => this.fail(`${this.adapter} wrote a line longer than 256 KiB`),
      onEnd: (end) => this.onProcessEnd(end),
    });
    this.armTimer(this.timeouts.helloMs, () => `${this.adapter} sent no hello within ${formatLimit(this.timeouts.helloMs)}`);
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  /** The error every request gets now, if the session is over. */
  get failure(): Error | undefined {
    return this.endError;
  }

  /** Writes a packet message. Throws when the session is over; drops it while a failure is being reported. */
  sendPacket(hex: string): void {
    if (this.endError) throw this.endError;
    if (this.failing) return;
    this.process.writeLine(JSON.stringify({ type: 'packet', hex }));
  }

  /** Sends a request and resolves with its result; rejects when the adapter fails or the session closes. */
  request(request: Request): Promise<ResultMessage> {
    const over = this.rejection();
    if (over) return over;
    const id = this.nextId++;
    const label = request.type === 'call' ? request.call : request.type;
    return new Promise((resolve, reject) => {
      this.pending.push({ id, label, resolve, reject });
      if (this.pending.length === 1) this.armRequestTimer();
      this.process.writeLine(JSON.stringify({ ...request, id }));
    });
  }

  /**
   * Ends the session as failed because the adapter did something it must not. `sentence` is the first
   * part of the message; the stderr is added once the adapter is gone and its last words are read.
   */
  fail(sentence: string): void {
    if (this.failing || this.endError) return;
    clearTimeout(this.timer);
    this.process.ignoreOutput();
    this.process.killSync();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, KILL_GRACE_MS).unref());
    this.failing = Promise.race([this.process.ended, grace]).then(() => {
      const error = new Error(failureMessage(sentence, this.process.stderr));
      this.end(error);
      return error;
    });
  }

  /** Closes stdin, waits up to `closeMs` for the adapter to exit, then kills it. Never rejects. */
  async close(): Promise<void> {
    if (!this.endError && !this.failing) {
      this.closing = true;
      this.end(new Error(`the ${this.name} target is closed`));
    }
    this.process.endInput();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.timeouts.closeMs)));
    if ((await Promise.race([this.process.ended, limit])) === 'late') {
      this.process.killSync();
      await this.process.ended;
    }
    clearTimeout(timer);
    await this.failing;
  }

  /** "during "write"", or where else in its life the adapter was. */
  private when(): string {
    if (!this.helloSeen) return 'before its hello';
    const oldest = this.pending[0];
    return oldest ? `during "${oldest.label}"` : 'between requests';
  }

  private violation(problem: string, line?: string): void {
    this.fail(`${this.adapter} broke the protocol ${this.when()}: ${problem}${line === undefined ? '' : `: ${excerpt(line)}`}`);
  }

  private onProcessEnd(end: ProcessEnd): void {
    if (this.closing || this.endError) return;
    if (end.spawnError) {
      this.fail(`${this.adapter} could not be started: ${end.spawnError.message}`);
    } else if (!this.failing) {
      this.fail(`${this.adapter} ${describeExit(end.code, end.signal)} ${this.when()}`);
    }
  }

  private onLine(line: string): void {
    if (this.failing || this.endError) return;
    const judged = judgeAdapterLine(line, { helloSeen: this.helloSeen, speaksIpv6: this.speaksIpv6, oldestWaiting: this.pending[0]?.id });
    if (!judged.ok) {
      if (judged.notJson) this.fail(`${this.adapter} wrote a line that is not JSON ${this.when()}: ${excerpt(line)}`);
      else this.violation(judged.problem, line);
      return;
    }
    const message = judged.message;
    switch (message.type) {
      case 'hello':
        return this.onHello(message);
      case 'packet':
        return this.handlers.onPacket(Buffer.from(message.hex, 'hex'), message.time);
      case 'event': {
        const { type: _type, time, ...event } = message;
        return this.handlers.onEvent(event, time);
      }
      case 'result':
        return this.onResult(message);
    }
  }

  private onHello(hello: HelloMessage): void {
    this.helloSeen = true;
    this.speaksIpv6 = hello.capabilities.families.includes('ipv6');
    clearTimeout(this.timer);
    const refusal = helloRefusal(hello);
    if (refusal !== undefined) {
      this.fail(`the harness refuses ${this.adapter}: its hello ${refusal}`);
      return;
    }
    this.settleHello?.resolve(hello);
  }

  /** A result whose id line-rules.ts has matched to the oldest waiting request (or null). */
  private onResult(result: ResultMessage): void {
    const oldest = this.pending[0];
    if (result.id === null || oldest === undefined) {
      this.fail(`${this.adapter} could not read a request of the harness ${this.when()}: ${result.ok ? '' : result.error}`);
      return;
    }
    if (!result.ok && result.error.startsWith('bad request')) {
      this.fail(`${this.adapter} refused the harness's "${oldest.label}" as a bad request: ${result.error}`);
      return;
    }
    this.pending.shift();
    clearTimeout(this.timer);
    if (this.pending.length > 0) this.armRequestTimer();
    oldest.resolve(result);
  }

  /**
   * Fails the session for something the caller found wrong in what the adapter sent (a result without
   * the field its request needs, time going backwards), and rejects with the failure.
   */
  violated(problem: string): Promise<never> {
    this.violation(problem);
    return this.rejection() ?? Promise.reject(new Error(`${this.adapter} broke the protocol: ${problem}`));
  }

  /** The rejection every request gets once the session is over or failing; undefined while it is fine. */
  private rejection(): Promise<never> | undefined {
    if (this.endError) return Promise.reject(this.endError);
    if (this.failing) return this.failing.then((error) => Promise.reject(error));
    return undefined;
  }

  private armRequestTimer(): void {
    const label = this.pending[0]?.label ?? 'a request';
    this.armTimer(this.timeouts.requestMs, () => `${this.adapter} did not answer "${label}" within ${formatLimit(this.timeouts.requestMs)}`);
  }

  private armTimer(ms: number, sentence: () => string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fail(sentence()), ms);
  }

  /** The session is over: every waiting request and every later one gets `error`. */
  private end(error: Error): void {
    if (this.endError) return;
    this.endError = error;
    clearTimeout(this.timer);
    this.settleHello?.reject(error);
    for (const waiting of this.pending.splice(0)) waiting.reject(error);
    this.handlers.onEnd();
  }
}
