/**
 * A target cannot be set up on this machine, for a reason its operator can fix. The message is one
 * sentence saying what is missing and how to get it, for the CLI to print as it is.
 */
export class TargetSetupError extends Error {
  override readonly name = 'TargetSetupError';
}
