/**
 * Checks protocol lines against protocol.schema.json and says in one phrase what is wrong, so that an
 * adapter author reads "lacks the field \"id\"" rather than ajv's error objects.
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

import type { AdapterMessage, HarnessMessage } from './messages';
import schema from './protocol.schema.json';

// `discriminator` makes ajv pick the one definition a `type` (or `call`, `event`) names, so its errors
// are about that message instead of every branch of the oneOf.
const ajv = new Ajv({ allErrors: true, strict: true, discriminator: true });
ajv.addSchema(schema);

function definition<T>(name: string): ValidateFunction<T> {
  const validate = ajv.getSchema<T>(`${schema.$id}#/definitions/${name}`);
  if (!validate) throw new Error(`protocol.schema.json has no definition ${name}`);
  return validate;
}

const adapterMessage = definition<AdapterMessage>('adapterMessage');
const harnessMessage = definition<HarnessMessage>('harnessMessage');

export type Checked<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly problem: string };

/** Parses and checks one line an adapter wrote. `problem` says what is wrong, without the line itself. */
export function checkAdapterLine(line: string): Checked<AdapterMessage> | { readonly ok: false; readonly notJson: true } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, notJson: true };
  }
  return check(adapterMessage, value, ['hello', 'packet', 'result', 'event']);
}

/** Checks a message the harness is about to send (tests use it to prove the harness speaks the schema). */
export function checkHarnessMessage(value: unknown): Checked<HarnessMessage> {
  return check(harnessMessage, value, ['packet', 'call', 'advance']);
}

function check<T>(validate: ValidateFunction<T>, value: unknown, types: readonly string[]): Checked<T> {
  if (validate(value)) return { ok: true, message: value };
  return { ok: false, problem: explain(validate.errors ?? [], types) };
}

const MAX_PROBLEMS = 3;

/** The first few errors, each as a phrase, joined: "lacks the field \"id\"; has an unknown field \"foo\"". */
export function explain(errors: readonly ErrorObject[], types: readonly string[]): string {
  const phrases: string[] = [];
  const missing: string[] = [];
  for (const error of errors) {
    const phrase = phraseFor(error, types, missing);
    if (phrase !== undefined && !phrases.includes(phrase)) phrases.push(phrase);
  }
  if (missing.length > 0) phrases.unshift(`lacks the field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (phrases.length === 0) return 'does not match the protocol schema';
  return phrases.slice(0, MAX_PROBLEMS).join('; ');
}

/** One phrase for one ajv error; missing fields are gathered into `missing` to be named together. */
function phraseFor(error: ErrorObject, types: readonly string[], missing: string[]): string | undefined {
  const where = error.instancePath === '' ? '' : `field ${JSON.stringify(error.instancePath.slice(1).replaceAll('/', '.'))} `;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      missing.push(JSON.stringify(`${error.instancePath === '' ? '' : `${error.instancePath.slice(1).replaceAll('/', '.')}.`}${String(params.missingProperty)}`));
      return undefined;
    case 'additionalProperties':
      return `${where}has an unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'discriminator': {
      const tag = String(params.tag);
      if (params.error === 'tag') return `${where}lacks a string "${tag}"`;
      const allowed = tag === 'type' ? `: expected one of ${types.join(', ')}` : '';
      return `${where}has ${tag} ${JSON.stringify(params.tagValue)}, which is not one the protocol knows${allowed}`;
    }
    case 'false schema':
      return `${where.trimEnd() || 'the message'} is not allowed here`;
    case 'if':
      // A summary of the then/else errors reported beside it.
      return undefined;
    case 'oneOf':
      return error.instancePath === '' ? undefined : `${where}has none of the allowed forms`;
    default:
      return `${where}${error.message ?? 'is invalid'}`;
  }
}
