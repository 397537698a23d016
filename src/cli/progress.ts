/**
 * What a person sees while a run goes on. On a terminal: one live line (cases done out of the total,
 * failures so far, elapsed time) with each failure printed above it as it happens, then a summary
 * table. In CI (no terminal, or CI=true): plain lines, one per finished case, which logs keep well.
 */
import type { CaseResult, Verdict } from '../runner/result';
import type { Reporter } from '../runner/run-suite';
import { countVerdicts, groupBy } from '../report/summary';
import { familyOf, runOf, VERDICTS } from '../runner/result';

const LABEL: Readonly<Record<Verdict, string>> = { pass: 'PASS  ', fail: 'FAIL  ', error: 'ERROR ', skip: 'SKIP  ', waived: 'WAIVED' };

/** The lines that explain a result that did not pass. */
function detailLines(result: CaseResult): string[] {
  const lines: string[] = [];
  if (result.verdict !== 'pass' && result.reason) lines.push(`        ${result.reason}`);
  if (result.divergence) {
    lines.push(`        expected: ${result.divergence.expected}`);
    lines.push(`        observed: ${result.divergence.observed}`);
  }
  return lines;
}

function caseLine(result: CaseResult, targets: number): string {
  const on = targets > 1 || familyOf(result) !== 'ipv4' ? ` [${runOf(result)}]` : '';
  const runs = result.earlierRuns?.length ? `, run ${result.earlierRuns.length + 1} times: the harness was late` : '';
  return `${LABEL[result.verdict]} ${result.id}${on} (${result.durationMs.toFixed(0)} ms${runs})`;
}

/** "12 passed, 1 failed, 0 skipped" first, as test runners print it; the other verdicts after. */
export function summaryLine(results: readonly CaseResult[]): string {
  const c = countVerdicts(results);
  return `${c.pass} passed, ${c.fail} failed, ${c.skip} skipped, ${c.error} errored, ${c.waived} waived`;
}

function summaryTable(results: readonly CaseResult[]): string[] {
  const rows = groupBy(results, (r) => `${runOf(r)} ${r.area}`);
  const width = Math.max(12, ...rows.map((r) => r.key.length));
  const header = `${'target area'.padEnd(width)} ${VERDICTS.map((v) => v.padStart(7)).join('')}`;
  return [header, ...rows.map((row) => `${row.key.padEnd(width)} ${VERDICTS.map((v) => String(row.counts[v]).padStart(7)).join('')}`)];
}

export function plainProgress(write: (line: string) => void): Reporter {
  let targets = 1;
  return {
    onRunStart({ target, cases }) {
      targets = target.split(',').length;
      write(`tcpconform: ${cases} case(s) on ${target}`);
    },
    onCaseEnd(result) {
      write(caseLine(result, targets));
      for (const line of detailLines(result)) write(line);
    },
    onRunEnd(results) {
      write(summaryLine(results));
    },
  };
}

export function liveProgress(stream: NodeJS.WriteStream, now: () => number = Date.now): Reporter {
  let total = 0;
  let done = 0;
  let failed = 0;
  let errored = 0;
  let targets = 1;
  const started = now();
  const status = (): string =>
    `[${String(done).padStart(String(total).length)}/${total}] ${failed} failed · ${errored} errored · ${((now() - started) / 1000).toFixed(1)}s`;
  const redraw = (): void => void stream.write(`\r\x1b[K${status()}`);
  const timer = setInterval(redraw, 250);
  timer.unref();
  return {
    onRunStart({ target, cases }) {
      total = cases;
      targets = target.split(',').length;
      redraw();
    },
    onCaseEnd(result) {
      done++;
      if (result.verdict === 'fail') failed++;
      if (result.verdict === 'error') errored++;
      if (result.verdict === 'fail' || result.verdict === 'error') {
        stream.write(`\r\x1b[K${[caseLine(result, targets), ...detailLines(result)].join('\n')}\n`);
      }
      redraw();
    },
    onRunEnd(results) {
      clearInterval(timer);
      stream.write(`\r\x1b[K${[...summaryTable(results), summaryLine(results)].join('\n')}\n`);
    },
  };
}
