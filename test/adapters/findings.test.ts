/**
 * Each virtual-clock stack runs the whole suite, and its failures must be exactly what its
 * adapters/<stack>/findings.yaml says: every failing case covered by a finding (with its evidence in
 * the stack's source), and every finding still shown by a failing case. A new failure is either a
 * finding to write down with its evidence, or a harness bug to fix — never a case to loosen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { findDriver } from '../../src/cli/drivers';
import { loadSuites } from '../../src/cli/load-suites';
import { runSuite } from '../../src/runner/run-suite';

interface Finding {
  readonly requirement?: string;
  readonly harness?: string;
  readonly cases: readonly string[];
  readonly evidence?: string;
}

const cases = loadSuites(['suites']).cases;

describe.each(['lwip', 'gvisor', 'ns3'])('%s', (stack) => {
  const findings = (parse(readFileSync(join(__dirname, '..', '..', 'adapters', stack, 'findings.yaml'), 'utf8')) as { findings: Finding[] }).findings;

  test('every finding names a requirement (with evidence) or a harness limitation', () => {
    for (const finding of findings) {
      expect(finding.cases.length).toBeGreaterThan(0);
      expect(Boolean(finding.requirement && finding.evidence) || Boolean(finding.harness)).toBe(true);
    }
  });

  test('the suite fails exactly where the findings say', async () => {
    const results = await runSuite(cases, [findDriver(stack)], [], { jobs: 8 });
    const failing = results.filter((r) => r.verdict === 'fail' || r.verdict === 'error').map((r) => r.id);
    const covered = (id: string) => findings.some((f) => picomatch([...f.cases])(id));
    const unexplained = results.filter((r) => failing.includes(r.id) && !covered(r.id)).map((r) => `${r.id}: ${r.reason ?? ''}`);
    expect(unexplained).toEqual([]);
    const stale = findings.filter((f) => !failing.some((id) => picomatch([...f.cases])(id))).map((f) => f.cases.join(', '));
    expect(stale).toEqual([]);
  }, 300_000);
});
