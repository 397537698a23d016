/**
 * The `isn` step: how a case writes it, and a run on the reference target, whose ISNs follow RFC 6528
 * (a 4-µs clock on its virtual time plus a keyed hash of the four-tuple). The stacks whose ISNs fail
 * the statistics (lwIP, ns-3) are held to that in test/adapters/findings.test.ts.
 */
import { parseCase } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';
import { RFC9293_PROFILE } from '../../src/reference';
import { stepText } from '../../src/runner/step-text';
import { appCallsNeeded, leastDurationMs } from '../../src/suite/needs';

const header = (requirements: string) => `id: isn/example
title: An example
spec: { rfc9293: ["3.4.1"], requirements: [${requirements}] }
level: MUST
`;
const ISN_STEP = `  - isn:
      active: [9001, 9002]
      passive: [41001, 41002, 41003]
      rounds: 4
      apart: 1s
`;

test('an isn step is a case of its own: its plan, what it needs, and how long it takes', () => {
  const parsed = parseCase('case.yaml', `${header('MUST-8')}steps:\n${ISN_STEP}`);
  expect(parsed.problems).toEqual([]);
  const [step] = parsed.case!.steps;
  expect(step).toMatchObject({ kind: 'isn', plan: { active: [9001, 9002], passive: [41001, 41002, 41003], rounds: 4, apart: { ms: 1000 } } });
  expect(stepText(step!)).toBe('isn 4 rounds 1s apart of 3 passive and 2 active opens');
  expect([...appCallsNeeded(parsed.case!)]).toEqual(['listen', 'connect']);
  expect(leastDurationMs(parsed.case!.steps, { msl: 0, initialRto: 0, minRto: 0, maxRto: 0, maxAckDelay: 0, userTimeout: 0, synUserTimeout: 0, keepAliveIdle: 0, keepAliveInterval: 0 })).toBe(8000);
  const withMore = parseCase('case.yaml', `${header('MUST-8')}steps:\n${ISN_STEP}  - wait: 1s\n`).problems.map(formatProblem);
  expect(withMore).toEqual(["case.yaml:6:5: steps[0]: an isn step opens connections of its own: it is the case's only step"]);
  const tooFew = parseCase('case.yaml', `${header('MUST-8')}steps:\n  - isn: { passive: [41001, 41002], rounds: 2, apart: 1s }\n`).problems.map(formatProblem);
  expect(tooFew).toEqual(['case.yaml:6:45: steps[0].isn.rounds: 2 must be at least 3']);
});

test('on the reference target every connection gives an ISN, and the statistics of the named requirements judge', async () => {
  const parsed = parseCase('case.yaml', `${header('MUST-8, MUST-9')}steps:\n${ISN_STEP}`);
  const result = await runCase(parsed.case!, await createReferenceTarget(), RFC9293_PROFILE);
  expect(result.verdict).toBe('pass');
  const report = result.isn!;
  expect(report.samples.map((s) => `${s.open} ${s.peerPort}`).slice(0, 3)).toEqual(['active 9001', 'active 9002', 'active 9001']);
  expect(report.samples).toHaveLength(4 * 2 + 4 * 3);
  // The passive opens come after the active ones, each round 1 s after the one before on the virtual clock.
  expect(report.samples.filter((s) => s.open === 'passive').map((s) => s.atMs)).toEqual([4000, 4000, 4000, 5000, 5000, 5000, 6000, 6000, 6000, 7000, 7000, 7000]);
  expect(report.statistics.filter((s) => s.judged).map((s) => s.requirement)).toEqual(['MUST-8', 'MUST-8', 'MUST-8', 'MUST-9', 'MUST-9', 'MUST-9', 'MUST-9']);
  expect(report.statistics.find((s) => s.name === 'clock-rate')?.measured).toBe('a median of 250,000 a second over 15 pairs');
  expect(report.caveat).toMatch(/^A pass is evidence, not proof/);
  // Every SYN and SYN-ACK is in the trace, numbers as on the wire.
  const synAcks = result.trace.filter((e) => e.kind === 'packet' && e.segment?.flags === 'SA');
  expect(synAcks.map((e) => (e.kind === 'packet' ? e.segment?.seq : 0))).toEqual(report.samples.filter((s) => s.open === 'passive').map((s) => s.isn));
});
