/**
 * Waits on the host's monotonic clock end no earlier than asked. A Node timer counts from the loop's
 * time in whole milliseconds, and may fire a fraction of one early after the loop worked; each wait here
 * follows synchronous work, as a busy harness's do. Without the re-arming, some of 40 end early (as a
 * CI run's `wait 20ms` did); with it, none may.
 */
import { sleepOnHostClock } from '../../src/targets/host-clock';
import { PacketQueue } from '../../src/targets/linux/packet-queue';

/** Keeps the loop busy for `ms`. */
function busy(ms: number): void {
  const until = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  while (process.hrtime.bigint() < until);
}

const WAITS = 40;

async function elapsedMs(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A fresh loop turn, then a few milliseconds and a fraction of work before the wait begins. */
async function afterBusyTurn(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  busy(3 + Math.random() * 12);
}

test('sleepOnHostClock lasts at least its time after the loop worked', async () => {
  const early: number[] = [];
  for (let i = 0; i < WAITS; i++) {
    await afterBusyTurn();
    const took = await elapsedMs(() => sleepOnHostClock(20));
    if (took < 20) early.push(took);
  }
  expect(early).toEqual([]);
});

test("a PacketQueue wait times out no earlier than its time, and a packet pushed meanwhile ends it at once", async () => {
  const queue = new PacketQueue();
  const early: number[] = [];
  for (let i = 0; i < WAITS; i++) {
    await afterBusyTurn();
    let got: unknown = 'pending';
    const took = await elapsedMs(async () => (got = await queue.next(20)));
    if (took < 20) early.push(took);
    expect(got).toBeUndefined();
  }
  expect(early).toEqual([]);
  const packet = { bytes: new Uint8Array([1]), timeNs: 1n };
  setTimeout(() => queue.push(packet), 5);
  await expect(queue.next(1000)).resolves.toBe(packet);
});
