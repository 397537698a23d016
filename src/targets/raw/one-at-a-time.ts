/**
 * One raw target at a time per target host (its address on its link). A remote target is one host: two
 * cases at once would listen on the same port there, and their harness namespaces would speak as the
 * same peer with the same MAC on the same link. So with --jobs above one, raw cases queue for the host
 * while others run on.
 */
const tails = new Map<string, Promise<void>>();

/** Waits until every earlier holder of `key` has released it; returns the release, safe to call twice. */
export async function acquire(key: string): Promise<() => void> {
  const before = tails.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => mine);
  tails.set(key, tail);
  await before;
  return () => {
    release();
    if (tails.get(key) === tail) tails.delete(key);
  };
}
