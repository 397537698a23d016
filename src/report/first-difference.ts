/**
 * The first place two results (or any two JSON values) differ, said in one line a person can act on:
 * which case, which step or packet, which field, and both values. Determinism tests and benchmarks
 * report this instead of two serialized results of a hundred kilobytes each.
 */

export interface Difference {
  /** Where, e.g. `case close/passive-close › trace 7 (packet from-target) › segment.flags`. */
  readonly where: string;
  readonly first: unknown;
  readonly second: unknown;
}

/** Fields compared last: the raw bytes repeat what the decoded fields before them say more plainly. */
const LAST = new Set(['hex']);
/** Fields compared first: a verdict or a reason that moved says more than the trace under it. */
const FIRST = ['id', 'target', 'verdict', 'reason', 'kind', 'direction', 'segment'];

function fieldOrder(keys: Iterable<string>): string[] {
  const all = [...new Set(keys)];
  const first = FIRST.filter((key) => all.includes(key));
  const middle = all.filter((key) => !FIRST.includes(key) && !LAST.has(key)).sort();
  return [...first, ...middle, ...all.filter((key) => LAST.has(key))];
}

/** How an element of a list is named in `where`: a case by its id, a trace event or a step by what it is. */
function elementName(value: unknown, index: number): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record['id'] === 'string' && typeof record['verdict'] === 'string') return `case ${record['id']}`;
  if (record['kind'] === 'packet') return `trace ${index} (packet ${String(record['direction'])})`;
  if (typeof record['kind'] === 'string' && 'timeMs' in record) return `trace ${index} (${record['kind']})`;
  if (typeof record['text'] === 'string' && typeof record['line'] === 'number') return `step ${index} (line ${record['line']}: ${record['text']})`;
  return undefined;
}

/**
 * A place in the values: named elements (`case x`, `trace 7 (...)`) open a new part, joined by ` › `;
 * fields within a part are joined by dots, and unnamed elements are indexes (`options[2]`).
 */
class Where {
  constructor(private readonly parts: readonly string[] = [], private readonly current = '') {}

  element(name: string | undefined, index: number): Where {
    if (name === undefined) return new Where(this.parts, `${this.current}[${index}]`);
    // The list's own field name (trace, steps) says less than the element's name, which replaces it.
    const field = this.current.lastIndexOf('.');
    const before = field < 0 ? '' : this.current.slice(0, field);
    return new Where([...this.parts, ...(before === '' ? [] : [before])], name);
  }

  field(key: string): Where {
    if (this.current === '') return new Where(this.parts, key);
    if (this.isElement()) return new Where([...this.parts, this.current], key);
    return new Where(this.parts, `${this.current}.${key}`);
  }

  private isElement(): boolean {
    return /^(case |trace \d|step \d)/.test(this.current);
  }

  toString(): string {
    const all = [...this.parts, ...(this.current === '' ? [] : [this.current])];
    return all.length === 0 ? 'the value' : all.join(' › ');
  }
}

function walk(a: unknown, b: unknown, where: Where): Difference | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const found = walk(a[i], b[i], where.element(elementName(a[i], i), i));
      if (found) return found;
    }
    if (a.length !== b.length) return { where: where.field('length').toString(), first: a.length, second: b.length };
    return undefined;
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of fieldOrder([...Object.keys(left), ...Object.keys(right)])) {
      const found = walk(left[key], right[key], where.field(key));
      if (found) return found;
    }
    return undefined;
  }
  return { where: where.toString(), first: a, second: b };
}

/** The first difference between `a` and `b`, in a stable order of fields; undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown): Difference | undefined {
  return walk(a, b, new Where());
}

const shown = (value: unknown): string => {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** `case x › trace 7 (packet from-target) › segment.flags: "A" in the first, "FA" in the second` */
export function differenceText(difference: Difference, names: readonly [string, string] = ['the first', 'the second']): string {
  return `${difference.where}: ${shown(difference.first)} in ${names[0]}, ${shown(difference.second)} in ${names[1]}`;
}
