/**
 * Turns ajv's schema errors into sentences a case author understands.
 *
 * ajv reports every branch of a `oneOf` that failed, which reads as noise ("must have required
 * property 'wscale'" when the author wrote `mss: x`). The rules here: an error deeper than a failed
 * `oneOf` means one branch matched the shape and failed inside, so only the deeper error is shown; a
 * `oneOf` with no deeper error is summed up as the list of forms the value may take.
 */
import type { ErrorObject } from 'ajv';

/** A path into the case document, as YAML and ajv both understand it. */
export type DocumentPath = readonly (string | number)[];

export interface SchemaProblem {
  readonly path: DocumentPath;
  /** Point at the key itself (an unknown field), not at its value. */
  readonly atKey?: string;
  readonly message: string;
}

/** Why a `pattern` failed, by the definition it came from: regular expressions are not messages. */
const PATTERN_MEANING: Readonly<Record<string, string>> = {
  duration: 'a duration with its unit, such as 500ms, 1.5s or 2min',
  time: 'a duration such as 500ms, 1.5s or 2min, or a profile timer such as 2*msl or initialRto',
  flags: 'TCP flags as letters S F R P A U E C (for example SA, FA, RA, PA) or . for none',
  hex: 'bytes as pairs of hex digits, such as 0204 05b4',
  id: 'an id of the form area/name in lower case, such as handshake/passive-open',
  rfc9293: 'an RFC 9293 section number such as 3.10.7.4',
  requirements: 'an RFC 9293 requirement id such as MUST-13, SHLD-19, MAY-2, or EVT-3.10.7.4-RST-1',
  error: 'an errno name such as ECONNRESET',
};

export function toDocumentPath(instancePath: string): DocumentPath {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^[0-9]+$/.test(part) ? Number(part) : part));
}

/** `steps[3].send.flags`: how a person names a place in the document. */
export function formatPath(path: DocumentPath): string {
  let text = '';
  for (const part of path) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? 'the case' : text;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (Number.isInteger(value)) return 'a whole number';
  return typeof value === 'object' ? 'a mapping' : `a ${typeof value}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  object: 'a mapping',
  array: 'a list',
  null: 'empty (no value)',
  boolean: 'true or false',
};

function expectedType(error: ErrorObject): string {
  const types = String(error.params['type']).split(',');
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
}

/** What a value with a `pattern` means, by the definition or property it belongs to. */
function patternMeaning(error: ErrorObject, path: DocumentPath): string | undefined {
  const fromDefinition = /#\/definitions\/([^/]+)\/(pattern|type)$/.exec(error.schemaPath)?.[1];
  const property = [...path].reverse().find((p): p is string => typeof p === 'string');
  return PATTERN_MEANING[fromDefinition ?? property ?? ''];
}

/** One sentence for one ajv error that is not part of a `oneOf` summary. */
function describe(error: ErrorObject, path: DocumentPath): SchemaProblem {
  const where = formatPath(path);
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return { path, message: `${where}: missing required field '${String(p['missingProperty'])}'` };
    case 'additionalProperties': {
      const name = String(p['additionalProperty']);
      const allowed = Object.keys((error.parentSchema?.['properties'] as object | undefined) ?? {});
      return { path, atKey: name, message: `${where}: unknown field '${name}'; allowed here: ${allowed.join(', ')}` };
    }
    case 'type':
      return { path, message: `${where}: must be ${patternMeaning(error, path) ?? expectedType(error)}, found ${error.data === null ? 'null' : `${typeName(error.data)} ${show(error.data)}`}` };
    case 'enum':
      return { path, message: `${where}: ${show(error.data)} is not allowed; use one of ${(p['allowedValues'] as unknown[]).join(', ')}` };
    case 'pattern':
      return { path, message: `${where}: ${show(error.data)} must be ${patternMeaning(error, path) ?? `text matching ${String(p['pattern'])}`}` };
    case 'minimum':
    case 'maximum':
      return { path, message: `${where}: ${show(error.data)} must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p['limit'])}` };
    case 'minItems':
      return { path, message: `${where}: needs at least ${String(p['limit'])} item(s)` };
    case 'maxItems':
      return { path, message: `${where}: takes at most ${String(p['limit'])} item(s)` };
    case 'minProperties':
      return { path, message: `${where}: must not be empty` };
    case 'minLength':
      return { path, message: `${where}: must not be empty` };
    default:
      return { path, message: `${where}: ${error.message ?? error.keyword}` };
  }
}

/** "a whole number, a string or a mapping with hex": the forms a `oneOf` accepts, from its branch errors. */
function summariseOneOf(branchErrors: readonly ErrorObject[]): string {
  const forms = new Set<string>();
  for (const error of branchErrors) {
    if (error.keyword === 'type') forms.add(expectedType(error));
    else if (error.keyword === 'enum') forms.add(`one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`);
    else if (error.keyword === 'required') forms.add(`a mapping with '${String(error.params['missingProperty'])}'`);
    else if (error.keyword === 'additionalProperties') forms.add(`a mapping without '${String(error.params['additionalProperty'])}'`);
  }
  const list = [...forms];
  return list.length <= 1 ? (list[0] ?? 'a different value') : `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}

/**
 * Sentences for a failed validation, at most one per place in the document, the deepest error of a
 * `oneOf` where one branch matched the shape (see the module comment).
 */
export function explainSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  const oneOfPaths = new Set(errors.filter((e) => e.keyword === 'oneOf').map((e) => e.instancePath));
  const isDeeperThanOneOf = (path: string): boolean =>
    [...oneOfPaths].some((p) => path !== p && path.startsWith(`${p}/`));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  const add = (problem: SchemaProblem): void => {
    const key = `${problem.path.join('/')}|${problem.atKey ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    problems.push(problem);
  };

  for (const error of errors) {
    const path = toDocumentPath(error.instancePath);
    if (error.schemaPath.includes('/propertyNames/')) continue; // reported once, by the propertyNames error
    if (error.keyword === 'propertyNames') {
      const name = String(error.params['propertyName']);
      const allowed = ((error.schema as { enum?: unknown[] } | undefined)?.enum ?? []).join(', ');
      const isStep = path.length === 2 && path[0] === 'steps';
      const message = isStep
        ? `${formatPath(path)}: unknown step '${name}'; a step is one of: ${allowed}`
        : `${formatPath(path)}: unknown field '${name}'; allowed here: ${allowed}`;
      add({ path, atKey: name, message });
      continue;
    }
    if (error.keyword === 'oneOf') {
      const hasDeeper = errors.some((e) => e.instancePath.startsWith(`${error.instancePath}/`) && isDeeperThanOneOf(e.instancePath));
      if (hasDeeper) continue;
      const branches = errors.filter((e) => e.instancePath === error.instancePath && e.keyword !== 'oneOf');
      add({ path, message: `${formatPath(path)}: ${show(error.data)} must be ${summariseOneOf(branches)}` });
      continue;
    }
    // A branch error sitting exactly at a failed oneOf's path is summed up there or superseded below.
    if (oneOfPaths.has(error.instancePath)) continue;
    add(describe(error, path));
  }
  return problems;
}
