/**
 * Reads suite files from disk and parses each on its own, so one bad file is reported and the rest
 * still load. This is the I/O edge of `suite/`, which stays pure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Case } from '../suite/case';
import { parseCase } from '../suite/parse';
import type { SuiteProblem } from '../suite/problem';

export interface LoadedSuite {
  readonly cases: Case[];
  readonly problems: SuiteProblem[];
}

const isCaseFile = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** Case files under `path` (a file or a folder, searched recursively), in a stable order. */
function caseFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const child = join(path, entry.name);
      if (entry.isDirectory()) return caseFiles(child);
      return isCaseFile(entry.name) ? [child] : [];
    });
}

export function loadSuites(paths: readonly string[]): LoadedSuite {
  const cases: Case[] = [];
  const problems: SuiteProblem[] = [];
  const firstFileOfId = new Map<string, Case>();
  for (const path of paths) {
    const files = caseFiles(path);
    if (files.length === 0) problems.push({ file: path, line: 1, column: 1, message: 'no such file or folder, or no .yaml case in it' });
    for (const absolute of files) {
      const file = relative(process.cwd(), absolute) || absolute;
      const parsed = parseCase(file, readFileSync(absolute, 'utf8'));
      problems.push(...parsed.problems);
      if (!parsed.case) continue;
      const earlier = firstFileOfId.get(parsed.case.id);
      if (earlier) {
        problems.push({ ...parsed.case.source, message: `id '${parsed.case.id}' is already used by ${earlier.source.file}:${earlier.source.line}; ids must be unique` });
        continue;
      }
      firstFileOfId.set(parsed.case.id, parsed.case);
      cases.push(parsed.case);
    }
  }
  return { cases, problems };
}
