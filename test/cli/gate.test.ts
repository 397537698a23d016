import { gate } from '../../src/cli/gate';
import type { CaseResult, Verdict } from '../../src/runner/result';
import type { RequirementLevel } from '../../src/suite/case';

function r(id: string, verdict: Verdict, level: RequirementLevel = 'MUST'): CaseResult {
  return {
    id, title: id, area: id.split('/')[0]!, level, spec: { rfc9293: ['3.5'], requirements: [] }, tags: [], file: `${id}.yaml`,
    target: 'linux', verdict, ...(verdict !== 'pass' && { reason: `${id} went ${verdict}` }), startedAt: 0, durationMs: 1, steps: [], trace: [],
  };
}
const MUST_SHOULD: RequirementLevel[] = ['MUST', 'SHOULD'];

describe('gate without a baseline', () => {
  test('all passing exits 0', () => {
    expect(gate({ results: [r('a/x', 'pass'), r('a/y', 'skip')], failOn: MUST_SHOULD, suiteProblems: 0 }).exitCode).toBe(0);
  });
  test('a MUST failure exits 1; an error alone exits 3; suite problems alone exit 2', () => {
    expect(gate({ results: [r('a/x', 'fail'), r('a/y', 'error')], failOn: MUST_SHOULD, suiteProblems: 1 }).exitCode).toBe(1);
    expect(gate({ results: [r('a/x', 'pass'), r('a/y', 'error')], failOn: MUST_SHOULD, suiteProblems: 1 }).exitCode).toBe(3);
    expect(gate({ results: [r('a/x', 'pass')], failOn: MUST_SHOULD, suiteProblems: 1 }).exitCode).toBe(2);
  });
  test('--fail-on MUST lets a SHOULD failure through, and says so', () => {
    const outcome = gate({ results: [r('a/x', 'fail', 'SHOULD')], failOn: ['MUST'], suiteProblems: 0 });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.lines).toEqual(['1 SHOULD failure(s) reported but not gating (--fail-on MUST)']);
  });
  test('a waived deviation passes the gate', () => {
    expect(gate({ results: [r('a/x', 'waived')], failOn: MUST_SHOULD, suiteProblems: 0 }).exitCode).toBe(0);
  });
});

describe('gate with families', () => {
  const in6 = (result: CaseResult): CaseResult => ({ ...result, family: 'ipv6' });
  test('a baseline compares like with like: a case failing over IPv4 before does not cover its IPv6 run', () => {
    const baseline = [r('a/x', 'fail'), in6(r('a/x', 'pass'))];
    const outcome = gate({ results: [r('a/x', 'fail'), in6(r('a/x', 'fail'))], baseline, failOn: MUST_SHOULD, suiteProblems: 0 });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toContain('newly failing: a/x on linux-ipv6 (MUST): a/x went fail');
    expect(outcome.lines).toContain('1 failing case(s) unchanged from the baseline');
  });
});

describe('gate with a baseline', () => {
  const baseline = [r('a/old-failure', 'fail'), r('a/fixed', 'fail'), r('a/steady', 'pass'), r('a/broke', 'pass')];
  test('a case that newly fails exits 1 and is named', () => {
    const outcome = gate({ results: [r('a/old-failure', 'fail'), r('a/fixed', 'fail'), r('a/steady', 'pass'), r('a/broke', 'fail')], baseline, failOn: MUST_SHOULD, suiteProblems: 0 });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.lines).toContain('newly failing: a/broke on linux (MUST): a/broke went fail');
    expect(outcome.lines).toContain('2 failing case(s) unchanged from the baseline');
  });
  test('a case that newly passes exits 0 and is reported as an improvement', () => {
    const outcome = gate({ results: [r('a/old-failure', 'fail'), r('a/fixed', 'pass'), r('a/steady', 'pass'), r('a/broke', 'pass')], baseline, failOn: MUST_SHOULD, suiteProblems: 0 });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.lines).toContain('improvement: a/fixed on linux (MUST) now passes (was fail)');
  });
  test('a newly erroring case fails the run as an environment failure; a new failing case counts as new', () => {
    expect(gate({ results: [r('a/steady', 'error')], baseline, failOn: MUST_SHOULD, suiteProblems: 0 }).exitCode).toBe(3);
    expect(gate({ results: [r('a/brand-new', 'fail')], baseline, failOn: MUST_SHOULD, suiteProblems: 0 }).exitCode).toBe(1);
  });
  test('a waived case against a failing baseline passes', () => {
    expect(gate({ results: [r('a/old-failure', 'waived')], baseline, failOn: MUST_SHOULD, suiteProblems: 0 }).exitCode).toBe(0);
  });
});
