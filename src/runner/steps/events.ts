/**
 * The `event` step: the target's application learned of something, within a bound and not too early,
 * both measured as `expect` measures them: from the last thing the case did or saw, with the target
 * profile's tolerance.
 */
import type { CaseEventName, Step } from '../../suite/case';
import { formatDuration } from '../../suite/duration';
import type { AppEvent } from '../../targets/target';
import type { Exchange, SeenEvent, StepResult } from '../exchange';
import { slackText, timingText } from './segments';

/** The errors a socket reports for RFC 9293's reset, refusal and user timeout. */
const ERROR_EVENTS: Readonly<Record<string, CaseEventName>> = { ECONNRESET: 'reset', ECONNREFUSED: 'refused', ETIMEDOUT: 'timeout' };

/** The name a case gives an application event; undefined for an error no case names. */
export function caseEventOf(event: AppEvent): CaseEventName | undefined {
  return event.event === 'error' ? ERROR_EVENTS[event.error] : event.event;
}

function eventText(event: AppEvent): string {
  return event.event === 'error' ? `error ${event.error}` : event.event;
}

export async function event(x: Exchange, step: Step & { kind: 'event' }): Promise<StepResult> {
  const startMs = x.clock.anchorMs;
  const withinMs = x.clock.ms(step.within);
  const deadlineMs = startMs + withinMs + x.clock.slackMs(withinMs);
  const find = (): SeenEvent | undefined => x.appEvents.find((e) => !e.taken && caseEventOf(e.event) === step.event);
  const diverged = await x.watch(() => find() !== undefined, deadlineMs);
  if (diverged) return diverged;
  const expected = `${step.event}${step.after ? ` after ${x.clock.said(step.after)}` : ''} within ${x.clock.said(step.within)}`;
  const found = find();
  if (!found) {
    const others = x.appEvents.filter((e) => !e.taken).map((e) => eventText(e.event));
    const observed = others.length > 0 ? `only ${others.join(', ')}` : 'no event';
    return { outcome: 'fail', expected, observed, message: `expected the application to learn of ${step.event} within ${x.clock.said(step.within)}${slackText(x, withinMs)}, but it learned of ${others.length > 0 ? others.join(', ') : 'nothing'}` };
  }
  found.taken = true;
  const tookMs = found.timeMs - startMs;
  const early = tookMs < 0 ? 'before the step began' : `after ${formatDuration(tookMs)}`;
  const observed = `${step.event} ${early}`;
  const timing = timingText(x, tookMs, step.within, step.after);
  if (found.timeMs > deadlineMs) {
    return { outcome: 'fail', expected, observed, mismatches: [{ field: 'time', expected: `<= ${x.clock.said(step.within)}`, observed: formatDuration(tookMs) }], message: `${step.event}: expected within ${x.clock.said(step.within)}, observed after ${formatDuration(tookMs)}`, timing };
  }
  const afterMs = step.after && x.clock.ms(step.after);
  if (afterMs !== undefined && tookMs < afterMs - x.clock.slackMs(afterMs)) {
    const notBefore = x.clock.said(step.after!);
    return { outcome: 'fail', expected, observed, mismatches: [{ field: 'time', expected: `>= ${notBefore}`, observed: tookMs < 0 ? 'before the step began' : formatDuration(tookMs) }], message: `${step.event}: expected no earlier than ${notBefore}, observed ${early}`, timing };
  }
  x.clock.moveAnchor(found.timeMs);
  return { outcome: 'pass', expected, observed, timing };
}
