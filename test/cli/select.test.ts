import { parseShard, selectCases, SELECT_ALL, shardOf } from '../../src/cli/select';
import type { Case, RequirementLevel } from '../../src/suite/case';

function c(id: string, level: RequirementLevel, tags: string[], requirements: string[]): Case {
  return {
    id, title: id, area: id.split('/')[0]!, spec: { rfc9293: ['3.5'], requirements }, level, tags, port: 8080, peerPort: 40000,
    peerIsn: 0, steps: [], source: { file: `${id}.yaml`, line: 1, column: 1 },
  };
}
const cases = [
  c('handshake/a', 'MUST', ['syn'], ['MUST-10']),
  c('handshake/b', 'SHOULD', ['syn', 'options'], ['SHLD-5']),
  c('close/c', 'MUST', ['fin'], ['MUST-13']),
  c('rst/d', 'MAY', [], ['MAY-12']),
  c('rst/e', 'MUST', ['rst'], []),
];
const ids = (selected: Case[]) => selected.map((x) => x.id);

test('no filter takes every case', () => {
  expect(ids(selectCases(cases, SELECT_ALL))).toEqual(ids(cases));
});
test('--level MUST selects only MUST cases', () => {
  expect(ids(selectCases(cases, { ...SELECT_ALL, levels: ['MUST'] }))).toEqual(['handshake/a', 'close/c', 'rst/e']);
});
test('by id glob, tag, area and requirement glob; kinds combine, values of one kind are alternatives', () => {
  expect(ids(selectCases(cases, { ...SELECT_ALL, ids: ['handshake/*'] }))).toEqual(['handshake/a', 'handshake/b']);
  expect(ids(selectCases(cases, { ...SELECT_ALL, tags: ['fin', 'rst'] }))).toEqual(['close/c', 'rst/e']);
  expect(ids(selectCases(cases, { ...SELECT_ALL, areas: ['rst'] }))).toEqual(['rst/d', 'rst/e']);
  expect(ids(selectCases(cases, { ...SELECT_ALL, requirements: ['MUST-1*'] }))).toEqual(['handshake/a', 'close/c']);
  expect(ids(selectCases(cases, { ...SELECT_ALL, tags: ['syn'], levels: ['SHOULD'] }))).toEqual(['handshake/b']);
});
test('shards are disjoint, cover every case, and do not depend on the input order', () => {
  const shards = [1, 2, 3].map((k) => ids(shardOf(cases, k, 3)));
  expect(shards.flat().sort()).toEqual(ids(cases).sort());
  expect([1, 2, 3].map((k) => ids(shardOf([...cases].reverse(), k, 3)))).toEqual(shards);
});
test('shard text is K/N with 1 <= K <= N', () => {
  expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
  expect(parseShard('4/3')).toBe('shard 4 of 3 does not exist');
  expect(parseShard('0/3')).toBe("'0/3' is not K/N (for example 2/3)");
  expect(parseShard('x')).toBe("'x' is not K/N (for example 2/3)");
});
