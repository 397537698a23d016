/** The `event` step: the target's application learned of something, within a bound and not too early. */
import type { CaseEventName, Step } from '../../suite/case';
import { formatDuration } from '../../suite/duration';
import type { AppEvent } from '../../targets/target';
import type { Exchange, SeenEvent, StepResult } from '../exchange';

/** The errors a socket reports for RFC 9293's reset, refusal and user timeout. */
const ERROR_EVENTS: Readonly<Record<string, CaseEventName>> = { ECONNRESET: 'reset', ECONNREFUSED: 'refused', ETIMEDOUT: 'timeout' };

/** The name a case gives an application event; undefined for an error no case names. */
export function caseEventOf(event: AppEvent): CaseEventName | undefined {
  return event.event === 'error' ? ERROR_EVENTS[event.error] : event.event;
}

function eventText(event: AppEvent): string {
  return event.event === 'error' ? `error ${event.error}` : event.event;
}

export async function event(x: Exchange, step: Step & { kind: 'event' }, startMs: number): Promise<StepResult> {
  const deadlineMs = startMs + x.ms(step.within);
  const find = (): SeenEvent | undefined => x.appEvents.find((e) => !e.taken && caseEventOf(e.event) === step.event);
  const diverged = await x.watch(() => find() !== undefined, deadlineMs);
  if (diverged) return diverged;
  const expected = `${step.event}${step.after ? ` after ${x.said(step.after)}` : ''} within ${x.said(step.within)}`;
  const found = find();
  if (!found) {
    const others = x.appEvents.filter((e) => !e.taken).map((e) => eventText(e.event));
    const observed = others.length > 0 ? `only ${others.join(', ')}` : 'no event';
    return { outcome: 'fail', expected, observed, message: `expected the application to learn of ${step.event} within ${x.said(step.within)}, but it learned of ${others.length > 0 ? others.join(', ') : 'nothing'}` };
  }
  found.taken = true;
  const atMs = found.timeMs - startMs;
  const observed = atMs < 0 ? `${step.event} before the step began` : `${step.event} after ${formatDuration(atMs)}`;
  if (found.timeMs > deadlineMs) {
    return { outcome: 'fail', expected, observed, mismatches: [{ field: 'time', expected: `<= ${x.said(step.within)}`, observed: formatDuration(atMs) }], message: `${step.event}: expected within ${x.said(step.within)}, observed after ${formatDuration(atMs)}` };
  }
  const after = step.after && x.ms(step.after);
  if (after !== undefined && atMs < after) {
    const notBefore = x.said(step.after!);
    return { outcome: 'fail', expected, observed, mismatches: [{ field: 'time', expected: `>= ${notBefore}`, observed: atMs < 0 ? 'before the step began' : formatDuration(atMs) }], message: `${step.event}: expected no earlier than ${notBefore}, observed ${atMs < 0 ? 'before the step began' : `after ${formatDuration(atMs)}`}` };
  }
  return { outcome: 'pass', expected, observed };
}
