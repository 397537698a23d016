/**
 * Durations as cases write them: a plain duration (`500ms`, `1.5s`, `2min`), a profile parameter with
 * an optional factor (`2*msl`, `1.5*initialRto`), or a sum of these (`2*msl + 1s`, `2*msl - 1s`).
 * Timers belong to the target's profile, so a TIME-WAIT case reads `wait: 2*msl - 1s` and means 59 s
 * on Linux and 239 s under the RFC's own values. Pure: the runner supplies the profile's values.
 */
import { parseDuration } from './duration';

/** The profile parameters a duration may name (profiles/*.yaml, without their units). */
export const TIME_PARAMETERS = ['msl', 'initialRto', 'minRto', 'maxRto', 'maxAckDelay', 'userTimeout', 'synUserTimeout', 'keepAliveIdle', 'keepAliveInterval'] as const;
export type TimeParameter = (typeof TIME_PARAMETERS)[number];
export type TimeValues = Readonly<Record<TimeParameter, number>>;

export interface TimeExpr {
  /** The fixed part, in milliseconds. */
  readonly ms: number;
  /** How many of each parameter are added (negative: subtracted). */
  readonly per: Readonly<Partial<Record<TimeParameter, number>>>;
  /** As the case wrote it, for messages and reports. */
  readonly text: string;
}

const TERM = /^(?:([0-9]+(?:\.[0-9]+)?)\s*\*\s*)?([A-Za-z]+)$/;

/** A duration expression, or a sentence saying what is wrong with the text. */
export function parseTime(text: string): TimeExpr | string {
  const parts = text.trim().split(/\s*([+-])\s*/);
  let ms = 0;
  const per: Partial<Record<TimeParameter, number>> = {};
  for (let i = 0; i < parts.length; i += 2) {
    const term = parts[i] ?? '';
    const sign = i === 0 || parts[i - 1] === '+' ? 1 : -1;
    const duration = parseDuration(term);
    if (duration !== undefined) {
      ms += sign * duration;
      continue;
    }
    const match = TERM.exec(term);
    const name = match?.[2] as TimeParameter | undefined;
    if (!match || name === undefined || !TIME_PARAMETERS.includes(name)) {
      return `'${term}' is neither a duration (500ms, 1.5s, 2min) nor a profile parameter (${TIME_PARAMETERS.join(', ')}, optionally with a factor: 2*msl)`;
    }
    per[name] = (per[name] ?? 0) + sign * Number(match[1] ?? 1);
  }
  return { ms, per, text: text.trim() };
}

/** Milliseconds for `expr` under a profile's values. */
export function timeMs(expr: TimeExpr, values: TimeValues): number {
  let total = expr.ms;
  for (const name of TIME_PARAMETERS) total += (expr.per[name] ?? 0) * values[name];
  return total;
}

/** A fixed duration, for defaults. */
export function fixedTime(ms: number, text: string): TimeExpr {
  return { ms, per: {}, text };
}
