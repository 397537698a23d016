/**
 * The words of an adapter failure. Every failure reads "<one sentence>; its stderr: <tail>", so that
 * the `error` verdict alone tells an adapter author what happened and what the adapter said about it.
 */
import { constants } from 'node:os';

/** Kept of an adapter's stderr: its last words are what explains a crash. */
export const STDERR_KEPT = 2048;

/** How an adapter process ended, for a sentence: "exited with code 3", "was killed by SIGSEGV". */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal !== null) return `was killed by ${signal}`;
  // A shell between the harness and the adapter reports a signal as 128 + its number.
  const byShell = code !== null && code > 128 ? signalName(code - 128) : undefined;
  return `exited with code ${code ?? 'unknown'}${byShell ? ` (${byShell})` : ''}`;
}

function signalName(number: number): string | undefined {
  return Object.entries(constants.signals).find(([, value]) => value === number)?.[0];
}

/** A quoted excerpt of something an adapter wrote, short enough for one sentence. */
export function excerpt(text: string, max = 120): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** The sentence, then the adapter's stderr. */
export function failureMessage(sentence: string, stderrTail: string): string {
  const tail = stderrTail.trim();
  return tail === '' ? `${sentence}; its stderr was empty` : `${sentence}; its stderr: ${tail}`;
}

/** Seconds or milliseconds, as a person writes a time limit. */
export function formatLimit(ms: number): string {
  return ms >= 1000 && ms % 100 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
