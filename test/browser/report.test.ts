/**
 * The HTML report in a real browser: Debian's headless Chromium driven by playwright-core, the report
 * opened from the file system as a user would open it (no server, no CDN, nothing fetched).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../../src/report/screenshots';
import { writeReportFromResults } from '../../src/cli/outputs';
import type { CaseResult } from '../../src/runner/result';

const ROOT = join(__dirname, '..', '..');

// What the callbacks handed to `evaluate` use, run in the page: the project compiles without DOM types.
declare const getComputedStyle: (element: unknown) => { stroke: string; strokeDasharray: string };
declare const DOMParser: new () => { parseFromString(text: string, type: string): { getElementsByTagName(name: string): { length: number } } };
declare const window: { pwned?: unknown; performance: { getEntriesByType(type: string): { startTime: number; loadEventEnd: number }[] } };
const CLI = join(ROOT, 'bin', 'tcpconform');
/** Tabs opening the case pages of a whole-suite report side by side. */
const CASE_PAGE_TABS = 4;

/** A report from a real run; the run exits 1 when a case fails, which these runs are meant to. */
function report(args: readonly string[]): string {
  const out = mkdtempSync(join(tmpdir(), 'tcpconform-browser-'));
  made.push(out);
  const run = spawnSync(process.execPath, [CLI, 'run', ...args, '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (!existsSync(join(out, 'index.html'))) throw new Error(`the run wrote no report (exit ${run.status}): ${run.stderr}`);
  return out;
}

/** The step at which the fixture's case diverged on the first target, as the results file says. */
function wrongAckStep(out: string): number {
  const lines = readFileSync(join(out, 'results.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const result = lines.map((l) => JSON.parse(l) as CaseResult).find((r) => r.id === 'handshake/fixture-wrong-ack');
  if (result?.divergence === undefined) throw new Error('the fixture case did not fail');
  return result.divergence.step;
}

const made: string[] = [];
let browser: Browser;

/** What a page did that a user would not want: console errors, uncaught errors, requests off the disk. */
interface Watch {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly requests: string[];
}

function watch(page: Page): Watch {
  const w: Watch = { consoleErrors: [], pageErrors: [], requests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') w.consoleErrors.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => w.pageErrors.push(error.message));
  page.on('request', (request) => w.requests.push(request.url()));
  return w;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser test needs Debian's chromium (apt-get install chromium, or scripts/setup)`);
  }
  browser = await launchChromium();
}, 30_000);

afterAll(async () => {
  await browser?.close();
  made.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe('the report in headless Chromium', () => {
  test('from the index to a failing case, whose divergence the ladder marks; no errors, nothing fetched', async () => {
    const out = report(['test/fixtures/wrong-ack.yaml', 'suites/handshake', '--target', 'reference', '--target', 'linux']);
    const context = await browser.newContext();
    // Anything that is not a file of the report would leave the machine: refuse it, and the test fails below.
    await context.route(/^(?!file:)/, (route) => route.abort());
    const page = await context.newPage();
    const seen = watch(page);

    await page.goto(pathToFileURL(join(out, 'index.html')).href);
    expect(await page.locator('h1').textContent()).toBe('tcpconform report');
    // The failures table near the top names the failing case, on both targets, each over IPv4 and IPv6.
    const failures = page.locator('#failures + table.failures tbody tr', { hasText: 'handshake/fixture-wrong-ack' });
    expect(await failures.count()).toBe(4);
    expect(await failures.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('linux-ipv6'), expect.stringContaining('reference-ipv6')]));
    expect(await failures.first().textContent()).toContain('expected SA ack 5');

    // Every link of the index leads to a file of the report.
    const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => (a as unknown as { href: string }).href));
    for (const href of hrefs.filter((h) => !h.includes('#'))) expect(existsSync(fileURLToPath(href))).toBe(true);

    // Follow the failing case's link in the matrix, as a reader would.
    const link = page.locator('#cases tbody tr', { hasText: 'handshake/fixture-wrong-ack' }).locator('a.verdict.fail').first();
    await Promise.all([page.waitForURL(/handshake\.fixture-wrong-ack\.html$/), link.click()]);
    expect(await page.locator('h1').textContent()).toBe('handshake/fixture-wrong-ack');

    const ladder = page.locator('svg.ladder');
    expect(await ladder.count()).toBe(1);
    const divergence = ladder.locator('[data-divergence]');
    expect(await divergence.count()).toBe(1);
    const step = String(wrongAckStep(out));
    expect(await divergence.getAttribute('data-divergence')).toBe(step);
    expect(await divergence.isVisible()).toBe(true);
    expect(await divergence.textContent()).toContain(`FIRST DIVERGENCE · step ${step}`);
    expect(await divergence.textContent()).toContain('expected: SA ack 5');
    expect(await divergence.textContent()).toContain('ack: expected 5, observed 1');
    // The observed SYN-ACK is the red arrow; the expectation beside it is a dashed ghost.
    const observed = ladder.locator('[data-divergence-observed]');
    expect(await observed.count()).toBe(1);
    expect(await observed.locator('line').evaluate((l) => getComputedStyle(l).stroke)).toBe('rgb(207, 34, 46)');
    expect(await divergence.locator('line').first().evaluate((l) => getComputedStyle(l).strokeDasharray)).toMatch(/^7(px)?,? 5(px)?$/);
    // One arrow per segment of the trace.
    expect(await ladder.locator('g.segment').count()).toBe(await page.locator('table tr.to-target, table tr.from-target').count());
    // The "where" link of the summary box jumps to the mark.
    expect(await page.locator('.finding a[href="#divergence"]').count()).toBe(1);

    // The SVG parses as XML on its own, too (as it would saved to a file).
    const parsed = await ladder.evaluate((svg) => {
      const doc = new DOMParser().parseFromString((svg as unknown as { outerHTML: string }).outerHTML, 'image/svg+xml');
      return doc.getElementsByTagName('parsererror').length;
    });
    expect(parsed).toBe(0);

    expect(seen.consoleErrors).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    expect(seen.requests.length).toBeGreaterThanOrEqual(2);
    await context.close();
  }, 120_000);

  test('a 4-target run of the whole suite: the index loads in under a second, every case page renders cleanly', async () => {
    // The virtual-clock targets: a whole-suite run in seconds, and the same report size as any four; each case
    // over IPv4 and IPv6, so twice the pages to open of one family's report (hence the 10 minutes).
    const out = report(['suites', '--target', 'reference', '--target', 'lwip', '--target', 'gvisor', '--target', 'ns3']);
    const context = await browser.newContext();
    await context.route(/^(?!file:)/, (route) => route.abort());
    const page = await context.newPage();
    const seen = watch(page);
    const index = pathToFileURL(join(out, 'index.html')).href;

    // The first load is the cold one (a fresh page process); the figure held to the bar is the median of five after it.
    const coldStart = performance.now();
    await page.goto(index, { waitUntil: 'load' });
    const cold = performance.now() - coldStart;
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await page.goto(index, { waitUntil: 'load' });
      const wall = performance.now() - started;
      const nav = await page.evaluate(() => {
        const entry = window.performance.getEntriesByType('navigation')[0]!;
        return entry.loadEventEnd - entry.startTime;
      });
      loads.push(Math.max(wall, nav));
    }
    loads.sort((a, b) => a - b);
    const median = loads[2]!;
    const cases = await page.locator('#cases tbody tr').count();
    process.stdout.write(`browser: index of a 4-target whole-suite report (${cases} cases × 4 targets) loads in ${median.toFixed(0)} ms (median of 5; cold ${cold.toFixed(0)} ms)\n`);
    expect(cases).toBeGreaterThan(0);
    expect(median).toBeLessThan(1000);
    expect(cold).toBeLessThan(1000);

    // Every case page, one for each result (a case in each of its families on each target): one ladder, and a
    // divergence mark exactly where the case failed.
    const pages = readdirSync(join(out, 'cases'), { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.html'));
    const results = readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n').length;
    expect(results).toBeGreaterThan(cases * 4);
    expect(pages.length).toBe(results);
    // Several tabs at once: over two thousand pages one after the other took most of this test's six minutes.
    const tabs = await Promise.all(Array.from({ length: CASE_PAGE_TABS }, async () => {
      const tab = await context.newPage();
      return { tab, seen: watch(tab) };
    }));
    let next = 0;
    await Promise.all(tabs.map(async ({ tab }) => {
      for (let file = pages[next++]; file !== undefined; file = pages[next++]) {
        await tab.goto(pathToFileURL(resolve(out, 'cases', file)).href);
        const verdict = await tab.locator('p > .verdict').first().textContent();
        const ladders = await tab.locator('svg.ladder').count();
        if (verdict !== 'skip') expect({ file, ladders }).toEqual({ file, ladders: 1 });
        const marks = await tab.locator('svg.ladder [data-divergence]').count();
        expect({ file, marks }).toEqual({ file, marks: verdict === 'fail' || verdict === 'waived' ? 1 : 0 });
      }
    }));
    for (const watched of [seen, ...tabs.map((t) => t.seen)]) {
      expect(watched.consoleErrors).toEqual([]);
      expect(watched.pageErrors).toEqual([]);
      expect(watched.requests.filter((url) => !url.startsWith('file://'))).toEqual([]);
    }
    expect(dirname(fileURLToPath(seen.requests[0]!))).toBe(out);
    await context.close();
  }, 600_000);

  test('hostile text from a target shows as text: no script runs, no element is injected, nothing is fetched', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tcpconform-browser-'));
    made.push(out);
    const script = '<script>window.pwned = 1</script>';
    const img = '<img src="x" onerror="window.pwned = 2">';
    const evil: CaseResult = {
      id: 'rst/hostile',
      title: `${script}${img}`,
      area: 'rst',
      level: 'MUST',
      spec: { rfc9293: ['3.5'], requirements: [img] },
      tags: [script],
      file: 'suites/rst/hostile.yaml',
      target: 'linux',
      verdict: 'fail',
      reason: `${script} ${img}`,
      divergence: { step: 0, file: img, line: 1, expected: script, observed: img, mismatches: [{ field: img, expected: script, observed: img }] },
      startedAt: Date.UTC(2026, 10, 24),
      durationMs: 5,
      steps: [{ index: 0, line: 1, text: `expect ${img}`, outcome: 'fail', expected: script, observed: img, message: script }],
      trace: [
        { kind: 'packet', timeMs: 0, direction: 'from-target', hex: '45', note: `does not parse: ${img}` },
        { kind: 'app-call', timeMs: 1, call: { call: 'read' }, result: { ok: false, error: script } },
        { kind: 'app-event', timeMs: 2, event: { event: 'error', error: img } },
      ],
    };
    writeReportFromResults(out, [evil]);
    const context = await browser.newContext();
    await context.route(/^(?!file:)/, (route) => route.abort());
    const page = await context.newPage();
    const seen = watch(page);
    for (const file of ['index.html', 'cases/linux/rst.hostile.html']) {
      await page.goto(pathToFileURL(join(out, file)).href);
      expect(await page.evaluate(() => window.pwned)).toBeUndefined();
      expect(await page.locator('body script, body img').count()).toBe(0);
      expect(await page.locator('body').textContent()).toContain('window.pwned = 1');
    }
    expect(await page.locator('svg.ladder [data-divergence]').textContent()).toContain('<img src="x"');
    expect(seen.consoleErrors).toEqual([]);
    expect(seen.pageErrors).toEqual([]);
    expect(seen.requests.filter((url) => !url.startsWith('file://') || url.endsWith('/x'))).toEqual([]);
    await context.close();
  }, 60_000);
});
