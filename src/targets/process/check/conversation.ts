/**
 * One adapter, talked to line by line for `tcpconform adapter-check`: every line it writes is
 * numbered and judged on arrival by the rules every adapter line keeps (line-rules.ts), and the first
 * that breaks them ends the conversation with a sentence naming that line. Unlike the harness's
 * session, nothing here interprets TCP or keeps a clock: the checks in adapter-check.ts do.
 */
import type { AppEvent } from '../../target';
import { AdapterProcess, type ProcessEnd } from '../adapter-process';
import { describeExit, excerpt, failureMessage, formatLimit } from '../failure';
import { judgeAdapterLine } from '../line-rules';
import type { HelloMessage, ResultMessage } from '../messages';

/** The conversation is over: `message` says why, and ends with the adapter's stderr. */
export class ConversationBroken extends Error {
  override readonly name = 'ConversationBroken';
}

/** A line the adapter wrote, with its number in the adapter's output (from 1). */
export interface Numbered<T> {
  readonly value: T;
  readonly line: number;
}

export interface Answer {
  readonly result: ResultMessage;
  /** Its line in the adapter's output. */
  readonly line: number;
  /** The request's line in the adapter's input. */
  readonly inputLine: number;
}

export interface TimedBytes {
  readonly bytes: Uint8Array;
  readonly time?: number;
}

interface Waiting {
  /** null for a line that was no request, which the adapter answers with id null. */
  readonly id: number | null;
  readonly label: string;
  readonly inputLine: number;
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: Error) => void;
}

/** How long a killed adapter gets to be gone and have its stderr read. */
const KILL_GRACE_MS = 1000;

export class Conversation {
  readonly hello: Promise<Numbered<HelloMessage>>;
  private readonly process: AdapterProcess;
  private settleHello!: { resolve(hello: Numbered<HelloMessage>): void; reject(error: Error): void };
  private outputLines = 0;
  private inputLines = 0;
  private lastId = 0;
  private helloSeen = false;
  private speaksIpv6 = false;
  private readonly waiting: Waiting[] = [];
  private packets: Numbered<TimedBytes>[] = [];
  private events: Numbered<AppEvent>[] = [];
  private latestPacketTime = 0;
  private onArrival: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closing = false;
  private onExit: ((end: ProcessEnd) => void) | undefined;
  /** Set once the conversation broke: resolves to the error every later step gets. */
  private broken: Promise<ConversationBroken> | undefined;

  constructor(
    command: readonly string[],
    private readonly limits: { readonly helloMs: number; readonly requestMs: number },
  ) {
    this.hello = new Promise((resolve, reject) => (this.settleHello = { resolve, reject }));
    this.hello.catch(() => undefined);
    this.process = new AdapterProcess(command, process.env, {
      onLine: (line) => this.onLine(line),
      onOverlongLine: () => this.break(`line ${this.outputLines + 1} of the adapter's output is longer than 256 KiB`),
      onEnd: (end) => this.onEnd(end),
    });
    this.arm(limits.helloMs, () => `the adapter sent no hello within ${formatLimit(limits.helloMs)}`);
  }

  /** A request id not used yet: ids are positive and unique per adapter run. */
  nextId(): number {
    return this.lastId += 1;
  }

  /** Writes a request with the next id and resolves with its answer. */
  request(body: Record<string, unknown>, label: string): Promise<Answer> {
    const id = this.nextId();
    return this.send(JSON.stringify({ ...body, id }), label, id);
  }

  /** Writes a line that is no request the adapter can read: it answers with id `answerId` (null when it cannot read one). */
  sendUnreadable(line: string, label: string, answerId: number | null): Promise<Answer> {
    return this.send(line, label, answerId);
  }

  /** Writes one packet of the peer's; returns its line in the adapter's input. */
  sendPacket(bytes: Uint8Array): number {
    return this.write(JSON.stringify({ type: 'packet', hex: Buffer.from(bytes).toString('hex') }));
  }

  /** The packets the adapter sent since the last call, with their lines. */
  takePackets(): Numbered<TimedBytes>[] {
    const taken = this.packets;
    this.packets = [];
    return taken;
  }

  takeEvents(): Numbered<AppEvent>[] {
    const taken = this.events;
    this.events = [];
    return taken;
  }

  /**
   * Waits up to `ms` of real time until `done` holds, asked again at each packet and event the adapter
   * writes: how a real-clock adapter's answers are awaited (a virtual one's come before its results).
   */
  async waitUntil(done: () => boolean, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      this.onArrival = () => {
        if (done() || this.broken) resolve();
      };
      this.onArrival();
      timer = setTimeout(resolve, ms);
    });
    clearTimeout(timer);
    this.onArrival = undefined;
    await this.throwIfBroken();
  }

  /** Packets waiting to be taken. */
  get packetCount(): number {
    return this.packets.length;
  }

  /** Whether an event of `kind` is waiting to be taken. */
  hasEvent(kind: AppEvent['event']): boolean {
    return this.events.some((e) => e.value.event === kind);
  }

  /** Rejects with the conversation's end once it broke; resolves while it is fine. */
  async throwIfBroken(): Promise<void> {
    if (this.broken) throw await this.broken;
  }

  /** Closes the adapter's stdin and waits up to `ms` for it to exit; kills it after that. */
  async close(ms: number): Promise<{ readonly end: ProcessEnd | undefined; readonly inTime: boolean }> {
    await this.throwIfBroken();
    this.closing = true;
    clearTimeout(this.timer);
    const exited = new Promise<ProcessEnd>((resolve) => (this.onExit = resolve));
    this.process.endInput();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
    const end = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (end === undefined) {
      this.process.killSync();
      await this.process.ended;
    }
    return { end, inTime: end !== undefined };
  }

  /** SIGKILL at once, and wait for the process to be gone: for a check that stops half-way. */
  async kill(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.process.killSync();
    await this.process.ended;
  }

  /** The adapter's stderr so far (its last 2 KB). */
  get stderr(): string {
    return this.process.stderr;
  }

  private send(line: string, label: string, id: number | null): Promise<Answer> {
    if (this.broken) return this.broken.then((error) => Promise.reject(error));
    return new Promise((resolve, reject) => {
      const inputLine = this.inputLines + 1;
      this.waiting.push({ id, label, inputLine, resolve, reject });
      if (this.waiting.length === 1) this.armRequest();
      this.write(line);
    });
  }

  private write(line: string): number {
    this.process.writeLine(line);
    return ++this.inputLines;
  }

  private armRequest(): void {
    const oldest = this.waiting[0];
    if (oldest) this.arm(this.limits.requestMs, () => `the adapter did not answer ${this.describe(oldest)} within ${formatLimit(this.limits.requestMs)}`);
  }

  private arm(ms: number, sentence: () => string): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.break(sentence()), ms);
  }

  /** `"write" (line 9 of its input)`. */
  private describe(waiting: Waiting): string {
    return `${waiting.label} (line ${waiting.inputLine} of its input)`;
  }

  private onLine(text: string): void {
    const line = ++this.outputLines;
    if (this.broken) return;
    const oldest = this.waiting[0];
    const judged = judgeAdapterLine(text, { helloSeen: this.helloSeen, speaksIpv6: this.speaksIpv6, oldestWaiting: oldest?.id });
    if (!judged.ok) {
      this.break(`line ${line} of the adapter's output ${judged.notJson ? 'is not JSON' : `breaks the protocol: ${judged.problem}`}: ${excerpt(text)}`);
      return;
    }
    const message = judged.message;
    switch (message.type) {
      case 'hello':
        this.helloSeen = true;
        this.speaksIpv6 = message.capabilities.families.includes('ipv6');
        clearTimeout(this.timer);
        this.settleHello.resolve({ value: message, line });
        return;
      case 'packet':
        if (message.time !== undefined && message.time < this.latestPacketTime) {
          this.break(`line ${line} of the adapter's output stamps a packet ${message.time} ms, after one stamped ${this.latestPacketTime} ms: time must never go backwards`);
          return;
        }
        this.latestPacketTime = message.time ?? this.latestPacketTime;
        this.packets.push({ value: { bytes: Buffer.from(message.hex, 'hex'), ...(message.time !== undefined && { time: message.time }) }, line });
        this.onArrival?.();
        return;
      case 'event': {
        const { type: _type, ...event } = message;
        this.events.push({ value: event, line });
        this.onArrival?.();
        return;
      }
      case 'result':
        if (oldest === undefined) {
          this.break(`line ${line} of the adapter's output is a result, but no request was waiting: ${excerpt(text)}`);
        } else if (message.id === null && oldest.id !== null) {
          this.break(`line ${line} of the adapter's output answers ${this.describe(oldest)} with id null, as if it could not read it: ${excerpt(text)}`);
        } else {
          this.waiting.shift();
          clearTimeout(this.timer);
          this.armRequest();
          oldest.resolve({ result: message, line, inputLine: oldest.inputLine });
        }
        return;
    }
  }

  private onEnd(end: ProcessEnd): void {
    this.onExit?.(end);
    if (this.closing || this.broken) return;
    if (end.spawnError) {
      this.break(`the adapter could not be started: ${end.spawnError.message}`);
      return;
    }
    const oldest = this.waiting[0];
    const when = !this.helloSeen ? 'before its hello' : oldest ? `while the harness waited for the answer to ${this.describe(oldest)}` : `after line ${this.inputLines} of its input, before its stdin closed`;
    this.break(`the adapter ${describeExit(end.code, end.signal)} ${when}`);
  }

  /** Ends the conversation: the adapter is killed, and every waiting and later step gets `sentence` with its stderr. */
  private break(sentence: string): void {
    if (this.broken) return;
    clearTimeout(this.timer);
    this.process.ignoreOutput();
    this.process.killSync();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, KILL_GRACE_MS).unref());
    this.broken = Promise.race([this.process.ended, grace]).then(() => new ConversationBroken(failureMessage(sentence, this.process.stderr)));
    void this.broken.then((error) => {
      this.settleHello.reject(error);
      for (const waiting of this.waiting.splice(0)) waiting.reject(error);
      this.onArrival?.();
    });
  }
}
