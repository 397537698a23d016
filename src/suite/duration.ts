/** Durations in cases are written with their unit, `500ms` or `1.5s`, so a reader never guesses. */
const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ms|s)$/;

/** Milliseconds for a duration string; `undefined` when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return match[2] === 's' ? value * 1000 : value;
}

/** The shortest honest text for a duration in milliseconds: `250ms`, `1.5s`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)}s` : `${+ms.toFixed(3)}ms`;
}
