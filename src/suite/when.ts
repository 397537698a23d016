/**
 * `when:`, the profile values a case (or one branch of an `either`) is written for: a flag's value, or
 * a range a number must lie in (`mss: { min: 537 }`). Pure, and blind to what a profile holds beyond
 * the names a case uses: the schema lists the names a `when` may take.
 */
import type { Range } from './case';

export type Condition = boolean | Range;
export type When = Readonly<Record<string, Condition>>;

/** A profile as `when` sees it: its values by name. */
type Values = object;

const valueOf = (profile: Values, key: string): unknown => (profile as Record<string, unknown>)[key];

function holds(condition: Condition, value: unknown): boolean {
  if (typeof condition === 'boolean') return value === condition;
  return typeof value === 'number' && value >= condition.min && value <= condition.max;
}

/** `true`, `536`, `537 or more`, `500 to 1460`. */
export function conditionText(condition: Condition): string {
  if (typeof condition === 'boolean') return String(condition);
  if (condition.min === condition.max) return String(condition.min);
  if (condition.max === Number.MAX_SAFE_INTEGER) return `${condition.min} or more`;
  return condition.min === 0 ? `${condition.max} or less` : `${condition.min} to ${condition.max}`;
}

/** `reopenFromTimeWait: true, mss: 537 or more` */
export function whenText(when: When): string {
  return Object.entries(when).map(([key, condition]) => `${key}: ${conditionText(condition)}`).join(', ');
}

/** The first condition of `when` that `profile` does not meet, as a sentence's end; undefined when all hold. */
export function unmetCondition(when: When | undefined, profile: Values): string | undefined {
  const [key, condition] = Object.entries(when ?? {}).find(([k, c]) => !holds(c, valueOf(profile, k))) ?? [];
  if (key === undefined || condition === undefined) return undefined;
  const name = valueOf(profile, 'name');
  return `written for ${key}: ${conditionText(condition)}; the ${typeof name === 'string' ? `${name} ` : ''}profile sets ${key}: ${String(valueOf(profile, key))}`;
}

/** `profile` changed as little as it takes to meet `when`: a flag set, a number moved to the range's nearer end. */
export function meeting<P extends Values>(when: When | undefined, profile: P): P {
  const changed: Record<string, unknown> = { ...(profile as Record<string, unknown>) };
  for (const [key, condition] of Object.entries(when ?? {})) {
    if (holds(condition, changed[key])) continue;
    changed[key] = typeof condition === 'boolean' ? condition : Math.min(Math.max(Number(changed[key]), condition.min), condition.max);
  }
  return changed as P;
}
