/**
 * The `process` target: a userspace TCP stack in another process, speaking the adapter protocol
 * (docs/adapter-protocol.md) on its stdin and stdout. One adapter process per target, so per case.
 *
 * The clock is the adapter's: with a virtual clock, time moves only when the harness says `advance`,
 * so a 2×MSL wait costs no real time; with a real one it is the harness's monotonic clock.
 */
import { sleepOnHostClock } from '../host-clock';
import { PacketQueue } from '../linux/packet-queue';
import type { AppCall, AppResult, Capabilities, RunFamily, Target, TimedEvent, TimedPacket } from '../target';
import type { HelloMessage, ResultMessage } from './messages';
import { AdapterSession } from './session';
import type { Request, SessionTimeouts } from './session';

export interface ProcessTargetOptions {
  /** The target's name in reports and messages: "lwip". */
  readonly name: string;
  /** The adapter program and its arguments. */
  readonly command: readonly string[];
  /** Added to the harness's environment for the adapter. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeouts?: Partial<SessionTimeouts>;
  /** The family the case speaks: the hello's IPv6 addresses are the target's for `ipv6`. */
  readonly family?: RunFamily;
}

export const DEFAULT_TIMEOUTS: SessionTimeouts = { helloMs: 5000, requestMs: 5000, closeMs: 1000 };

const NS_PER_MS = 1e6;
/** How far an adapter's answer to `advance` may stray from the asked time through rounding. */
const CLOCK_SLACK_MS = 0.001;
const msToNs = (ms: number): bigint => BigInt(Math.round(ms * NS_PER_MS));

/** The field a successful result of each call must carry. */
const RESULT_FIELD: Partial<Record<AppCall['call'], 'bytes' | 'state' | 'atMark'>> = {
  write: 'bytes',
  'write-urgent': 'bytes',
  read: 'bytes',
  state: 'state',
  'at-mark': 'atMark',
};

export class ProcessTarget implements Target {
  readonly name: string;
  private readonly session: AdapterSession;
  private readonly packets = new PacketQueue();
  private events: TimedEvent[] = [];
  private helloMessage: HelloMessage | undefined;
  /** The adapter's virtual time, in ms since it started, as its last answer to `advance` gave it. */
  private virtualNowMs = 0;
  /** The latest virtual time the adapter stamped on anything: time must never go backwards. */
  private latestStampMs = 0;
  /**
   * Packets written, and how many of them the adapter has surely handled: a result means every line
   * before its request was read. A virtual receive first makes sure the adapter's answers to packets
   * already sent are in, so that `advance` never jumps past a segment those packets caused.
   */
  private packetsWritten = 0;
  private packetsHandled = 0;

  private readonly ipv6: boolean;

  constructor(options: ProcessTargetOptions) {
    this.name = options.name;
    this.ipv6 = options.family === 'ipv6';
    this.session = new AdapterSession(
      options.name,
      options.command,
      { ...process.env, ...options.env },
      { ...DEFAULT_TIMEOUTS, ...options.timeouts },
      {
        onPacket: (bytes, timeMs) => this.onPacket(bytes, timeMs),
        // On the target's clock: the adapter's stamp, else when the line arrives (a virtual clock stands
        // still between advances, so a stamp-less event of a long advance lands at its start).
        onEvent: (event, timeMs) => this.events.push({ event, timeNs: timeMs !== undefined && this.virtual ? msToNs(timeMs) : this.now() }),
        onEnd: () => this.packets.close(),
      },
    );
  }

  /** Waits for the adapter's hello; rejects, with the adapter's stderr, when it never comes or is refused. */
  async start(): Promise<void> {
    this.helloMessage = await this.session.hello;
  }

  private get hello(): HelloMessage {
    if (this.helloMessage === undefined) throw new Error(`the ${this.name} target is not started`);
    return this.helloMessage;
  }

  get capabilities(): Capabilities {
    const { calls, options, clock, families, icmp, notes } = this.hello.capabilities;
    return { appCalls: calls, clock, families, stack: this.hello.stack, ...(options && { options }), ...(icmp !== undefined && { icmp }), ...(notes && { notes }) };
  }

  /** The stack's address in the case's family, as its hello gives it (IPv4's where it gives no IPv6 one). */
  get address(): string {
    return (this.ipv6 && this.hello.address6) || this.hello.address;
  }

  get peerAddress(): string {
    return (this.ipv6 && this.hello.peer6) || this.hello.peer;
  }

  /** The directed broadcast address of the stack's subnet, as its hello gives it; IPv6 has none. */
  get broadcast(): string | undefined {
    return this.ipv6 ? undefined : this.hello.broadcast;
  }

  /** The stack the adapter wraps, as its hello names it. */
  get stack(): { readonly name: string; readonly version: string } {
    return this.hello.stack;
  }

  /** The adapter's process id, for tests that check nothing is left behind. */
  get pid(): number | undefined {
    return this.session.pid;
  }

  private get virtual(): boolean {
    return this.hello.capabilities.clock === 'virtual';
  }

  now(): bigint {
    return this.virtual ? msToNs(this.virtualNowMs) : process.hrtime.bigint();
  }

  async sleep(ms: number): Promise<void> {
    if (this.virtual) {
      await this.advance(this.virtualNowMs + Math.max(0, ms), false);
      return;
    }
    await sleepOnHostClock(ms);
    if (this.session.failure) throw this.session.failure;
  }

  send(packet: Uint8Array): TimedPacket {
    const timeNs = this.now();
    this.session.sendPacket(Buffer.from(packet).toString('hex'));
    this.packetsWritten++;
    return { bytes: packet, timeNs };
  }

  async receive(timeoutMs: number): Promise<TimedPacket | undefined> {
    if (!this.virtual) return this.orFailure(await this.packets.next(timeoutMs));
    if (this.packetsHandled < this.packetsWritten) await this.advance(this.virtualNowMs, false);
    const queued = await this.packets.next(0);
    if (queued !== undefined || timeoutMs <= 0) return this.orFailure(queued);
    await this.advance(this.virtualNowMs + timeoutMs, true);
    return this.orFailure(await this.packets.next(0));
  }

  async app(call: AppCall): Promise<AppResult> {
    const request = call.call === 'connect' ? { type: 'call' as const, ...call, host: call.host ?? this.peerAddress } : { type: 'call' as const, ...call };
    const result = await this.request(request);
    if (!result.ok) return { ok: false, error: result.error };
    const needs = RESULT_FIELD[call.call];
    if (needs !== undefined && result[needs] === undefined) {
      return this.session.violated(`its result for "${call.call}" lacks the field "${needs}"`);
    }
    return {
      ok: true,
      ...(result.bytes !== undefined && { bytes: result.bytes }),
      ...(result.state !== undefined && { state: result.state }),
      ...(result.eof !== undefined && { eof: result.eof }),
      ...(result.atMark !== undefined && { atMark: result.atMark }),
    };
  }

  takeEvents(): TimedEvent[] {
    const taken = this.events;
    this.events = [];
    return taken;
  }

  close(): Promise<void> {
    return this.session.close();
  }

  /** A request whose result also proves every packet written before it has been read. */
  private async request(request: Request): Promise<ResultMessage> {
    const written = this.packetsWritten;
    const result = await this.session.request(request);
    this.packetsHandled = Math.max(this.packetsHandled, written);
    return result;
  }

  /** Moves the adapter's virtual clock to `toMs`, or to its first output before that with `untilOutput`. */
  private async advance(wantedMs: number, untilOutput: boolean): Promise<void> {
    // Whole microseconds: adapters keep time in their own units (ns-3's nanoseconds, lwIP's ms), and a
    // time like 351.00199999999995 ms comes back rounded; a microsecond either way is not a protocol breach.
    const toMs = Math.round(wantedMs * 1000) / 1000;
    const result = await this.request({ type: 'advance', to: toMs, untilOutput });
    if (!result.ok) return this.session.violated(`it refused to advance its clock: ${result.error}`);
    if (result.now === undefined) return this.session.violated('its result for "advance" lacks the field "now"');
    const floor = Math.max(this.virtualNowMs, this.latestStampMs);
    if (result.now < floor - CLOCK_SLACK_MS || result.now > Math.max(toMs, floor) + CLOCK_SLACK_MS) {
      return this.session.violated(`it answered an advance to ${toMs} ms with now ${result.now} ms, outside ${floor}–${Math.max(toMs, floor)} ms`);
    }
    this.virtualNowMs = result.now;
    this.latestStampMs = result.now;
  }

  private onPacket(bytes: Uint8Array, timeMs: number | undefined): void {
    if (!this.virtual) {
      this.packets.push({ bytes, timeNs: process.hrtime.bigint() });
      return;
    }
    const stamp = timeMs ?? Math.max(this.virtualNowMs, this.latestStampMs);
    if (stamp < this.latestStampMs) {
      void this.session.violated(`it stamped a packet ${stamp} ms after it had reached ${this.latestStampMs} ms: its time went backwards`).catch(() => undefined);
      return;
    }
    this.latestStampMs = stamp;
    this.packets.push({ bytes, timeNs: msToNs(stamp) });
  }

  /** What a receive returns, unless the adapter failed meanwhile (an ended queue gives undefined). */
  private orFailure(packet: TimedPacket | undefined): TimedPacket | undefined {
    if (packet === undefined && this.session.failure) throw this.session.failure;
    return packet;
  }
}

/**
 * Starts an adapter process and waits for its hello. Rejects — with one sentence and the adapter's
 * stderr — when the adapter cannot start, sends no acceptable hello in time, or breaks the protocol.
 */
export async function createProcessTarget(options: ProcessTargetOptions): Promise<ProcessTarget> {
  const target = new ProcessTarget(options);
  try {
    await target.start();
  } catch (error) {
    await target.close();
    throw error;
  }
  return target;
}
