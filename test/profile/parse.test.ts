import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProfile } from '../../src/profile/parse';
import { formatProblem } from '../../src/suite/problem';
import { RFC9293_PROFILE } from '../../src/reference/profile';
import { loadProfile, namedProfile, PROFILES_DIR, rfcProfile } from '../../src/cli/load-profiles';

test('profiles/rfc9293.yaml says what the reference machine takes as the RFC defaults', () => {
  expect(rfcProfile().profile).toEqual(RFC9293_PROFILE);
  expect(rfcProfile().departures).toEqual([]);
});

test('the linux profile lists each departure from the RFC with its value and source', () => {
  const linux = loadProfile('linux');
  expect(linux.profile).toMatchObject({ name: 'linux', mslMs: 30_000, minRtoMs: 200, maxAckDelayMs: 200, rfc5961Rst: true, rfc5961Syn: true, rfc5961Ack: true, rfc1337: false });
  const msl = linux.departures.find((d) => d.parameter === 'msl');
  expect(msl).toEqual({ parameter: 'msl', value: '30s', rfcValue: '2min', source: expect.stringContaining('TCP_TIMEWAIT_LEN') });
  // initialRto is 1 s in both: named in the profile, but not a departure.
  expect(linux.departures.map((d) => d.parameter)).not.toContain('initialRto');
});

test('every profile in profiles/ is valid', () => {
  for (const file of readdirSync(PROFILES_DIR).filter((f) => f.endsWith('.yaml'))) {
    const parsed = parseProfile(file, readFileSync(join(PROFILES_DIR, file), 'utf8'), rfcProfile());
    expect(parsed.problems.map(formatProblem)).toEqual([]);
  }
});

test('a target without a profile file runs with the RFC profile', () => {
  expect(loadProfile('no-such-target').name).toBe('rfc9293');
});

test('problems name the file, line and what is wrong', () => {
  const base = rfcProfile();
  const bad = 'name: x\ntitle: X\nparameters:\n  msl: { value: 30, source: here }\n  colour: { value: 1, source: there }\n';
  expect(parseProfile('x.yaml', bad, base).problems.map(formatProblem).sort()).toEqual([
    'x.yaml:4:17: parameters.msl.value: must be a duration with its unit, such as 500ms, 1.5s or 2min, found a whole number 30',
    "x.yaml:5:3: parameters: unknown field 'colour'; allowed here: msl, initialRto, minRto, maxRto, maxAckDelay, userTimeout, synUserTimeout, keepAliveIdle, keepAliveInterval, keepAliveCount, rfc5961Rst, rfc5961Syn, rfc5961Ack, rfc1337, reopenFromTimeWait, icmpHardErrorsAbort, ecnAccept, ecnRequest, sourceRoute, windowScaling, windowShift, timestamps, sackPermitted, initialWindow, tailLossProbe, multiplicativeDecrease, receiveBuffer, mss",
  ]);
  expect(parseProfile('base.yaml', 'name: b\ntitle: B\nparameters:\n  msl: { value: 1s, source: s }\n').problems.map(formatProblem)).toEqual([
    'base.yaml:4:3: the base profile must set every parameter; missing: initialRto, minRto, maxRto, maxAckDelay, userTimeout, synUserTimeout, keepAliveIdle, keepAliveInterval, keepAliveCount, rfc5961Rst, rfc5961Syn, rfc5961Ack, rfc1337, reopenFromTimeWait, icmpHardErrorsAbort, ecnAccept, ecnRequest, sourceRoute, windowScaling, windowShift, timestamps, sackPermitted, initialWindow, tailLossProbe, multiplicativeDecrease, receiveBuffer, mss',
  ]);
});

describe('a profile the user names', () => {
  test('by name: one of tcpconform\'s, remembering its file', () => {
    expect(namedProfile('lwip')).toMatchObject({ name: 'lwip', file: 'profiles/lwip.yaml' });
    expect(() => namedProfile('no-such-stack')).toThrow(/there is no profile 'no-such-stack' in .*; known profiles: .*lwip.*; or give a profile file of your own/);
  });

  test('by path: a file of the user\'s, on top of RFC 9293\'s values, named by its own name', () => {
    const profile = namedProfile('adapters/starter/c/profile.yaml');
    expect(profile).toMatchObject({ name: 'tiny-tcp', file: 'adapters/starter/c/profile.yaml' });
    expect(profile.profile.mslMs).toBe(rfcProfile().profile.mslMs);
    expect(profile.profile.maxAckDelayMs).toBe(0);
    expect(() => namedProfile('./no-such-stack.yaml')).toThrow('there is no profile file ./no-such-stack.yaml');
  });
});
