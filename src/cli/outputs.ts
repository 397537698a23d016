/**
 * Everything a run writes to its report folder. Results are appended to `results.jsonl` and each
 * case's pcap written the moment the case ends, so a run killed half-way keeps what it finished; the
 * HTML, the JUnit XML and the whole-run pcap are rendered from those results at the end (or on
 * interruption, or later by `tcpconform report`).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runOf, type CaseResult } from '../runner/result';
import type { Reporter } from '../runner/run-suite';
import { renderHtmlReport } from '../report/html';
import { renderJunit } from '../report/junit';
import { casePcap, runPcap } from '../report/pcap';
import { casePcapPath, RUN_PCAP } from '../report/paths';

export const RESULTS_FILE = 'results.jsonl';
export const JUNIT_FILE = 'junit.xml';

function writeFile(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Empties what a previous run left in the folder: stale pages of cases no longer selected would mislead. */
function clearReport(outDir: string): void {
  for (const stale of [RESULTS_FILE, JUNIT_FILE, 'index.html', 'cases', 'pcap']) rmSync(join(outDir, stale), { recursive: true, force: true });
}

/** Results as JSON lines plus a pcap per case, written as each case ends. */
export function resultsFileReporter(outDir: string): Reporter {
  const resultsPath = join(outDir, RESULTS_FILE);
  return {
    onRunStart() {
      clearReport(outDir);
      writeFile(resultsPath, '');
    },
    onCaseEnd(result) {
      appendFileSync(resultsPath, `${JSON.stringify(result)}\n`);
      writeFile(join(outDir, casePcapPath(runOf(result), result.id)), casePcap(result));
    },
  };
}

/** The results file of a report folder, or the file itself. */
export function resultsPathOf(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? join(path, RESULTS_FILE) : path;
}

/**
 * Every result in a results file (or a report folder's). A torn last line — a run killed in the middle
 * of writing it — is left out; any other line that does not parse is an error naming file and line.
 */
export function readResults(path: string): CaseResult[] {
  const file = resultsPathOf(path);
  const lines = readFileSync(file, 'utf8').split('\n');
  const results: CaseResult[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      results.push(JSON.parse(line) as CaseResult);
    } catch {
      const isLast = lines.slice(i + 1).every((rest) => rest.trim() === '');
      if (!isLast) throw new Error(`${file}:${i + 1}: not a JSON result line`);
    }
  });
  return results;
}

/** The rendered parts of a report: HTML pages, JUnit XML, the whole-run pcap. Returns the index path. */
export function writeRenderedReport(outDir: string, results: readonly CaseResult[]): string {
  for (const file of renderHtmlReport(results)) writeFile(join(outDir, file.path), file.content);
  writeFile(join(outDir, JUNIT_FILE), renderJunit(results));
  writeFile(join(outDir, RUN_PCAP), runPcap(results));
  return join(outDir, 'index.html');
}

/** A whole report from results alone: for `report` and `merge`, which have no run behind them. */
export function writeReportFromResults(outDir: string, results: readonly CaseResult[]): string {
  clearReport(outDir);
  writeFile(join(outDir, RESULTS_FILE), results.map((r) => `${JSON.stringify(r)}\n`).join(''));
  for (const r of results) writeFile(join(outDir, casePcapPath(runOf(r), r.id)), casePcap(r));
  return writeRenderedReport(outDir, results);
}

export function renderedReportReporter(outDir: string): Reporter {
  return { onRunEnd: (results) => void writeRenderedReport(outDir, results) };
}

/** Each result as one JSON line on stdout, for other tools (`--json`). */
export function jsonLinesReporter(write: (line: string) => void): Reporter {
  return { onCaseEnd: (result) => write(JSON.stringify(result)) };
}
