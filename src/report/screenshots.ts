/**
 * Headless Chromium for looking at a report: Debian's `chromium` driven by playwright-core (a
 * devDependency; npm never downloads a browser), and PNGs of a report's index and of one failing
 * case page, for the README and for anyone reviewing what the report shows.
 *
 *   scripts/screenshots REPORT_DIR [OUT_DIR]   (OUT_DIR defaults to REPORT_DIR/screenshots)
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { runOf, type CaseResult } from '../runner/result';
import { casePagePath } from './paths';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * The flags this closed network needs: without the background-networking ones Chromium tries to
 * reach Google's hosts at every start and gets refused, many times over.
 */
const QUIET_FLAGS = [
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--metrics-recording-only',
];

/** Debian's Chromium, headless; a clear error naming the package when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/setup, or apt-get install chromium (Debian's build; npm never downloads a browser)`);
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: QUIET_FLAGS });
}

/** The first failing case in a report's results (else the first erroring one), for its page. */
export function failingCasePage(reportDir: string): string | undefined {
  const results = readFileSync(join(reportDir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CaseResult);
  const chosen = results.find((r) => r.verdict === 'fail') ?? results.find((r) => r.verdict === 'error');
  return chosen && casePagePath(runOf(chosen), chosen.id);
}

/** Writes `index.png` and, when a case failed, `case.png` (full pages) into `outDir`; returns their paths. */
export async function screenshotReport(reportDir: string, outDir: string): Promise<string[]> {
  const index = join(reportDir, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} does not exist: give the folder a run wrote its report to`);
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const written: string[] = [];
    const shoot = async (file: string, name: string) => {
      await page.goto(pathToFileURL(resolve(file)).href);
      const path = join(outDir, name);
      await page.screenshot({ path, fullPage: true });
      written.push(path);
    };
    await shoot(index, 'index.png');
    const failing = failingCasePage(reportDir);
    if (failing) await shoot(join(reportDir, failing), 'case.png');
    return written;
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  const [reportDir, outDir] = process.argv.slice(2);
  if (!reportDir) {
    process.stderr.write('usage: scripts/screenshots REPORT_DIR [OUT_DIR]\n');
    process.exit(2);
  }
  screenshotReport(reportDir, outDir ?? join(reportDir, 'screenshots')).then(
    (paths) => paths.forEach((p) => process.stdout.write(`${p}\n`)),
    (error: unknown) => {
      process.stderr.write(`screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
