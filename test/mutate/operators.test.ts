/**
 * The mutants come from the machine's own structure: every rule, segment form, boundary, timer and
 * profile flag has its mutants, each with a stable id, words and a seam a case can reach; and each
 * mutant changes the machine, the one way it says.
 */
import { ALL_BOUNDARIES, ALL_RULES, ALL_TIMERS, ReferenceEndpoint, RFC9293_PROFILE, SEGMENT_FORMS } from '../../src/reference';
import { allMutants, PROFILE_FLAGS, wordsFor } from '../../src/mutate/operators';
import { alterationsOf } from '../../src/mutate/alterations';
import { TcpFlag } from '../../src/wire';

const mutants = allMutants();

test('at least 150 mutants, with unique ids, words and the rule or seam each changes', () => {
  expect(mutants.length).toBeGreaterThanOrEqual(150);
  expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
  for (const m of mutants) {
    expect(m.words.length).toBeGreaterThan(20);
    expect(m.changes.length).toBeGreaterThan(3);
  }
});

test('every rule, segment form, boundary, timer and profile flag has its mutants', () => {
  const ids = new Set(mutants.map((m) => m.id));
  for (const rule of ALL_RULES) expect(ids).toContain(`skip ${rule}`);
  for (const form of Object.keys(SEGMENT_FORMS) as (keyof typeof SEGMENT_FORMS)[]) {
    for (const alteration of alterationsOf(form)) expect(ids).toContain(`form ${form} ${alteration.name}`);
  }
  for (const boundary of ALL_BOUNDARIES) for (const by of ['+1', '-1']) expect(ids).toContain(`boundary ${boundary} ${by}`);
  for (const timer of ALL_TIMERS) for (const scale of ['x0.5', 'x2', 'never']) expect(ids).toContain(`timer ${timer} ${scale}`);
  expect(PROFILE_FLAGS).toEqual(expect.arrayContaining(['rfc5961Rst', 'rfc5961Syn', 'rfc5961Ack', 'rfc1337', 'reopenFromTimeWait']));
  for (const flag of PROFILE_FLAGS) expect(ids).toContain(`profile ${flag}`);
});

test('a form alteration changes only segments of its form, and only as it says', () => {
  const mutant = mutants.find((m) => m.id === 'form reset-ack ack+1')!;
  const endpoint = new ReferenceEndpoint(RFC9293_PROFILE, { address: '198.18.0.1', port: 80 }, { mutation: mutant.mutation()! });
  const [out] = endpoint.segmentArrives({ srcPort: 4000, dstPort: 80, seq: 10, ack: 0, flags: TcpFlag.SYN, window: 100, urgentPointer: 0, options: [], payload: new Uint8Array(0) }, 0);
  expect(out).toMatchObject({ kind: 'segment', segment: { flags: TcpFlag.RST | TcpFlag.ACK, seq: 0, ack: 12 } });
});

test("a profile mutant inverts its flag, and its words follow the profile's value", () => {
  const mutant = mutants.find((m) => m.id === 'profile rfc5961Rst')!;
  expect(mutant.profileFor(RFC9293_PROFILE).rfc5961Rst).toBe(false);
  expect(mutant.profileFor({ ...RFC9293_PROFILE, rfc5961Rst: false }).rfc5961Rst).toBe(true);
  expect(wordsFor(mutant, RFC9293_PROFILE)).toMatch(/resets the connection instead of drawing a challenge ACK/);
  expect(wordsFor(mutant, { ...RFC9293_PROFILE, rfc5961Rst: false })).toMatch(/draws a challenge ACK instead of resetting/);
});

test('a boundary mutant says the relation it tests instead of the RFC\'s', () => {
  const mutant = mutants.find((m) => m.id === 'boundary 3.10.7.4 LAST-ACK: SND.UNA = FIN+1 -1')!;
  expect(mutant.words).toBe('whether an ACK in LAST-ACK acknowledges our FIN: the stack tests SND.UNA = FIN+1-1 where RFC 9293 §3.10.7.4 LAST-ACK has SND.UNA = FIN+1');
  expect(mutants.find((m) => m.id === 'boundary 3.8.6.1 FIN: U < 1 +1')!.words).toContain('tests U < 2 where');
});
