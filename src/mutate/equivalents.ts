/**
 * Equivalent mutants: those no conforming observation can tell from the reference machine (a branch
 * that drops a segment, skipped, still drops it). They are listed with the reason for each in
 * equivalents.yaml beside this file, optionally only for some profiles, and not counted in the score.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Mutant } from './operators';

export interface Equivalent {
  readonly mutant: string;
  readonly reason: string;
  /** The profiles under which it is equivalent; every profile when absent. */
  readonly profiles?: readonly string[];
}

export const EQUIVALENTS_FILE = join(__dirname, 'equivalents.yaml');

/** The entries of an equivalents file; throws naming the file, the entry and what is wrong. */
export function parseEquivalents(text: string, file: string, mutants: readonly Mutant[]): Equivalent[] {
  const parsed: unknown = parse(text) ?? [];
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a list of { mutant, reason, profiles? }`);
  const known = new Set(mutants.map((m) => m.id));
  const seen = new Set<string>();
  return parsed.map((entry: unknown, index) => {
    const where = `${file}: entry ${index + 1}`;
    const { mutant, reason, profiles } = (entry ?? {}) as Record<string, unknown>;
    if (typeof mutant !== 'string' || !known.has(mutant)) throw new Error(`${where}: '${String(mutant)}' is not a mutant (tcpconform mutate --json lists their ids)`);
    if (seen.has(mutant)) throw new Error(`${where}: '${mutant}' is listed twice`);
    seen.add(mutant);
    if (typeof reason !== 'string' || reason.trim().length < 20) throw new Error(`${where}: '${mutant}' needs a reason that says why no observation tells it from the machine`);
    if (profiles !== undefined && !(Array.isArray(profiles) && profiles.every((p) => typeof p === 'string'))) throw new Error(`${where}: profiles must be a list of profile names`);
    return { mutant, reason: reason.trim(), ...(profiles !== undefined && { profiles: profiles as string[] }) };
  });
}

/** The project's list. */
export function loadEquivalents(mutants: readonly Mutant[], file = EQUIVALENTS_FILE): Equivalent[] {
  return parseEquivalents(readFileSync(file, 'utf8'), file, mutants);
}

/** The reason `mutant` is equivalent under the profile called `profile`, if it is. */
export function equivalenceOf(equivalents: readonly Equivalent[], mutant: string, profile: string): string | undefined {
  const entry = equivalents.find((e) => e.mutant === mutant && (e.profiles === undefined || e.profiles.includes(profile)));
  return entry?.reason;
}
