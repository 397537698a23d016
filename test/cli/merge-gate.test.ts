/**
 * The last job of a CI matrix (docs/ci.md): shards run on their own, then `merge --baseline` joins them
 * into one report and gates the joined results. Shards here run on the reference target, where a case
 * file made to fail fails the same way every time.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli';

const made: string[] = [];
const dir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tcpconform-merge-'));
  made.push(d);
  return d;
};
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

const CASES = ['suites/handshake/passive-open.yaml', 'suites/rst/closed-port-syn.yaml', 'test/fixtures/wrong-ack.yaml'];

/** Two shards of the three cases on the reference target: results folders, as CI artifacts hold them. */
function shards(): string[] {
  return ['1/2', '2/2'].map((shard) => {
    const out = dir();
    const run = runCli(['run', ...CASES, '--target', 'reference', '--family', 'ipv4', '--shard', shard, '--out', out]);
    expect([0, 1]).toContain(run.code);
    return out;
  });
}

/** `results` with the verdict of `id` replaced: a baseline from another day. */
function baselineFrom(results: string, id: string, verdict: string): string {
  const lines = readFileSync(join(results, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { id: string; verdict: string });
  const file = join(dir(), 'baseline.jsonl');
  writeFileSync(file, lines.map((r) => JSON.stringify(r.id === id ? { ...r, verdict } : r)).join('\n') + '\n');
  return file;
}

test('merge --baseline: a failure the baseline already had does not fail the merged run (exit 0)', () => {
  const parts = shards();
  const all = dir();
  const everything = runCli(['merge', ...parts, '--out', all]);
  expect(everything.code).toBe(0); // without --baseline or --fail-on, merge only merges
  const baseline = baselineFrom(all, 'handshake/passive-open', 'pass');
  const merged = runCli(['merge', ...parts, '--out', dir(), '--baseline', baseline]);
  expect(merged.stdout).toContain('merged 3 result(s) from 2 input(s): 2 passed, 1 failed');
  expect(merged.stdout).toContain('1 failing case(s) unchanged from the baseline');
  expect(merged.code).toBe(0);
});

test('merge --baseline: a case that newly fails fails the merged run (exit 1), named', () => {
  const parts = shards();
  const all = dir();
  runCli(['merge', ...parts, '--out', all]);
  const baseline = baselineFrom(all, 'handshake/fixture-wrong-ack', 'pass');
  const merged = runCli(['merge', ...parts, '--out', dir(), '--baseline', baseline]);
  expect(merged.stdout).toContain('newly failing: handshake/fixture-wrong-ack on reference (MUST)');
  expect(merged.code).toBe(1);
});

test('merge --fail-on gates without a baseline; MAY alone lets the MUST failure through', () => {
  const parts = shards();
  expect(runCli(['merge', ...parts, '--out', dir(), '--fail-on', 'MUST']).code).toBe(1);
  expect(runCli(['merge', ...parts, '--out', dir(), '--fail-on', 'MAY']).code).toBe(0);
});
