/**
 * A YAML file read against a JSON Schema, with every problem placed at its line and column: the
 * shared first half of reading case files and profile files. Pure: the caller reads the file.
 */
import type { ValidateFunction } from 'ajv';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { SourcePosition } from './case';
import type { SuiteProblem } from './problem';
import { explainSchemaErrors, type DocumentPath } from './schema-errors';

/** Finds where a path (or, with `atKey`, one key of the mapping at that path) is written. */
export type Locate = (path: DocumentPath, atKey?: string) => SourcePosition;

export type ReadDocument<T> =
  | { readonly data: T; readonly locate: Locate; readonly problems: readonly [] }
  | { readonly data?: undefined; readonly problems: readonly SuiteProblem[] };

function locator(file: string, doc: Document, lines: LineCounter): Locate {
  return (path, atKey) => {
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

/**
 * YAML syntax first, then the schema; each stops the next when it finds problems. `what` names the
 * mapping the file must hold, for the message when it holds something else.
 */
export function readYamlDocument<T>(file: string, text: string, validate: ValidateFunction<T>, what: string): ReadDocument<T> {
  const read = readYamlMapping(file, text, what);
  if (read.data === undefined) return { problems: read.problems };
  const problems = schemaProblems(read.data, validate, read.locate);
  return problems.length > 0 ? { problems } : { data: read.data as T, locate: read.locate, problems: [] };
}

/** Every schema problem of `data`, placed in the document `locate` belongs to. */
export function schemaProblems<T>(data: unknown, validate: ValidateFunction<T>, locate: Locate): SuiteProblem[] {
  if (validate(data)) return [];
  return explainSchemaErrors(validate.errors ?? []).map((p) => ({ ...locate(p.path, p.atKey), message: p.message }));
}

/** The YAML mapping a file holds, with a way to place any path of it, or its syntax problems. */
export function readYamlMapping(file: string, text: string, what: string): ReadDocument<Record<string, unknown>> {
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
    return { problems: [{ ...locate([]), message: `a ${what} file holds one mapping` }] };
  }
  return { data: data as Record<string, unknown>, locate, problems: [] };
}
