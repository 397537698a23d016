/**
 * A user call's error return, in the RFC's words (RFC 9293 §3.10: "Error responses in this document are
 * identified by character strings").
 */
import type { Output } from './output';
import type { Rule } from './rules';

export type UserCallErrorReason =
  | 'connection does not exist'
  | 'connection already exists'
  | 'connection closing'
  | 'remote socket unspecified'
  | 'invalid remote address';

export class UserCallError extends Error {
  /** What the endpoint did in the same event before refusing: timers that were due fired. */
  outputs: Output[] = [];

  constructor(
    readonly reason: UserCallErrorReason,
    /** The rule that answered with this error. */
    readonly rule: Rule,
  ) {
    super(`error: ${reason} (${rule})`);
    this.name = 'UserCallError';
  }
}
