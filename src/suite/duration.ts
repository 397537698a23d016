/** Durations are written with their unit, `500ms`, `1.5s` or `2min`, so a reader never guesses. */
const DURATION = /^([0-9]+(?:\.[0-9]+)?)(ms|s|min)$/;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, min: 60_000 };

/** Milliseconds for a duration string; `undefined` when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
  return match ? Number(match[1]) * (UNIT_MS[match[2] as string] as number) : undefined;
}

/** The shortest honest text for a duration in milliseconds: `250ms`, `1.5s`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)}s` : `${+ms.toFixed(3)}ms`;
}
