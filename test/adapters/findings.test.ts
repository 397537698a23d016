/**
 * Each virtual-clock stack runs the whole suite in both families, and its failures must be exactly what
 * its adapters/<stack>/findings.yaml says: every failing case covered by a finding (with its evidence in
 * the stack's source), and every finding still shown by a failing case in each family it names (both,
 * unless it says `families:`) where its cases run. A new failure is either a
 * finding to write down with its evidence, or a harness bug to fix — never a case to loosen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { findDriver } from '../../src/cli/drivers';
import { loadSuites } from '../../src/cli/load-suites';
import { runSuite } from '../../src/runner/run-suite';
import { familyOf, runOf } from '../../src/runner/result';
import type { RunFamily } from '../../src/targets/family';

interface Finding {
  readonly requirement?: string;
  readonly harness?: string;
  readonly cases: readonly string[];
  readonly evidence?: string;
  /** The families it shows in; both when absent (a finding that differs by family names its own). */
  readonly families?: readonly RunFamily[];
}

const FAMILIES: readonly RunFamily[] = ['ipv4', 'ipv6'];

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
    const results = await runSuite(cases, [findDriver(stack)], [], { jobs: 8, families: FAMILIES });
    const familiesOf = (f: Finding) => f.families ?? FAMILIES;
    const failing = results.filter((r) => r.verdict === 'fail' || r.verdict === 'error');
    const covered = (id: string, family: RunFamily) => findings.some((f) => familiesOf(f).includes(family) && picomatch([...f.cases])(id));
    const unexplained = failing.filter((r) => !covered(r.id, familyOf(r))).map((r) => `${r.id} on ${runOf(r)}: ${r.reason ?? ''}`);
    expect(unexplained).toEqual([]);
    // Stale: a family the finding names, where its cases ran (were not skipped), and none failed.
    const stale = findings.flatMap((f) =>
      familiesOf(f)
        .filter((family) => results.some((r) => r.verdict !== 'skip' && familyOf(r) === family && picomatch([...f.cases])(r.id)))
        .filter((family) => !failing.some((r) => familyOf(r) === family && picomatch([...f.cases])(r.id)))
        .map((family) => `${f.cases.join(', ')} (${family})`),
    );
    expect(stale).toEqual([]);
  }, 300_000);
});
