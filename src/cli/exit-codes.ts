/** The exit codes the README documents; a CI pipeline branches on them. */
export const ExitCode = {
  /** Every selected case passed (or was skipped with a reason). */
  ok: 0,
  /** At least one case failed: a conformance finding. */
  failures: 1,
  /** The command line or a suite file is wrong. */
  usage: 2,
  /** The harness or its environment failed (a case errored, a target could not be set up). */
  environment: 3,
  /** Interrupted by SIGINT / SIGTERM (128 + signal number, as shells report it). */
  sigint: 130,
  sigterm: 143,
} as const;
