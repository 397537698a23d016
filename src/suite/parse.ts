/**
 * One suite file's text → a `Case`, or every problem with it, each with its line and column.
 * Pure: the caller reads the file; this never throws for bad input.
 *
 * Three passes, each stopping the next when it finds problems: YAML syntax, the JSON Schema
 * (case.schema.json, checked with ajv), then the rules of normalize.ts.
 */
import Ajv from 'ajv';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { Case, SourcePosition } from './case';
import schema from './case.schema.json';
import { normalizeCase, type RawCase } from './normalize';
import type { SuiteProblem } from './problem';
import { explainSchemaErrors, type DocumentPath } from './schema-errors';

const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile<RawCase>(schema);

export interface ParsedCase {
  readonly case?: Case;
  readonly problems: readonly SuiteProblem[];
}

/** Finds where a path (or, with `atKey`, one key of the mapping at that path) is written. */
function locator(file: string, doc: Document, lines: LineCounter) {
  return (path: DocumentPath, atKey?: string): SourcePosition => {
    let node: unknown = doc.getIn(path, true) ?? doc.contents;
    if (atKey !== undefined && isMap(node)) {
      const pair = node.items.find((item) => isNode(item.key) && (item.key as { value?: unknown }).value === atKey);
      if (pair && isNode(pair.key)) node = pair.key;
    }
    const offset = isNode(node) && node.range ? node.range[0] : 0;
    const { line, col } = lines.linePos(offset);
    return { file, line, column: col };
  };
}

export function parseCase(file: string, text: string): ParsedCase {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((error) => {
        const { line, col } = lines.linePos(error.pos[0]);
        return { file, line, column: col, message: `YAML syntax: ${error.message.split('\n')[0]}` };
      }),
    };
  }
  const locate = locator(file, doc, lines);
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { problems: [{ ...locate([]), message: 'a case file holds one mapping (id, title, spec, level, steps)' }] };
  }
  if (!validate(data)) {
    return {
      problems: explainSchemaErrors(validate.errors ?? []).map((p) => ({ ...locate(p.path, p.atKey), message: p.message })),
    };
  }
  const normalized = normalizeCase(data, locate);
  return {
    ...(normalized.case && { case: normalized.case }),
    problems: normalized.problems.map((p) => ({ ...locate(p.path), message: p.message })),
  };
}
