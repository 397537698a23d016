/**
 * Reads target profiles: tcpconform's own in `profiles/`, or a file of the user's for a stack of
 * their own. The I/O edge of src/profile.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '../suite/problem';
import { parseProfile, type TargetProfile } from '../profile/parse';
import { packagePath } from '../package-root';

export const PROFILES_DIR = packagePath('profiles');

/** `shown` names the file in problems and reports: `profiles/linux.yaml`, or the user's path as typed. */
function parseFile(path: string, shown: string, base?: TargetProfile): TargetProfile {
  const parsed = parseProfile(shown, readFileSync(path, 'utf8'), base);
  if (!parsed.profile) throw new Error(`profile ${shown} is invalid:\n${parsed.problems.map(formatProblem).join('\n')}`);
  return parsed.profile;
}

const ownProfile = (dir: string, name: string, base?: TargetProfile): TargetProfile =>
  parseFile(join(dir, `${name}.yaml`), dir === PROFILES_DIR ? `profiles/${name}.yaml` : join(dir, `${name}.yaml`), base);

/** The RFC's own profile, the base of every other. */
export function rfcProfile(dir = PROFILES_DIR): TargetProfile {
  return ownProfile(dir, 'rfc9293');
}

/** `profiles/<name>.yaml` on top of the RFC's; the RFC's own when the target has no profile file. */
export function loadProfile(name: string, dir = PROFILES_DIR): TargetProfile {
  const base = rfcProfile(dir);
  return existsSync(join(dir, `${name}.yaml`)) ? ownProfile(dir, name, base) : base;
}

/** Whether the user gave a file (`./my-stack.yaml`, `ci/stack.yml`) rather than the name of one of tcpconform's profiles. */
export function isProfileFile(given: string): boolean {
  return given.includes('/') || /\.ya?ml$/.test(given);
}

/**
 * The profile a user names: one of tcpconform's by name (`linux`), or a file of their own, checked
 * against the profile schema on top of RFC 9293's values. Unlike a built-in target's, a missing one
 * is a mistake.
 */
export function namedProfile(given: string, dir = PROFILES_DIR): TargetProfile {
  if (isProfileFile(given)) {
    if (!existsSync(given)) throw new Error(`there is no profile file ${given}`);
    return parseFile(given, given, rfcProfile(dir));
  }
  if (!existsSync(join(dir, `${given}.yaml`))) {
    const known = readdirSync(dir).filter((file) => file.endsWith('.yaml')).map((file) => file.slice(0, -'.yaml'.length));
    throw new Error(`there is no profile '${given}' in ${dir}; known profiles: ${known.join(', ')}; or give a profile file of your own, such as ./my-stack.yaml`);
  }
  return loadProfile(given, dir);
}
