/**
 * Packets in arrival order, waiting for `receive`: none is lost between calls, and a waiting receive
 * gets the next packet the moment it arrives.
 *
 * A source read on the main loop (a TUN, a socket) may hold packets the loop has not polled yet: timers
 * run before the poll phase, so a receive could time out while the packet it waits for sits unread.
 * `drain`, where the source has one, reads what is there synchronously (through `push`); the queue calls
 * it before it answers, and again when a wait times out, so that what was sent in time is never missed.
 * A wait times out on the host's monotonic clock, the one packets are stamped with, never before.
 */
import type { TimedPacket } from '../target';

interface Waiter {
  resolve(packet: TimedPacket | undefined): void;
  timer: NodeJS.Timeout;
}

export class PacketQueue {
  private readonly packets: TimedPacket[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(private readonly drain: () => void = () => undefined) {}

  push(packet: TimedPacket): void {
    const waiter = this.waiters.shift();
    if (waiter === undefined) {
      this.packets.push(packet);
      return;
    }
    clearTimeout(waiter.timer);
    waiter.resolve(packet);
  }

  /** The next packet, or undefined when none comes within `timeoutMs` or the queue closes first. */
  next(timeoutMs: number): Promise<TimedPacket | undefined> {
    if (!this.closed) this.drain();
    const queued = this.packets.shift();
    if (queued !== undefined || this.closed || timeoutMs <= 0) return Promise.resolve(queued);
    const until = process.hrtime.bigint() + BigInt(Math.round(timeoutMs * 1e6));
    return new Promise((resolve) => {
      // Re-armed until the host's clock has passed `until`: a Node timer may fire early (host-clock.ts).
      const expire = (): void => {
        const left = Number(until - process.hrtime.bigint()) / 1e6;
        if (left > 0) {
          waiter.timer = setTimeout(expire, Math.ceil(left));
          return;
        }
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        if (!this.closed) this.drain();
        resolve(this.packets.shift());
      };
      const waiter: Waiter = { resolve, timer: setTimeout(expire, timeoutMs) };
      this.waiters.push(waiter);
    });
  }

  /** Ends every wait with undefined; later waits end at once. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.resolve(undefined);
    }
  }
}
