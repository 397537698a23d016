import { parseCase } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';
import { meeting, unmetCondition, whenText } from '../../src/suite/when';

const profile = { name: 'p', rfc1337: false, mss: 536 };

describe('when', () => {
  test('a flag and a range are met, or the first unmet one is said in words', () => {
    expect(unmetCondition({ rfc1337: false, mss: { min: 500, max: 600 } }, profile)).toBeUndefined();
    expect(unmetCondition(undefined, profile)).toBeUndefined();
    expect(unmetCondition({ mss: { min: 537, max: Number.MAX_SAFE_INTEGER } }, profile)).toBe('written for mss: 537 or more; the p profile sets mss: 536');
    expect(unmetCondition({ rfc1337: true }, profile)).toBe('written for rfc1337: true; the p profile sets rfc1337: false');
  });

  test('meeting changes a profile as little as it takes', () => {
    expect(meeting({ rfc1337: true, mss: { min: 537, max: 9000 } }, profile)).toEqual({ name: 'p', rfc1337: true, mss: 537 });
    expect(meeting({ mss: { min: 0, max: 500 } }, profile)).toEqual({ ...profile, mss: 500 });
    expect(meeting(undefined, profile)).toEqual(profile);
  });

  test('a case writes flags and ranges; the schema names the parameters a when may take', () => {
    const header = 'id: a/b\ntitle: t\nspec: { rfc9293: ["3.5"] }\nlevel: MUST\n';
    const parsed = parseCase('c.yaml', `${header}when: { rfc5961Rst: false, mss: { min: 537 } }\nsteps:\n  - wait: 1s\n`);
    expect(parsed.problems).toEqual([]);
    expect(parsed.case?.when).toEqual({ rfc5961Rst: false, mss: { min: 537, max: Number.MAX_SAFE_INTEGER } });
    expect(whenText(parsed.case?.when ?? {})).toBe('rfc5961Rst: false, mss: 537 or more');
    const wrong = parseCase('c.yaml', `${header}when: { challengeAcks: true }\nsteps:\n  - wait: 1s\n`).problems.map(formatProblem);
    expect(wrong).toEqual([expect.stringMatching(/^c\.yaml:5:9: when: unknown field 'challengeAcks'; allowed here: rfc5961Rst, rfc5961Syn, rfc5961Ack, rfc1337, reopenFromTimeWait, windowScaling, timestamps, sackPermitted, icmpHardErrorsAbort, ecnAccept, ecnRequest, sourceRoute, mss, userTimeoutMs$/)]);
  });
});
