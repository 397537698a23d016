/**
 * A case's time: milliseconds on the target's clock since the case began, the anchor that `within`,
 * `after` and `quiet` measure from, the profile's timers and tolerance, and how far the harness fell
 * behind the times the case means (lateness.ts).
 */
import { formatDuration } from '../suite/duration';
import { timeMs, type TimeExpr, type TimeValues } from '../suite/time';
import type { Target } from '../targets/target';
import { toleranceMs, type Profile, type TimingTolerance } from '../reference';
import { timeValuesOf } from '../profile/time-values';
import { Lateness } from './lateness';

export class CaseClock {
  private readonly startNs: bigint;
  /** The profile's timers, for durations a case writes in them (`2*msl`). */
  private readonly timeValues: TimeValues;
  private readonly tolerance: TimingTolerance;
  /**
   * When the last thing the case did or saw happened: the peer's segment written, the application's
   * call made, the expected segment on the wire, a wait or quiet over. `within`, `after` and `quiet`
   * measure from here, so a harness late to start a step judges the target by the same wire times as
   * a prompt one.
   */
  private anchor = 0;
  /**
   * The exchange's events in the order the harness saw them: a segment taken before the anchor's event
   * came before it, also when a virtual clock gives both the same time.
   */
  private events = 0;
  private anchorEvent = 0;
  /** When the harness last stopped waiting for what the reference machine obliged the target to send (settle). */
  private settledAt = 0;
  /** How far the harness fell behind the case's timing. */
  readonly lateness = new Lateness();

  constructor(private readonly target: Target, profile: Profile) {
    this.startNs = target.now();
    this.timeValues = timeValuesOf(profile);
    this.tolerance = profile.timingTolerance;
  }

  /** Milliseconds since the case started, on the target's clock (virtual for virtual-clock targets). */
  elapsedMs(timeNs: bigint = this.target.now()): number {
    return Number(timeNs - this.startNs) / 1e6;
  }

  /** A case's duration under this target's profile, in milliseconds. */
  ms(time: TimeExpr): number {
    return timeMs(time, this.timeValues);
  }

  /** `59s (2*msl - 1s)`: the duration, and how the case wrote it when that says more. */
  said(time: TimeExpr): string {
    const text = formatDuration(this.ms(time));
    return text === time.text ? text : `${text} (${time.text})`;
  }

  /** The slack a timed check of `intervalMs` is granted: the target profile's tolerance. */
  slackMs(intervalMs: number): number {
    return toleranceMs(this.tolerance, intervalMs);
  }

  get anchorMs(): number {
    return this.anchor;
  }

  /** The place of something the harness just took among the exchange's events. */
  nextOrder(): number {
    return ++this.events;
  }

  /** The case moved on at `atMs`; a segment taken from the inbox that came earlier does not move it back. */
  moveAnchor(atMs: number): void {
    this.anchor = Math.max(this.anchor, atMs);
    this.anchorEvent = ++this.events;
  }

  /** Whether what came at `atMs`, taken as event `order`, came before the anchor: on the wire, or (at the same time) before it in the harness's order. */
  cameBeforeAnchor(got: { readonly atMs: number; readonly order: number }): boolean {
    return got.atMs < this.anchor || got.order < this.anchorEvent;
  }

  /** The harness's wait for what the target owed ended at `atMs`: a deadline waited out, or the segment that met it. */
  settledUntil(atMs: number): void {
    this.settledAt = Math.max(this.settledAt, atMs);
  }

  /**
   * The peer did `what` at `atMs`; the case meant it to follow the last thing that happened, or the end
   * of the harness's own wait for what the target owed. Beyond the profile's least tolerance, the
   * harness was late.
   */
  noteActedAt(what: string, atMs: number): void {
    this.noteLate(what, atMs - Math.max(this.anchor, this.settledAt));
  }

  /** Something the case means to take no time (a burst, an application call) took `tookMs`. */
  noteTook(what: string, tookMs: number): void {
    this.noteLate(what, tookMs);
  }

  private noteLate(what: string, lateMs: number): void {
    // Only a real clock runs while the harness works; the case's first act follows nothing, so no time was meant for it.
    if (this.target.capabilities.clock === 'real' && this.events > 0) this.lateness.note(what, lateMs, this.slackMs(0));
  }
}
