/**
 * Packets in arrival order, waiting for `receive`: none is lost between calls, and a waiting receive
 * gets the next packet the moment it arrives.
 *
 * A source read on the main loop (a TUN, a socket) may hold packets the loop has not polled yet: timers
 * run before the poll phase, so a receive could time out while the packet it waits for sits unread.
 * `drain`, where the source has one, reads what is there synchronously (through `push`); the queue calls
 * it before it answers, and again when a wait times out, so that what was sent in time is never missed.
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
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          if (!this.closed) this.drain();
          resolve(this.packets.shift());
        }, timeoutMs),
      };
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
