/** A command's `--profile`, read before anything runs. */
import type { TargetProfile } from '../../profile/parse';
import { ExitCode } from '../exit-codes';
import { namedProfile } from '../load-profiles';
import { complain, messageOf } from '../options';

/** The profile `name` names; undefined once it has said why there is none (a usage error, exit 2). */
export function profileArgument(name: string): TargetProfile | undefined {
  try {
    return namedProfile(name);
  } catch (error) {
    complain(`tcpconform: ${messageOf(error)}`);
    process.exitCode = ExitCode.usage;
    return undefined;
  }
}
