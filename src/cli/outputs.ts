/**
 * The reporters that write to disk and to the terminal. Results are appended to `results.jsonl` and
 * each case's pcap written the moment the case ends, so a run killed half-way keeps what it finished;
 * the HTML is rendered from those results at the end (or on interruption).
 */
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CaseResult, Verdict } from '../runner/result';
import type { Reporter } from '../runner/run-suite';
import { renderHtmlReport } from '../report/html';
import { casePcap } from '../report/pcap';
import { caseSlug } from '../report/slug';

export const RESULTS_FILE = 'results.jsonl';

function writeFile(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Results as JSON lines plus a pcap per case, written as each case ends. */
export function resultsFileReporter(outDir: string): Reporter {
  const resultsPath = join(outDir, RESULTS_FILE);
  return {
    onRunStart() {
      // A report folder holds one run: stale pages of cases no longer selected would mislead.
      for (const stale of [RESULTS_FILE, 'index.html', 'cases', 'pcap']) rmSync(join(outDir, stale), { recursive: true, force: true });
      writeFile(resultsPath, '');
    },
    onCaseEnd(result) {
      appendFileSync(resultsPath, `${JSON.stringify(result)}\n`);
      writeFile(join(outDir, 'pcap', `${caseSlug(result.id)}.pcap`), casePcap(result));
    },
  };
}

/** Every result in a results file; a torn last line (a run killed mid-write) is left out. */
export function readResults(outDir: string): CaseResult[] {
  const lines = readFileSync(join(outDir, RESULTS_FILE), 'utf8').split('\n').filter((line) => line.trim() !== '');
  const results: CaseResult[] = [];
  for (const line of lines) {
    try {
      results.push(JSON.parse(line) as CaseResult);
    } catch {
      // Only the last line can be torn; what parsed before it is kept.
    }
  }
  return results;
}

export function writeHtmlReport(outDir: string, results: readonly CaseResult[]): string {
  for (const file of renderHtmlReport(results)) writeFile(join(outDir, file.path), file.content);
  return join(outDir, 'index.html');
}

export function htmlReporter(outDir: string): Reporter {
  return { onRunEnd: (results) => void writeHtmlReport(outDir, results) };
}

const LABEL: Readonly<Record<Verdict, string>> = { pass: 'PASS ', fail: 'FAIL ', error: 'ERROR', skip: 'SKIP ' };

/** One plain line per finished case, and a summary; the lines are the same on a terminal and in CI. */
export function consoleReporter(write: (line: string) => void): Reporter {
  return {
    onRunStart({ target, cases }) {
      write(`tcpconform: ${cases} case(s) on the ${target} target`);
    },
    onCaseEnd(result) {
      write(`${LABEL[result.verdict]} ${result.id} (${result.durationMs.toFixed(0)} ms)`);
      if (result.verdict !== 'pass' && result.reason) write(`       ${result.reason}`);
      if (result.divergence) {
        write(`       expected: ${result.divergence.expected}`);
        write(`       observed: ${result.divergence.observed}`);
      }
    },
    onRunEnd(results) {
      const count = (v: Verdict): number => results.filter((r) => r.verdict === v).length;
      write(`${count('pass')} passed, ${count('fail')} failed, ${count('error')} errored, ${count('skip')} skipped`);
    },
  };
}
