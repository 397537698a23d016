/**
 * Which cases a run takes. Filters of one kind are alternatives (any tag), filters of different kinds
 * all apply (a tag and a level); no filter of a kind means every case passes that kind.
 */
import picomatch from 'picomatch';
import type { Case, RequirementLevel } from '../suite/case';

export interface Selection {
  /** Globs over case ids, e.g. `handshake/*`. */
  readonly ids: readonly string[];
  readonly tags: readonly string[];
  readonly areas: readonly string[];
  /** Globs over requirement ids, e.g. `MUST-13` or `SHLD-*`. */
  readonly requirements: readonly string[];
  readonly levels: readonly RequirementLevel[];
  /** `{ index: K, count: N }` for shard K of N (1-based). */
  readonly shard?: { readonly index: number; readonly count: number };
}

export const SELECT_ALL: Selection = { ids: [], tags: [], areas: [], requirements: [], levels: [] };

const anyGlob = (globs: readonly string[]): ((text: string) => boolean) =>
  globs.length === 0 ? () => true : picomatch([...globs]);

export function selectCases(cases: readonly Case[], selection: Selection): Case[] {
  const id = anyGlob(selection.ids);
  const requirement = anyGlob(selection.requirements);
  const picked = cases.filter(
    (c) =>
      id(c.id) &&
      (selection.tags.length === 0 || c.tags.some((t) => selection.tags.includes(t))) &&
      (selection.areas.length === 0 || selection.areas.includes(c.area)) &&
      (selection.requirements.length === 0 || c.spec.requirements.some(requirement)) &&
      (selection.levels.length === 0 || selection.levels.includes(c.level)),
  );
  return selection.shard ? shardOf(picked, selection.shard.index, selection.shard.count) : picked;
}

/**
 * Shard K of N: the cases sorted by id, every N-th starting at K. Sorting makes the slice the same on
 * every machine whatever order the files were read in; taking every N-th spreads an area's long
 * cases (TIME-WAIT, say) over the shards instead of giving them all to one.
 */
export function shardOf(cases: readonly Case[], index: number, count: number): Case[] {
  return [...cases].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).filter((_, i) => i % count === index - 1);
}

/** `K/N` with 1 ≤ K ≤ N, or an explanation of what is wrong. */
export function parseShard(text: string): { index: number; count: number } | string {
  const match = /^([1-9][0-9]*)\/([1-9][0-9]*)$/.exec(text);
  if (!match) return `'${text}' is not K/N (for example 2/3)`;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index > count ? `shard ${index} of ${count} does not exist` : { index, count };
}
