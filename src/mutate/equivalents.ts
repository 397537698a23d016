/**
 * Equivalent mutants: those no conforming observation can tell from the reference machine (a branch
 * that drops a segment, skipped, still drops it). They are listed with the reason for each in
 * equivalents.yaml beside this file, optionally only for the profile values under which they are
 * (`when:`, as a case writes it: a rule only RFC 793's resets reach is unreachable with RFC 5961 on),
 * and not counted in the score.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Profile } from '../reference';
import { unmetCondition, type When } from '../suite/when';
import type { Mutant } from './operators';

export interface Equivalent {
  readonly mutant: string;
  readonly reason: string;
  /** The profile values under which it is equivalent; under any when absent. */
  readonly when?: When;
}

/** The profile flags a `when:` of this file may name, each a yes or no. */
const isWhen = (value: unknown): value is When =>
  typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'boolean');

export const EQUIVALENTS_FILE = join(__dirname, 'equivalents.yaml');

/** The entries of an equivalents file; throws naming the file, the entry and what is wrong. */
export function parseEquivalents(text: string, file: string, mutants: readonly Mutant[]): Equivalent[] {
  let parsed: unknown;
  try {
    parsed = parse(text) ?? [];
  } catch (error) {
    throw new Error(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a list of { mutant, reason, when? }`);
  const known = new Set(mutants.map((m) => m.id));
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const where = `${file}: entry ${index + 1}`;
    const { mutant, reason, when } = (entry ?? {}) as Record<string, unknown>;
    if (typeof mutant !== 'string' || !known.has(mutant)) throw new Error(`${where}: '${String(mutant)}' is not a mutant (tcpconform mutate --json lists their ids)`);
    if (seen.has(mutant)) throw new Error(`${where}: '${mutant}' is listed twice`);
    seen.add(mutant);
    if (typeof reason !== 'string' || reason.trim().length < 20) throw new Error(`${where}: '${mutant}' needs a reason that says why no observation tells it from the machine`);
    if (when !== undefined && !isWhen(when)) throw new Error(`${where}: when must name profile flags, each true or false, e.g. { rfc5961Syn: true }`);
    return { mutant, reason: reason.trim(), ...(when !== undefined && { when }) };
  });
}

/** The project's list. */
export function loadEquivalents(mutants: readonly Mutant[], file = EQUIVALENTS_FILE): Equivalent[] {
  return parseEquivalents(readFileSync(file, 'utf8'), file, mutants);
}

/** The reason `mutant` is equivalent under `profile`, if it is. */
export function equivalenceOf(equivalents: readonly Equivalent[], mutant: string, profile: Profile): string | undefined {
  return equivalents.find((e) => e.mutant === mutant && unmetCondition(e.when, profile) === undefined)?.reason;
}
