/**
 * A case generated from a declared matrix: the same question asked in many states (a RST, a SYN, a
 * FIN in each of them). `matrix: { state: [established, close-wait] }` makes one case per value, with
 * `${state}` replaced in every string of the file — the id first, so each generated case has a stable
 * id of its own and shows in reports like any other.
 */

export type Matrix = Readonly<Record<string, readonly (string | number)[]>>;

/** Every combination of the matrix's values, in the order written. */
export function combinations(matrix: Matrix): Record<string, string>[] {
  let result: Record<string, string>[] = [{}];
  for (const [name, values] of Object.entries(matrix)) {
    result = result.flatMap((partial) => values.map((value) => ({ ...partial, [name]: String(value) })));
  }
  return result;
}

/** `data` with `${name}` replaced by the combination's value in every string, keys left alone. */
export function substitute(data: unknown, values: Readonly<Record<string, string>>): unknown {
  if (typeof data === 'string') return data.replace(/\$\{([a-z][a-zA-Z0-9]*)\}/g, (whole, name: string) => values[name] ?? whole);
  if (Array.isArray(data)) return data.map((item) => substitute(item, values));
  if (data !== null && typeof data === 'object') {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, substitute(value, values)]));
  }
  return data;
}

/** Placeholders left after substitution: names the matrix does not declare. */
export function unknownPlaceholders(data: unknown): string[] {
  const text = JSON.stringify(data);
  return [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? ''))];
}
