/**
 * The project's own suite against every mutant of the reference machine, with RFC 9293's profile and
 * with Linux's: the score stays at least 95% of the mutants that are not equivalent, no mutant listed
 * as equivalent is killed, and no mutant survives that does not survive today. A change that lowers
 * the score (a case loosened, a case removed, a new rule no case reaches) fails here, naming the
 * mutants it lets through; one that raises it shortens the lists below.
 */
import path from 'node:path';
import { loadSuites } from '../../src/cli/load-suites';
import { loadProfile } from '../../src/cli/load-profiles';
import { loadEquivalents } from '../../src/mutate/equivalents';
import { mutate } from '../../src/mutate/mutate';
import { allMutants } from '../../src/mutate/operators';

const { cases } = loadSuites([path.join(__dirname, '../../suites')]);

/** The mutants no case of suites/ kills today, each for a reason README.md's mutate section gives. */
const SURVIVORS_TODAY = [
  // PSH on data that carries the FIN: stacks may send the FIN on its own, so no case can fix the form.
  'form fin -PSH',
  // Segments spanning the whole window, or a FIN at its very edge: the window is the target's own size.
  'boundary 3.4 Table 6: SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND +1',
  'boundary 3.4 Table 6: SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND -1',
  'boundary 3.10.7.4 first, FIN: FIN < RCV.NXT+RCV.WND +1',
  'boundary 3.10.7.4 first, FIN: FIN < RCV.NXT+RCV.WND -1',
  // A soft ICMP error told to the application (SHLD-25): no target's application side reports one.
  'skip 3.9.2.2/soft-error',
  // RFC 5681 §3.2 step 4's inflation lets new data go during fast recovery, but a stack may send less
  // (RFC 6937's proportional rate reduction, Linux's): no case can require that new data.
  'skip rfc5681/3.2/window-inflated',
];

/**
 * With Linux's profile, R2 is 924 s: the user-timeout case, written for a real clock, is skipped; and a
 * hard ICMP error is soft once synchronized, which the application alone would hear of (SHLD-25).
 */
const LINUX_SURVIVORS_TODAY = [...SURVIVORS_TODAY, 'skip 3.10.8/user-timeout', 'timer user x0.5', 'timer user x2', 'timer user never', 'skip rfc5927/5.2/hard-error-as-soft'];

describe.each([
  ['rfc9293', SURVIVORS_TODAY],
  ['linux', LINUX_SURVIVORS_TODAY],
])('suites/ with the %s profile', (profileName, survivorsToday) => {
  test('kills at least 95% of the mutants that are not equivalent, and every one it killed before', async () => {
    const profile = loadProfile(profileName).profile;
    const report = await mutate(cases, { profile, equivalents: loadEquivalents(allMutants()), jobs: 2 });
    expect(report.mutants.length).toBeGreaterThanOrEqual(150);
    expect(report.mutants.filter((m) => m.listedEquivalent !== undefined).map((m) => m.id)).toEqual([]);
    const survivors = report.mutants.filter((m) => m.status === 'survived').map((m) => m.id);
    expect(survivors.filter((id) => !survivorsToday.includes(id))).toEqual([]);
    expect(report.overall.score).toBeGreaterThanOrEqual(95);
  }, 300_000);
});
