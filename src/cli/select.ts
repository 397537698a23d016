/** Which cases a run takes: by id glob and by tag. No filter means every case. */
import picomatch from 'picomatch';
import type { Case } from '../suite/case';

export interface Selection {
  /** Globs over case ids, e.g. `handshake/*`; a case matching any is taken. */
  readonly ids: readonly string[];
  /** A case carrying any of these tags is taken. */
  readonly tags: readonly string[];
}

export function selectCases(cases: readonly Case[], selection: Selection): Case[] {
  const idMatches = selection.ids.length > 0 ? picomatch([...selection.ids]) : () => true;
  const tagMatches = (c: Case): boolean => selection.tags.length === 0 || c.tags.some((t) => selection.tags.includes(t));
  return cases.filter((c) => idMatches(c.id) && tagMatches(c));
}
