/**
 * Reads suite files from disk and parses each on its own, so one bad file is reported and the rest
 * still load. This is the I/O edge of `suite/`, which stays pure.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Case, Preamble } from '../suite/case';
import { buildCase, readSuiteDocuments, resolvePreambles, type SuiteDocument } from '../suite/parse';
import type { SuiteProblem } from '../suite/problem';
import { packagePath } from '../package-root';

export interface LoadedSuite {
  readonly cases: Case[];
  readonly problems: SuiteProblem[];
}

const isCaseFile = (name: string): boolean => name.endsWith('.yaml') || name.endsWith('.yml');

/** Case and preamble files under `path` (a file or a folder, searched recursively), in a stable order. */
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

/** The folder of preambles beside the cases: read whatever paths are asked for, so `from:` always resolves. */
const PREAMBLES = packagePath('suites', 'preambles');

function read(absolute: string): { documents: SuiteDocument[]; problems: readonly SuiteProblem[] } {
  const file = relative(process.cwd(), absolute) || absolute;
  return readSuiteDocuments(file, readFileSync(absolute, 'utf8'));
}

/** tcpconform's preambles by name, resolved (each with the steps of those it builds on), and any problems with them. */
export function loadPreambles(): { preambles: Map<string, Preamble>; problems: SuiteProblem[] } {
  const read = caseFiles(PREAMBLES).map((path) => readSuiteDocuments(relative(process.cwd(), path) || path, readFileSync(path, 'utf8')));
  const documents = read.flatMap((r) => r.documents).filter((d): d is SuiteDocument & { kind: 'preamble' } => d.kind === 'preamble');
  const resolved = resolvePreambles(documents);
  return { preambles: resolved.preambles, problems: [...read.flatMap((r) => r.problems), ...resolved.problems] };
}

export function loadSuites(paths: readonly string[]): LoadedSuite {
  const cases: Case[] = [];
  const problems: SuiteProblem[] = [];
  const documents: SuiteDocument[] = [];
  const seen = new Set<string>();
  const files = [...caseFiles(PREAMBLES), ...paths.flatMap((path) => {
    const found = caseFiles(path);
    if (found.length === 0) problems.push({ file: path, line: 1, column: 1, message: 'no such file or folder, or no .yaml case in it' });
    return found;
  })];
  for (const path of files) {
    const absolute = resolve(path);
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    const parsed = read(absolute);
    problems.push(...parsed.problems);
    documents.push(...parsed.documents);
  }
  const { preambles, problems: preambleProblems } = resolvePreambles(documents.filter((d): d is SuiteDocument & { kind: 'preamble' } => d.kind === 'preamble'));
  problems.push(...preambleProblems);
  const firstFileOfId = new Map<string, Case>();
  for (const document of documents) {
    if (document.kind !== 'case') continue;
    const parsed = buildCase(document, preambles);
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
  return { cases, problems };
}
