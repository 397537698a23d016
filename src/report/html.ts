/**
 * The HTML report, rendered from results alone: an index with counts and one row per case, and a
 * page per case with its steps (expected beside observed) and the exchange. Every string that came
 * from a target goes through handlebars' `{{…}}`, which escapes it; `{{{…}}}` is used only for the
 * page body this module rendered itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { lateText } from '../runner/lateness';
import { runOf, VERDICTS, type CaseResult, type IsnReport, type TargetInfo, type TraceEvent } from '../runner/result';
import { icmpText } from '../runner/summary';
import { casePagePath, casePcapPath } from './paths';
import { countVerdicts, groupBy, inReportOrder, matrix, requirementTable, targetsOf, worstVerdict, type VerdictCounts } from './summary';
import { ALL_RULES, describeRule } from '../reference';
import { renderLadder } from './ladder';

/** Which of the reference machine's rules the run's cases made it apply. */
function ruleCoverage(results: readonly CaseResult[]) {
  const reached = new Set(results.flatMap((r) => r.rules ?? []));
  const unreached = ALL_RULES.filter((rule) => !reached.has(rule)).map((rule) => ({ rule, description: describeRule(rule) }));
  return { reached: ALL_RULES.length - unreached.length, total: ALL_RULES.length, unreached };
}

const handlebars = Handlebars.create();
// The templates sit beside this module: in src/ as written, in dist/ where scripts/build copies them.
const template = (name: string) =>
  handlebars.compile(readFileSync(join(__dirname, 'templates', `${name}.hbs`), 'utf8'), { strict: false });
const layout = template('layout');
const indexPage = template('index');
const casePage = template('case');

export interface RenderedFile {
  /** Relative to the report folder. */
  readonly path: string;
  readonly content: string;
}

function durationText(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

function eventRow(event: TraceEvent) {
  const time = event.timeMs.toFixed(3);
  switch (event.kind) {
    case 'packet':
      return {
        time,
        direction: event.direction,
        arrow: event.direction === 'to-target' ? 'peer → target' : 'peer ← target',
        segment: event.segment,
        text: event.icmp ? icmpText(event.icmp) : (event.note ?? ''),
        reference: event.reference ?? '',
      };
    case 'app-call': {
      const r = event.result;
      const outcome = r.ok
        ? `ok${r.bytes !== undefined ? `, ${r.bytes} octets` : ''}${r.eof ? ', end of file' : ''}${r.atMark !== undefined ? `, ${r.atMark ? 'at' : 'not at'} the urgent mark` : ''}`
        : `failed: ${r.error}`;
      return { time, arrow: 'target app', text: `${JSON.stringify(event.call)} → ${outcome}`, reference: event.reference ?? '' };
    }
    case 'app-event':
      return { time, arrow: 'target app', text: `event ${JSON.stringify(event.event)}` };
  }
}

/** What a failing (or erroring) case page says first: what went wrong, where, and what it breaks. */
function finding(result: CaseResult) {
  if (result.verdict !== 'fail' && result.verdict !== 'error') return undefined;
  const d = result.divergence;
  const step = d && result.steps.find((s) => s.index === d.step);
  const fields = d?.mismatches.filter((m) => !m.field.startsWith('RFC'));
  return {
    verdict: result.verdict,
    step: d?.step,
    stepText: step?.text,
    where: d ? `${d.file}:${d.line}` : undefined,
    expected: d?.expected,
    observed: d?.observed,
    mismatches: fields,
    // The reference machine's message says why in words; a case's own mismatch message only repeats the fields.
    message: d && fields && fields.length > 0 ? undefined : (step?.message ?? result.reason),
    requirements: result.spec.requirements.join(', '),
    sections: result.spec.rfc9293.map((s) => `§${s}`).join(', '),
    level: result.level,
  };
}

/** "lwip 2.1.3 · virtual clock · ipv4": a target as it described itself, in one line. */
function targetText(info: TargetInfo): string {
  return [info.stack && `${info.stack.name} ${info.stack.version}`, `${info.clock} clock`, info.families.join(', ')].filter(Boolean).join(' · ');
}

/** Each target as it described itself (in its first result that says), for the index's table of targets. */
function targetDescriptions(results: readonly CaseResult[], targets: readonly string[]) {
  return targets.flatMap((target) => {
    const info = results.find((r) => runOf(r) === target && r.targetInfo)?.targetInfo;
    if (!info) return [];
    return [{ target, stack: info.stack ? `${info.stack.name} ${info.stack.version}` : '—', clock: info.clock, families: info.families.join(', '), appCalls: info.appCalls.join(', '), notes: info.notes ?? [] }];
  });
}

/** An isn step's samples and statistics as the case page shows them: each ISN with its step from the one before. */
function isnView(report: IsnReport) {
  const samples = report.samples.map((sample, i) => {
    const before = report.samples[i - 1];
    const step = before === undefined ? '' : ((((sample.isn - before.isn) % 2 ** 32) + 2 ** 32 + 2 ** 31) % 2 ** 32) - 2 ** 31;
    return {
      ...sample,
      number: i + 1,
      time: sample.atMs.toFixed(1),
      hex: sample.isn.toString(16).padStart(8, '0'),
      step: step === '' ? '' : step.toLocaleString('en-US'),
    };
  });
  return { ...report, samples };
}

function renderCase(result: CaseResult): RenderedFile {
  const path = casePagePath(runOf(result), result.id);
  const body = casePage({
    ...result,
    home: '../../index.html',
    pcap: `../../${casePcapPath(runOf(result), result.id)}`,
    pcapName: casePcapPath(runOf(result), result.id).split('/').pop(),
    duration: durationText(result.durationMs),
    targetText: result.targetInfo && targetText(result.targetInfo),
    sections: result.spec.rfc9293.join(', §'),
    requirements: result.spec.requirements.join(', '),
    tags: result.tags.join(', '),
    sysctl: result.sysctl && Object.entries(result.sysctl).map(([name, value]) => `${name} = ${value}`).join(', '),
    harnessLate: result.harnessLate && lateText(result.harnessLate),
    earlierRuns: result.earlierRuns?.map((run) => ({ reason: run.reason, late: lateText(run.harnessLate) })),
    steps: result.steps.map((step) => ({ ...step, diverged: result.divergence?.step === step.index })),
    events: result.trace.map(eventRow),
    finding: finding(result),
    isn: result.isn && isnView(result.isn),
    // SVG text the ladder module built itself, every string in it escaped there.
    ladder: renderLadder(result)?.svg,
  });
  return { path, content: layout({ title: `${result.id} on ${runOf(result)}`, body }) };
}

/** "12 pass · 1 fail": the non-zero counts of a group, worst first. */
function countsText(counts: VerdictCounts): string {
  return VERDICTS.filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${v}`).join(' · ');
}

function groupRows(results: readonly CaseResult[], targets: readonly string[], keyOf: (r: CaseResult) => string, label: (key: string) => string) {
  const keys = groupBy(results, keyOf).map((g) => g.key);
  return keys.map((key) => ({
    label: label(key),
    cells: targets.map((target) => {
      const members = results.filter((r) => runOf(r) === target && keyOf(r) === key);
      return { worst: worstVerdict(members.map((r) => r.verdict)), text: countsText(countVerdicts(members)) };
    }),
  }));
}

/** Every failing or erroring result, case by case: what broke, on which target, and what it breaks. */
function failures(results: readonly CaseResult[]) {
  return results
    .filter((r) => r.verdict === 'fail' || r.verdict === 'error')
    .sort((a, b) => a.id.localeCompare(b.id) || runOf(a).localeCompare(runOf(b)))
    .map((r) => {
      const d = r.divergence;
      const step = d && r.steps.find((s) => s.index === d.step);
      return {
        id: r.id,
        target: runOf(r),
        verdict: r.verdict,
        href: casePagePath(runOf(r), r.id),
        level: r.level,
        requirements: r.spec.requirements.join(', '),
        sections: r.spec.rfc9293.map((s) => `§${s}`).join(' '),
        where: d ? `${d.file}:${d.line}` : '',
        stepText: step?.text ?? '',
        expected: d?.expected ?? '',
        observed: d?.observed ?? '',
        message: d ? (step?.message ?? '') : (r.reason ?? ''),
      };
    });
}

function renderIndex(results: readonly CaseResult[]): RenderedFile {
  const targets = targetsOf(results);
  const started = Math.min(...results.map((r) => r.startedAt));
  const ended = Math.max(...results.map((r) => r.startedAt + r.durationMs));
  const body = indexPage({
    total: results.length,
    targets,
    targetCount: targets.length,
    targetList: targets.join(', '),
    single: targets.length === 1,
    startedAt: results.length > 0 ? new Date(started).toISOString() : '—',
    duration: results.length > 0 ? durationText(ended - started) : '—',
    verdictNames: VERDICTS,
    totals: targets.map((target) => {
      const counts = countVerdicts(results.filter((r) => runOf(r) === target));
      return { target, counts: VERDICTS.map((v) => counts[v]), total: counts.total };
    }),
    groups: [
      ...groupRows(results, targets, (r) => r.area, (area) => `area: ${area}`),
      ...groupRows(results, targets, (r) => r.level, (level) => `level: ${level}`),
    ],
    requirements: requirementTable(results, targets).map((row) => ({ ...row, cases: row.cases.join(', ') })),
    rules: ruleCoverage(results),
    failures: failures(results),
    targetDescriptions: targetDescriptions(results, targets),
    profiles: targets.flatMap((target) => {
      const profile = results.find((r) => runOf(r) === target && r.profile)?.profile;
      return profile ? [{ target, ...profile }] : [];
    }),
    rows: matrix(results, targets).map((row) => {
      const first = row.cells.find((c) => c !== undefined);
      return {
        ...row,
        sections: first ? first.spec.rfc9293.map((s) => `§${s}`).join(' ') : '',
        requirements: first ? first.spec.requirements.join(', ') : '',
        reason: first?.reason ?? '',
        cells: row.cells.map((cell) =>
          cell ? { verdict: cell.verdict, reason: cell.reason ?? '', href: casePagePath(runOf(cell), cell.id) } : {},
        ),
      };
    }),
  });
  return { path: 'index.html', content: layout({ title: `report: ${targets.join(', ')}`, body }) };
}

/** Every page of the report, for the caller to write. */
export function renderHtmlReport(results: readonly CaseResult[]): RenderedFile[] {
  const ordered = inReportOrder(results);
  return [renderIndex(ordered), ...ordered.map(renderCase)];
}
