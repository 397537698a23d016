/** Reads target profiles from `profiles/`: the I/O edge of src/profile. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The profile a user names for a target of theirs: unlike a built-in target's, a missing one is a mistake. */
export function namedProfile(name: string, dir = PROFILES_DIR): TargetProfile {
  if (!existsSync(join(dir, `${name}.yaml`))) {
    const known = readdirSync(dir).filter((file) => file.endsWith('.yaml')).map((file) => file.slice(0, -'.yaml'.length));
    throw new Error(`there is no profile '${name}' in ${dir}; known profiles: ${known.join(', ')}`);
  }
  return loadProfile(name, dir);
}
