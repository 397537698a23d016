/**
 * Suite files' text → cases and preambles, or every problem with them, each with its line and column.
 * Pure: the caller reads the files; nothing here throws for bad input.
 *
 * A file holds a case (it has an `id`) or a preamble (it has a `preamble`). Each goes through three
 * passes, each stopping the next when it finds problems: YAML syntax, the JSON Schema (checked with
 * ajv), then the rules of normalize.ts. Preambles are read first, because a case's `from:` names one.
 */
import Ajv from 'ajv';
import type { Case, Preamble, SourcePosition } from './case';
import caseSchema from './case.schema.json';
import preambleSchema from './preamble.schema.json';
import { normalizeCase, normalizeSteps, type RawCase, type RawPreamble } from './normalize';
import type { SuiteProblem } from './problem';
import { readYamlDocument, readYamlMapping, schemaProblems, type Locate } from './yaml-document';
import { combinations, substitute, unknownPlaceholders, type Matrix } from './matrix';
import { formatProblem } from './problem';

const ajv = new Ajv({ allErrors: true, strict: true, verbose: true }).addSchema(caseSchema);
const validateCase = ajv.compile<RawCase>(caseSchema);
const validatePreamble = ajv.compile<RawPreamble>(preambleSchema);

export interface ParsedCase {
  readonly case?: Case;
  readonly problems: readonly SuiteProblem[];
}

/** A file read and checked against its schema, not yet normalised. */
export type SuiteDocument =
  | { readonly kind: 'case'; readonly raw: RawCase; readonly locate: Locate }
  | { readonly kind: 'preamble'; readonly raw: RawPreamble; readonly locate: Locate };

/** Whether a file's text is a preamble: a top-level `preamble:` key, before any schema check. */
function looksLikePreamble(text: string): boolean {
  return /^preamble\s*:/m.test(text);
}

/** A file's documents: one preamble, one case, or the cases its matrix generates. */
export function readSuiteDocuments(file: string, text: string): { documents: SuiteDocument[]; problems: readonly SuiteProblem[] } {
  if (looksLikePreamble(text)) {
    const read = readYamlDocument(file, text, validatePreamble, 'preamble');
    return read.data === undefined ? { documents: [], problems: read.problems } : { documents: [{ kind: 'preamble', raw: read.data, locate: read.locate }], problems: [] };
  }
  const read = readYamlMapping(file, text, 'case');
  if (read.data === undefined) return { documents: [], problems: read.problems };
  const { data, locate } = read;
  const matrix = data['matrix'];
  const expansions = matrix !== null && typeof matrix === 'object' && !Array.isArray(matrix)
    ? combinations(matrix as Matrix).map((values) => substitute(data, values))
    : [data];
  const problems = new Map<string, SuiteProblem>();
  const documents: SuiteDocument[] = [];
  const ids = new Set<string>();
  for (const expanded of expansions) {
    const found = schemaProblems(expanded, validateCase, locate);
    const unknown = unknownPlaceholders(expanded);
    if (unknown.length > 0) found.push({ ...locate([]), message: `uses \${${unknown.join('}, ${')}}, which no matrix declares` });
    for (const problem of found) problems.set(formatProblem(problem), problem);
    if (found.length > 0) continue;
    const raw = expanded as RawCase;
    if (ids.has(raw.id)) {
      if (!problems.has('matrix-id')) problems.set('matrix-id', { ...locate(['id']), message: `the matrix makes two cases with id '${raw.id}': name every matrix value in the id, e.g. \${${Object.keys(matrix as Matrix).join('}, ${')}}` });
      continue;
    }
    ids.add(raw.id);
    documents.push({ kind: 'case', raw, locate });
  }
  return problems.size > 0 ? { documents: [], problems: [...problems.values()] } : { documents, problems: [] };
}

/** Preambles by name, each with the steps of those it builds on first; cycles and unknown names are problems. */
export function resolvePreambles(documents: readonly (SuiteDocument & { kind: 'preamble' })[]): { preambles: Map<string, Preamble>; problems: SuiteProblem[] } {
  const problems: SuiteProblem[] = [];
  const byName = new Map<string, SuiteDocument & { kind: 'preamble' }>();
  for (const doc of documents) {
    const earlier = byName.get(doc.raw.preamble);
    if (earlier) problems.push({ ...doc.locate(['preamble']), message: `preamble '${doc.raw.preamble}' is already defined at ${earlierPlace(earlier.locate([]))}` });
    else byName.set(doc.raw.preamble, doc);
  }
  const resolved = new Map<string, Preamble>();
  /** Preambles already found wanting, so each problem is told once. */
  const broken = new Set<string>();
  const resolve = (name: string, chain: readonly string[]): Preamble | undefined => {
    const done = resolved.get(name);
    if (done) return done;
    const doc = byName.get(name);
    if (!doc || broken.has(name)) return undefined;
    const own = normalizeSteps(doc.raw.steps, doc.locate);
    if (!own.steps) {
      problems.push(...own.problems.map((p) => ({ ...doc.locate(p.path), message: p.message })));
      return undefined;
    }
    let base: Preamble | undefined;
    if (doc.raw.from !== undefined) {
      if (chain.includes(doc.raw.from)) {
        problems.push({ ...doc.locate(['from']), message: `from: preambles build on each other in a circle: ${[...chain, name, doc.raw.from].join(' → ')}` });
        for (const member of [...chain, name]) broken.add(member);
        return undefined;
      }
      base = resolve(doc.raw.from, [...chain, name]);
      if (!base) {
        if (!byName.has(doc.raw.from)) problems.push({ ...doc.locate(['from']), message: `from: no preamble named '${doc.raw.from}'` });
        return undefined;
      }
    }
    const steps = own.steps.map((step) => ({ ...step, preamble: name }));
    const preamble: Preamble = { name, title: doc.raw.title, steps: [...(base?.steps ?? []), ...steps], source: doc.locate([]) };
    resolved.set(name, preamble);
    return preamble;
  };
  for (const name of byName.keys()) resolve(name, []);
  return { preambles: resolved, problems };
}

const earlierPlace = (p: SourcePosition): string => `${p.file}:${p.line}`;

export function buildCase(document: SuiteDocument & { kind: 'case' }, preambles: ReadonlyMap<string, Preamble>): ParsedCase {
  const normalized = normalizeCase(document.raw, document.locate, preambles);
  return {
    ...(normalized.case && { case: normalized.case }),
    problems: normalized.problems.map((p) => ({ ...document.locate(p.path), message: p.message })),
  };
}

/** The cases of one file on its own, with the preambles they may start from. */
export function parseCases(file: string, text: string, preambles: ReadonlyMap<string, Preamble> = new Map()): { cases: Case[]; problems: readonly SuiteProblem[] } {
  const read = readSuiteDocuments(file, text);
  const problems = [...read.problems];
  const cases: Case[] = [];
  for (const document of read.documents) {
    if (document.kind !== 'case') return { cases: [], problems: [{ ...document.locate([]), message: 'this is a preamble, not a case' }] };
    const built = buildCase(document, preambles);
    problems.push(...built.problems);
    if (built.case) cases.push(built.case);
  }
  return { cases, problems };
}

/** One case file holding one case (no matrix), with the preambles it may start from. */
export function parseCase(file: string, text: string, preambles: ReadonlyMap<string, Preamble> = new Map()): ParsedCase {
  const parsed = parseCases(file, text, preambles);
  return { ...(parsed.cases[0] && parsed.problems.length === 0 && { case: parsed.cases[0] }), problems: parsed.problems };
}
