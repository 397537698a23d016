/**
 * The rule names: unique, each under the section that prescribes it, each fired somewhere in the machine
 * (no rule is listed that no code can reach), and described.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES, describeRule, unreachableBecause } from '../../src/reference';

const SOURCE_DIR = join(__dirname, '../../src/reference');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && entry.name !== 'rules.ts' ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('rules', () => {
  test('names are unique and start with the section of RFC 9293 (or the RFC) they come from', () => {
    expect(new Set(ALL_RULES).size).toBe(ALL_RULES.length);
    for (const rule of ALL_RULES) expect(rule).toMatch(/^(3(\.\d+)+|rfc(6298|1337|5927|1191|3168|7323|2018|5681|6928|6191|8201)\/\d+(\.\d+)*)\/[a-z0-9-]+(\/[a-z0-9-]+)*$/);
  });

  test('every rule is applied somewhere in the machine', () => {
    const code = sources(SOURCE_DIR).join('\n');
    expect(ALL_RULES.filter((rule) => !code.includes(`'${rule}'`))).toEqual([]);
  });

  test('every rule says what it decides', () => {
    for (const rule of ALL_RULES) expect(describeRule(rule).length).toBeGreaterThan(10);
  });

  test('a rule no case can reach says why, and the others say nothing', () => {
    expect(unreachableBecause('3.10.1/listen/active')).toMatch(/listen/);
    expect(unreachableBecause('3.10.7.2/syn')).toBeUndefined();
  });
});
