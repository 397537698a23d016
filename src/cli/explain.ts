/**
 * `tcpconform explain CASE`: a case as written, and the exchange the reference machine predicts for it.
 * No target is involved: the case runs on the reference target, with the reference machine beside it
 * as in every run, and what they said to each other is printed as a ladder.
 */
import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import picomatch from 'picomatch';
import type { Case } from '../suite/case';
import { profileIn } from '../runner/families';
import { runCase } from '../runner/run-case';
import type { CaseResult } from '../runner/result';
import { stepText } from '../runner/step-text';
import { describeRule, type Rule } from '../reference';
import { createReferenceTarget } from '../targets/reference';
import type { TargetProfile } from '../profile/parse';
import { isnLines, ladderLines } from './text-ladder';
import { loadSuites, type LoadedSuite } from './load-suites';

/** The case `what` names (a case file, or an id or id glob in `suites`), or why there is none. */
export function findCase(what: string, suites: readonly string[]): { case: Case; suite: LoadedSuite } | { problem: string; suite?: LoadedSuite } {
  if (existsSync(what)) {
    if (!statSync(what).isFile()) return { problem: `${what} is a folder: give one case file, or a case id` };
    const suite = loadSuites([what]);
    const found = suite.cases[0];
    return found ? { case: found, suite } : { problem: `${what} holds no valid case`, suite };
  }
  const suite = loadSuites(suites);
  const exact = suite.cases.find((c) => c.id === what);
  if (exact) return { case: exact, suite };
  const matching = suite.cases.filter((c) => picomatch(what)(c.id));
  if (matching.length === 1 && matching[0]) return { case: matching[0], suite };
  if (matching.length > 1) {
    const shown = matching.slice(0, 8).map((c) => c.id).join(', ');
    const more = matching.length > 8 ? ` and ${matching.length - 8} more` : '';
    return { problem: `'${what}' matches ${matching.length} cases: ${shown}${more}; name one (tcpconform list --id '${what}' shows them all)`, suite };
  }
  // Ids that hold what was typed (a name without its area, say): only for a few, and not for a letter or two.
  const near = what.length < 4 ? [] : suite.cases.filter((c) => c.id.includes(what)).map((c) => c.id);
  const hint = near.length > 0 && near.length <= 5 ? `; did you mean ${near.join(' or ')}?` : '; tcpconform list shows the ids';
  // Folders as the user would type them from here: tcpconform's own suites/ is given as an absolute path.
  const where = suites.map((folder) => relative(process.cwd(), folder) || folder).join(', ');
  return { problem: `no file ${what}, and no case with that id in ${where}${hint}`, suite };
}

/** Runs `testCase` on the reference target with `profile`, as `validate` does: over IPv4, or the family the case names. */
export async function predictExchange(testCase: Case, profile: TargetProfile): Promise<CaseResult> {
  const family = testCase.family ?? 'ipv4';
  const values = profileIn(profile.profile, family, profile.ipv6Mss?.value);
  const target = await createReferenceTarget(values, family);
  try {
    return await runCase(testCase, target, values);
  } finally {
    await target.close();
  }
}

/** `text` in lines of at most `width` characters, each starting with `indent`. */
function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

/** The case as written: what it is, what it proves, and its steps with the lines they are on. */
export function caseLines(testCase: Case): string[] {
  const c = testCase;
  const lines = [
    `${c.id}  ${c.level}`,
    ...wrap(c.title, 100, '  '),
    '',
    `  file          ${c.source.file}:${c.source.line}`,
    `  RFC 9293      ${c.spec.rfc9293.map((s) => `§${s}`).join(' ')}`,
    `  requirements  ${c.spec.requirements.join(', ') || '—'}`,
    `  level         ${c.level}`,
    `  tags          ${c.tags.join(', ') || '—'}`,
  ];
  if (c.description !== undefined) lines.push('', ...wrap(c.description, 100, '  '));
  lines.push('', 'Steps (file line, step):');
  const width = Math.max(...c.steps.map((s) => String(s.source.line).length), 4);
  for (const step of c.steps) {
    // A preamble's steps live in another file: say which.
    const where = step.source.file === c.source.file ? String(step.source.line).padStart(width) : `${step.source.file}:${step.source.line}`;
    lines.push(`  ${where}  ${stepText(step)}`);
  }
  return lines;
}

/** The whole explanation: the case, the predicted exchange, and the rules of RFC 9293 it rests on. */
export function explanationLines(testCase: Case, result: CaseResult, profile: TargetProfile): string[] {
  const lines = caseLines(testCase);
  const profileNote = profile.name === 'rfc9293' ? "RFC 9293's own profile" : profile.file;
  lines.push('', `The exchange the reference machine predicts (${profileNote}, virtual clock):`, '');
  lines.push(...ladderLines(result.trace).map((line) => `  ${line}`));
  lines.push('', '  peer ──▶  the peer (tcpconform) to the target    ◀──  the target (here the reference machine) to the peer');
  lines.push('  seq and ack are relative to each side\'s ISN; state is the reference machine\'s after the row');
  if (result.isn) lines.push('', 'The initial sequence numbers it chose, and their statistics:', ...isnLines(result.isn).map((line) => `  ${line}`));
  if (result.verdict !== 'pass') {
    lines.push('', `The case does not pass on the reference machine (${result.verdict}): ${result.reason ?? ''}`);
  }
  const rules = result.rules ?? [];
  lines.push('', `Rules the reference machine applied (${rules.length}):`);
  const width = Math.max(0, ...rules.map((r) => r.length));
  for (const rule of rules) lines.push(`  ${rule.padEnd(width)}  ${describeRule(rule as Rule)}`);
  return lines;
}
