/**
 * `explore` on lwIP, a virtual-clock stack with known findings (adapters/lwip/findings.yaml): a seeded
 * minute rediscovers at least two of them, as shrunk cases that validate, fail on lwIP and pass on the
 * reference target. A finding counts as rediscovered when an explored divergence and a case of the
 * finding part from the reference machine at the same rule of its (the stimulus both answer wrongly),
 * leaving aside the rules nearly every exchange fires (MSS defaults, RTT samples, segmenting a write).
 * On the reference target, exploration finds nothing.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { findDriver } from '../../src/cli/drivers';
import { loadPreambles, loadSuites } from '../../src/cli/load-suites';
import { BARE_STARTS, parseCase, preambleStart, type Start } from '../../src/explore/case-file';
import { divergenceOf, runOn } from '../../src/explore/divergence';
import { explore } from '../../src/explore/explore';
import { runCli } from '../cli/run-cli';

const { preambles } = loadPreambles();
const starts: Start[] = ['established', 'listen', 'connect', 'close-wait', 'fin-wait-2'].map(
  (name) => BARE_STARTS.find((s) => s.name === name) ?? (preambleStart(preambles.get(name)!) as Start),
);
const reference = findDriver('reference');
const GENERIC = /^(3\.7\.1\/|rfc6298\/|3\.10\.2\/segmentize|3\.8\.6\.2\.1\/)/;
const specific = (rules: readonly string[]) => rules.filter((r) => !GENERIC.test(r));

test('a seeded minute on lwIP rediscovers known findings as shrunk cases that validate, fail on lwIP and pass on the reference target', async () => {
  const lwip = findDriver('lwip');
  const outcome = await explore({ target: lwip, reference, starts, preambles, seed: 1, budgetMs: 60_000, now: Date.now });
  expect(outcome.findings.length).toBeGreaterThanOrEqual(2);
  for (const finding of outcome.findings) {
    const testCase = parseCase(`${finding.id}.yaml`, finding.yaml, preambles);
    expect([finding.id, (await runOn(reference, testCase)).verdict]).toEqual([finding.id, 'pass']);
    expect([finding.id, (await runOn(lwip, testCase)).verdict]).toEqual([finding.id, 'fail']);
    // Shrunk: no step past the one where lwIP parts from the machine.
    expect(finding.steps.length).toBeLessThanOrEqual(6);
  }
  const known = (parse(readFileSync(join(__dirname, '..', '..', 'adapters', 'lwip', 'findings.yaml'), 'utf8')) as { findings: { requirement: string; cases: string[] }[] }).findings;
  const cases = loadSuites(['suites']).cases;
  const explored = outcome.findings.map((f) => specific(f.divergence.involved));
  const rediscovered: string[] = [];
  for (const finding of known) {
    for (const testCase of cases.filter((c) => picomatch(finding.cases)(c.id))) {
      const result = await runOn(lwip, testCase);
      if (result.verdict !== 'fail') continue;
      const rules = specific((await divergenceOf(testCase, result, lwip.profile.profile)).involved);
      if (rules.length > 0 && explored.some((e) => e.some((r) => rules.includes(r)))) {
        rediscovered.push(finding.requirement);
        break;
      }
    }
  }
  expect(new Set(rediscovered).size).toBeGreaterThanOrEqual(2);
}, 240_000);

test('on the reference target, exploration finds nothing', async () => {
  const outcome = await explore({ target: reference, reference, starts, preambles, seed: 1, runs: 400, now: Date.now });
  expect(outcome.findings).toEqual([]);
  expect(outcome.runs).toBeGreaterThan(300);
}, 120_000);

describe('tcpconform explore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tcpconform-explore-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--help explains, with examples and exit codes', () => {
    const run = runCli(['explore', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--budget <duration>');
    expect(run.stdout).toContain('Exit codes:');
  });

  test('finds nothing on the reference target: exit 0, a summary, the command to replay it', () => {
    const run = runCli(['explore', '--target', 'reference', '--out', dir, '--runs', '60', '--seed', '3']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^60 sequence\(s\) run; 0 distinct divergence\(s\)/);
    expect(run.stdout).toContain('replay: tcpconform explore --target reference --seed 3 --runs 60');
  });

  test('writes what it finds on lwIP as cases, exit 1', () => {
    const run = runCli(['explore', '--target', 'lwip', '--out', dir, '--runs', '150', '--seed', '1', '--from', 'connect']);
    expect(run.code).toBe(1);
    const written = readdirSync(join(dir, 'explore'));
    expect(written.length).toBeGreaterThan(0);
    const validate = runCli(['validate', join(dir, 'explore')]);
    expect(validate.code).toBe(0);
  });

  test('an unknown start is a usage error naming the starts there are', () => {
    const run = runCli(['explore', '--target', 'reference', '--out', dir, '--from', 'nowhere']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no start 'nowhere': give listen, connect, or a preamble \(.*established/);
  });
});
