/**
 * `tcpconform mutate`'s page and text: the score overall, per area and per rule, the surviving mutants
 * first with what each does in words, then the killed ones with the cases that killed them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { MutationReport } from '../mutate/mutate';
import type { MutantResult, Tally } from '../mutate/score';

const handlebars = Handlebars.create();
const template = (name: string) => handlebars.compile(readFileSync(join(__dirname, 'templates', `${name}.hbs`), 'utf8'), { strict: false });
const layout = template('layout');
const page = template('mutation');

/** `96.2%`, or `—` when no mutant counts. */
export function percent(score: number | undefined): string {
  return score === undefined ? '—' : `${score.toFixed(1)}%`;
}

const tallyRow = (t: Tally & { key: string }) => ({ ...t, score: percent(t.score), weak: t.survived > 0 });

function mutantRow(m: MutantResult) {
  return {
    ...m,
    reach: m.reachedBy === 0 ? 'no case reaches it' : `${m.reachedBy} case(s) reach it`,
    kills: m.killedBy.map((k) => k.caseId).join(', '),
  };
}

export function renderMutationPage(report: MutationReport): string {
  const body = page({
    ...report,
    score: percent(report.overall.score),
    seconds: (report.wallMs / 1000).toFixed(1),
    caseCount: report.cases.ran.length,
    mutantCount: report.mutants.length,
    survivors: report.mutants.filter((m) => m.status === 'survived').map(mutantRow),
    killed: report.mutants.filter((m) => m.status === 'killed').map(mutantRow),
    equivalents: report.mutants.filter((m) => m.status === 'equivalent'),
    listedWrongly: report.mutants.filter((m) => m.listedEquivalent !== undefined),
    byArea: report.byArea.map(tallyRow),
    byRule: report.byRule.map(tallyRow),
  });
  return layout({ title: `mutate: ${report.profile}`, body });
}

/** The report as lines for a terminal: the score, the areas, the survivors with their words. */
export function mutationText(report: MutationReport): string[] {
  const { overall } = report;
  const lines = [
    `${report.cases.ran.length} case(s) against ${report.mutants.length} mutants of the reference machine (profile ${report.profile}) in ${(report.wallMs / 1000).toFixed(1)} s`,
    `score ${percent(overall.score)}: ${overall.killed} killed, ${overall.survived} survived, ${overall.equivalent} equivalent (not counted)`,
  ];
  if (report.cases.skipped.length > 0) lines.push(`${report.cases.skipped.length} case(s) skipped with this profile (written for other values)`);
  lines.push('', 'by area:');
  for (const area of report.byArea) lines.push(`  ${area.key.padEnd(40)} ${percent(area.score).padStart(6)}  ${area.killed} killed, ${area.survived} survived`);
  const survivors = report.mutants.filter((m) => m.status === 'survived');
  if (survivors.length > 0) {
    lines.push('', `survivors (${survivors.length}): defects no selected case tells apart`);
    for (const m of survivors) {
      lines.push(`  ${m.id}`, `      ${m.words}`, `      changes ${m.changes}; ${m.reachedBy === 0 ? 'no case reaches it' : `${m.reachedBy} case(s) reach it, none fails`}`);
    }
  }
  for (const m of report.mutants.filter((r) => r.listedEquivalent !== undefined)) {
    lines.push('', `listed as equivalent but killed by ${m.killedBy[0]?.caseId}: ${m.id} (fix src/mutate/equivalents.yaml)`);
  }
  return lines;
}
