/**
 * One suite file's text → a `Case`, or every problem with it, each with its line and column.
 * Pure: the caller reads the file; this never throws for bad input.
 *
 * Three passes, each stopping the next when it finds problems: YAML syntax, the JSON Schema
 * (case.schema.json, checked with ajv), then the rules of normalize.ts.
 */
import Ajv from 'ajv';
import type { Case } from './case';
import schema from './case.schema.json';
import { normalizeCase, type RawCase } from './normalize';
import type { SuiteProblem } from './problem';
import { readYamlDocument } from './yaml-document';

const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile<RawCase>(schema);

export interface ParsedCase {
  readonly case?: Case;
  readonly problems: readonly SuiteProblem[];
}

export function parseCase(file: string, text: string): ParsedCase {
  const read = readYamlDocument(file, text, validate, 'case');
  if (read.data === undefined) return { problems: read.problems };
  const normalized = normalizeCase(read.data, read.locate);
  return {
    ...(normalized.case && { case: normalized.case }),
    problems: normalized.problems.map((p) => ({ ...read.locate(p.path), message: p.message })),
  };
}
