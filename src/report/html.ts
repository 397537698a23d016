/**
 * The HTML report, rendered from results alone: an index with counts and one row per case, and a
 * page per case with its steps (expected beside observed) and the exchange. Every string that came
 * from a target goes through handlebars' `{{…}}`, which escapes it; `{{{…}}}` is used only for the
 * page body this module rendered itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { CaseResult, TraceEvent, Verdict } from '../runner/result';
import { caseSlug } from './slug';

const handlebars = Handlebars.create();
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

const VERDICT_ORDER: readonly Verdict[] = ['fail', 'error', 'pass', 'skip'];

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
        text: event.note ?? '',
      };
    case 'app-call': {
      const outcome = event.result.ok ? `ok${event.result.bytes !== undefined ? `, ${event.result.bytes} octets` : ''}` : `failed: ${event.result.error}`;
      return { time, arrow: 'target app', text: `${JSON.stringify(event.call)} → ${outcome}` };
    }
    case 'app-event':
      return { time, arrow: 'target app', text: `event ${JSON.stringify(event.event)}` };
  }
}

function renderCase(result: CaseResult): RenderedFile {
  const slug = caseSlug(result.id);
  const body = casePage({
    ...result,
    slug,
    duration: durationText(result.durationMs),
    sections: result.spec.rfc9293.join(', §'),
    requirements: result.spec.requirements.join(', '),
    tags: result.tags.join(', '),
    steps: result.steps.map((step) => ({ ...step, diverged: result.divergence?.step === step.index })),
    events: result.trace.map(eventRow),
  });
  return { path: `cases/${slug}.html`, content: layout({ title: result.id, body }) };
}

function renderIndex(results: readonly CaseResult[]): RenderedFile {
  const counts = VERDICT_ORDER.map((verdict) => ({ verdict, count: results.filter((r) => r.verdict === verdict).length }))
    .filter((c) => c.count > 0);
  const started = Math.min(...results.map((r) => r.startedAt));
  const ended = Math.max(...results.map((r) => r.startedAt + r.durationMs));
  const targets = [...new Set(results.map((r) => r.target))].join(', ');
  const body = indexPage({
    target: targets,
    total: results.length,
    startedAt: results.length > 0 ? new Date(started).toISOString() : '—',
    duration: results.length > 0 ? durationText(ended - started) : '—',
    counts,
    cases: results.map((r) => ({
      ...r,
      slug: caseSlug(r.id),
      sections: r.spec.rfc9293.map((s) => `§${s}`).join(' '),
      requirements: r.spec.requirements.join(', '),
    })),
  });
  return { path: 'index.html', content: layout({ title: `report: ${targets}`, body }) };
}

/** Every page of the report, for the caller to write. */
export function renderHtmlReport(results: readonly CaseResult[]): RenderedFile[] {
  return [renderIndex(results), ...results.map(renderCase)];
}
