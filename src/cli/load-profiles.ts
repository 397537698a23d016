/** Reads target profiles from `profiles/`: the I/O edge of src/profile. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '../suite/problem';
import { parseProfile, type TargetProfile } from '../profile/parse';

export const PROFILES_DIR = join(__dirname, '..', '..', 'profiles');

function parseFile(path: string, base?: TargetProfile): TargetProfile {
  const parsed = parseProfile(path, readFileSync(path, 'utf8'), base);
  if (!parsed.profile) throw new Error(`profile ${path} is invalid:\n${parsed.problems.map(formatProblem).join('\n')}`);
  return parsed.profile;
}

/** The RFC's own profile, the base of every other. */
export function rfcProfile(dir = PROFILES_DIR): TargetProfile {
  return parseFile(join(dir, 'rfc9293.yaml'));
}

/** `profiles/<name>.yaml` on top of the RFC's; the RFC's own when the target has no profile file. */
export function loadProfile(name: string, dir = PROFILES_DIR): TargetProfile {
  const base = rfcProfile(dir);
  const path = join(dir, `${name}.yaml`);
  return existsSync(path) ? parseFile(path, base) : base;
}
