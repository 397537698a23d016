/**
 * How far the harness fell behind the timing a case describes. A case means its peer to act at once
 * after what came before (or at a wait's end); a harness on a loaded machine acts later, and a target's
 * own timers (a delayed ACK, a retransmission, a loss probe) may fire meanwhile and take the exchange
 * somewhere the case does not go. A failure seen after such a delay is the harness's as likely as the
 * target's: the runner runs the case again (run-suite.ts).
 */
import type { HarnessLate } from './result';

export class Lateness {
  /** The largest delay beyond the profile's timing tolerance, if any. */
  private worst: HarnessLate | undefined;
  /** Where the case is: its step's file and line. */
  private at = '';

  /** The case moved on to the step at `file:line`. */
  stepAt(file: string, line: number): void {
    this.at = `${file}:${line}`;
  }

  /**
   * The peer did `what` `lateMs` after the case meant it to; beyond `toleranceMs` (the profile's, as for
   * the target's own timing) it counts.
   */
  note(what: string, lateMs: number, toleranceMs: number): void {
    if (lateMs <= toleranceMs || (this.worst !== undefined && lateMs <= this.worst.ms)) return;
    this.worst = { ms: Math.round(lateMs * 1000) / 1000, what, at: this.at };
  }

  get late(): HarnessLate | undefined {
    return this.worst;
  }
}

/** "240 ms late sending a segment at suites/x.yaml:24". */
export function lateText(late: HarnessLate): string {
  return `${late.ms} ms late ${late.what} at ${late.at}`;
}
