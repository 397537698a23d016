/**
 * The files a run leaves behind, from a real run against the local kernel: results lines that conform
 * to the published schema, captures tshark decodes, and `report` / `merge` that rebuild everything
 * from results alone.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import schema from '../../src/report/results.schema.json';
import { FIRST, FIRST_CASES, runCli } from './run-cli';

const made: string[] = [];
const outDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'tcpconform-out-'));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const lines = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
const key = (r: Record<string, unknown>): string => `${String(r['target'])} ${String(r['id'])} ${String(r['verdict'])}`;

let run: string;
beforeAll(() => {
  run = outDir();
  const outcome = runCli(['run', 'suites', 'test/fixtures/wrong-ack.yaml', ...FIRST, '--id', 'handshake/fixture-wrong-ack', '--out', run]);
  expect(outcome.code).toBe(1);
});

test('every results line conforms to the results schema (checked with ajv)', () => {
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const results = lines(join(run, 'results.jsonl'));
  expect(results.length).toBe(FIRST_CASES.length + 1);
  for (const r of results) {
    expect(validate(r) ? [] : validate.errors).toEqual([]);
  }
  // A broken line is caught by the same schema: it can fail.
  expect(validate({ ...results[0], verdict: 'maybe' })).toBe(false);
});

test("a case's pcap decodes in tshark with the flags and relative numbers of the exchange", () => {
  const tshark = spawnSync('tshark', ['-r', join(run, 'pcap/linux/handshake.passive-open.pcap'), '-T', 'fields', '-e', 'tcp.flags.str', '-e', 'tcp.seq', '-e', 'tcp.ack', '-e', 'tcp.len'], { encoding: 'utf8' });
  expect(tshark.status).toBe(0);
  const rows = tshark.stdout.trim().split('\n').map((row) => row.split('\t'));
  expect(rows.map((r) => r[0]!.replace(/·/g, '').trim())).toEqual(['S', 'AS', 'A', 'AP', 'A']);
  expect(rows[1]!.slice(1)).toEqual(['0', '1', '0']);
  expect(rows[4]!.slice(1)).toEqual(['1', '11', '0']);
  const whole = spawnSync('tshark', ['-r', join(run, 'pcap/run.pcap'), '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
  const perCase = lines(join(run, 'results.jsonl')).reduce((n, r) => n + (r['trace'] as { kind: string }[]).filter((e) => e.kind === 'packet').length, 0);
  expect(whole.stdout.trim().split('\n')).toHaveLength(perCase);
});

test('report re-renders HTML, JUnit and pcaps from saved results without running anything', () => {
  const again = outDir();
  const outcome = runCli(['report', join(run, 'results.jsonl'), '--out', again]);
  expect(outcome.code).toBe(0);
  const results = lines(join(run, 'results.jsonl'));
  const count = (verdict: string) => results.filter((r) => r['verdict'] === verdict).length;
  expect(outcome.stdout).toContain(`${count('pass')} passed, 1 failed, ${count('skip')} skipped`);
  expect(readFileSync(join(again, 'index.html'), 'utf8')).toBe(readFileSync(join(run, 'index.html'), 'utf8'));
  expect(readFileSync(join(again, 'junit.xml'), 'utf8')).toBe(readFileSync(join(run, 'junit.xml'), 'utf8'));
  expect(readFileSync(join(again, 'pcap/linux/handshake.passive-open.pcap'))).toEqual(readFileSync(join(run, 'pcap/linux/handshake.passive-open.pcap')));
});

test('shards 1/3, 2/3 and 3/3 merged give the same results as one unsharded run', () => {
  const shards = [1, 2, 3].map((k) => {
    const out = outDir();
    expect(runCli(['run', 'suites', ...FIRST, '--shard', `${k}/3`, '--out', out]).code).toBe(0);
    return out;
  });
  const shardIds = shards.map((s) => lines(join(s, 'results.jsonl')).map((r) => String(r['id'])));
  expect(shardIds.every((ids) => ids.length >= 1)).toBe(true);
  expect(new Set(shardIds.flat()).size).toBe(shardIds.flat().length); // disjoint
  const merged = outDir();
  const outcome = runCli(['merge', ...shards, '--out', merged]);
  expect(outcome.code).toBe(0);
  const unsharded = lines(join(run, 'results.jsonl')).filter((r) => r['id'] !== 'handshake/fixture-wrong-ack');
  expect(lines(join(merged, 'results.jsonl')).map(key).sort()).toEqual(unsharded.map(key).sort());
});

test('a results file with a broken line in the middle is refused with file and line', () => {
  const dir = outDir();
  const file = join(dir, 'results.jsonl');
  const good = readFileSync(join(run, 'results.jsonl'), 'utf8').split('\n');
  writeFileSync(file, [good[0], '{not json', good[1], ''].join('\n'));
  const outcome = runCli(['report', file]);
  expect(outcome.code).toBe(2);
  expect(outcome.stderr).toBe(`tcpconform: ${file}:2: not a JSON result line\n`);
});
