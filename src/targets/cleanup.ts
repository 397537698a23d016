/**
 * What must be undone however the process ends: namespaces, devices, helper processes.
 *
 * Every target registers a synchronous cleanup as soon as it holds something and unregisters it when it
 * closes. Synchronous, because the last chances to run — a signal handler about to exit, the 'exit' event —
 * do not wait for promises. The CLI calls `runAllCleanupsSync()` from its SIGINT and SIGTERM handlers;
 * the 'exit' hook installed here is the safety net for every other way out (process.exit, the loop running
 * dry). Nothing here exits the process: that is the CLI's decision.
 */

export type SyncCleanup = () => void;

const pending = new Set<SyncCleanup>();
let exitHookInstalled = false;

/** Registers `cleanup` and returns the function that unregisters it. */
export function registerCleanup(cleanup: SyncCleanup): () => void {
  if (!exitHookInstalled) {
    process.on('exit', () => runAllCleanupsSync());
    exitHookInstalled = true;
  }
  pending.add(cleanup);
  return () => {
    pending.delete(cleanup);
  };
}

/**
 * Runs every registered cleanup once, newest first, and forgets them. One that throws does not stop the
 * others; the errors are returned so that the caller can say what may be left behind.
 */
export function runAllCleanupsSync(): Error[] {
  const cleanups = [...pending].reverse();
  pending.clear();
  const errors: Error[] = [];
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch (error) {
      errors.push(error instanceof Error ? error : new Error(String(error)));
    }
  }
  return errors;
}
