/**
 * Sleeping on the host's monotonic clock, for the targets that live on it (linux, raw, a real-clock
 * adapter).
 *
 * A Node timer may fire before its time on that clock: libuv counts a timer's delay from the loop's time
 * in whole milliseconds, so one set after the loop worked a while may fire a fraction of a millisecond
 * early. A `wait 20ms` that ends 0.7 ms early moves the case's anchor past the next segment the peer
 * sends, and the target's answers to it look as if they came before it (a CI run failed exactly so).
 */
export async function sleepOnHostClock(ms: number): Promise<void> {
  const until = process.hrtime.bigint() + BigInt(Math.round(Math.max(0, ms) * 1e6));
  for (let left = ms; left > 0; left = Number(until - process.hrtime.bigint()) / 1e6) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}
