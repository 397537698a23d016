/** A profile's timers under the names a case writes durations in (`2*msl`, `initialRto`). */
import type { Profile } from '../reference/profile';
import type { TimeValues } from '../suite/time';

export function timeValuesOf(profile: Profile): TimeValues {
  return {
    msl: profile.mslMs,
    initialRto: profile.initialRtoMs,
    minRto: profile.minRtoMs,
    maxRto: profile.maxRtoMs,
    maxAckDelay: profile.maxAckDelayMs,
    userTimeout: profile.userTimeoutMs,
    synUserTimeout: profile.synUserTimeoutMs,
    keepAliveIdle: profile.keepAliveIdleMs,
    keepAliveInterval: profile.keepAliveIntervalMs,
  };
}
