/**
 * The list of equivalent mutants: each names a mutant that exists and says why; `when:` limits an
 * entry to the profiles with those flag values; a mistake in the file names the file and the entry.
 */
import { RFC9293_PROFILE } from '../../src/reference';
import { equivalenceOf, loadEquivalents, parseEquivalents } from '../../src/mutate/equivalents';
import { allMutants } from '../../src/mutate/operators';

const mutants = allMutants();

test("the project's list loads: every entry a mutant, with a reason", () => {
  const equivalents = loadEquivalents(mutants);
  expect(equivalents.length).toBeGreaterThan(10);
  for (const e of equivalents) expect(e.reason.length).toBeGreaterThan(40);
});

test('an entry with when: holds only under the profiles with those values', () => {
  const [entry] = parseEquivalents('- mutant: "skip 3.10.7.4/syn/in-window-reset"\n  when: { rfc5961Syn: true }\n  reason: unreachable with RFC 5961 section 4 on, by construction\n', 'e.yaml', mutants);
  expect(equivalenceOf([entry!], 'skip 3.10.7.4/syn/in-window-reset', RFC9293_PROFILE)).toMatch(/unreachable/);
  expect(equivalenceOf([entry!], 'skip 3.10.7.4/syn/in-window-reset', { ...RFC9293_PROFILE, rfc5961Syn: false })).toBeUndefined();
});

test.each([
  ['- mutant: "skip nothing/such"\n  reason: a reason long enough to pass the length check\n', /e\.yaml: entry 1: 'skip nothing\/such' is not a mutant/],
  ['- mutant: "skip 3.10.7.1/rst-discarded"\n  reason: short\n', /e\.yaml: entry 1: .* needs a reason/],
  ['- mutant: "skip 3.10.7.1/rst-discarded"\n  when: { mss: 536 }\n  reason: a reason long enough to pass the length check\n', /e\.yaml: entry 1: when must name profile flags/],
  ['- mutant: boundary 3.4 Table 6: x\n', /^e\.yaml: /],
])('a wrong entry is named: %s', (text, message) => {
  expect(() => parseEquivalents(text, 'e.yaml', mutants)).toThrow(message);
});
