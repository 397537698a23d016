/**
 * The family dimension of a run: which cases run in which family, and what a target's profile says in
 * each. Pure.
 */
import { appCallsNeeded } from '../suite/needs';
import type { Case } from '../suite/case';
import { mssIn, type Profile } from '../reference';
import { wireFamily, type RunFamily } from '../targets/family';

/**
 * Whether `testCase` runs in `family`: every case runs in every family unless it names its own, and
 * `ipv4-mapped` (an AF_INET6 application socket on IPv4) matters only where the application makes
 * calls: without any it is IPv4 exactly.
 */
export function runsIn(testCase: Case, family: RunFamily): boolean {
  if (testCase.family !== undefined && testCase.family !== wireFamily(family)) return false;
  return family !== 'ipv4-mapped' || appCallsNeeded(testCase).size > 0;
}

/**
 * A profile's values in `family`. A profile's MSS is the one its interface gives over IPv4, the MTU
 * less 40 octets of headers (RFC 9293 §3.7.1); over IPv6 the same interface gives 20 octets less,
 * unless the profile says what its target advertises there (`ipv6Mss`: a stack whose segment size is
 * not the interface's).
 */
export function profileIn(profile: Profile, family: RunFamily, ipv6Mss?: number): Profile {
  const wire = wireFamily(family);
  return wire === 'ipv4' ? profile : { ...profile, mss: ipv6Mss ?? mssIn(profile.mss, wire) };
}
