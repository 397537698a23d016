/** The steps about segments: the peer sends (`send`, `fill`), and the target must or must not (`expect`, `either`, `quiet`, `wait`). */
import { seqSub } from '../../wire';
import type { Branch, Step } from '../../suite/case';
import { formatDuration } from '../../suite/duration';
import { patternPayload } from '../../suite/normalize';
import type { TimeExpr } from '../../suite/time';
import type { Exchange, StepResult } from '../exchange';
import { mismatches } from '../match';
import type { Mismatch } from '../result';
import { matchText } from '../summary';

/**
 * How many octets a `fill` step sends before it gives up on the target's window closing: four times
 * gVisor's 1 MiB buffer, the largest of the targets', and far beyond any window offered unscaled.
 */
const FILL_LIMIT = 4 * 1024 * 1024;
/**
 * Full-sized segments a `fill` step sends before it waits for the target's ACK: a receiver acknowledges
 * at least every second one at once (RFC 9293 §3.8.6.3), so no round waits for a delayed ACK, and a
 * target on a real clock takes no longer over a round than the oracle's ACK deadline allows.
 */
const FILL_ROUND = 2;

/**
 * The peer sends its segments. What the target sent before is taken first, so the oracle judges the
 * exchange in the order it happened on the wire, and an ACK the case leaves to the runner acknowledges
 * everything the target had sent.
 */
export async function send(x: Exchange, step: Step & { kind: 'send' }): Promise<StepResult> {
  await x.collectArrived();
  x.sendSegments(step.segments);
  return { outcome: 'pass' };
}

/**
 * Fills the target's window: full-sized segments (its MSS), FILL_ROUND at a time and no further than
 * the right edge it advertised last, then what the oracle obliges it to send (its ACKs, which carry
 * the next window), again until the window it advertises is zero. A window still open after
 * FILL_LIMIT octets is an error of the case on this target, not a finding: a receiver may buffer as
 * much as it likes (RFC 9293 §3.8.6).
 */
export async function fill(x: Exchange, step: Step & { kind: 'fill' }): Promise<StepResult> {
  const offer = x.oracle.targetOffer;
  for (let sent = 0; ; ) {
    if (offer.latestEdge === undefined) throw new Error('fill: the target has advertised no window yet; a fill step needs a connection');
    const usable = seqSub(offer.latestEdge, x.numbering.peerSeq(undefined));
    if (usable <= 0) return { outcome: 'pass', observed: `the window closed after ${sent} octets` };
    if (sent >= FILL_LIMIT) throw new Error(`fill: the target's window is still open (${usable} octets) after ${sent} octets; a fill step gives up after ${FILL_LIMIT}`);
    for (let left = Math.min(usable, FILL_ROUND * offer.mss); left > 0; ) {
      const length = Math.min(offer.mss, left);
      x.sendSegment({ ...step.segment, payload: patternPayload(length), checksum: 'good' });
      left -= length;
      sent += length;
    }
    const settled = await x.settle();
    if (settled.outcome !== 'pass') return settled;
  }
}

/**
 * The segment the step waits for, within its bound. Segments that do not match but that the
 * reference machine allows (a window update, a retransmission, an extra ACK) are passed over: a
 * conforming target may send them. One the machine does not allow fails the step at once.
 */
export async function expect(x: Exchange, step: Step & { kind: 'expect' }): Promise<StepResult> {
  const expected = matchText(step.match);
  const startMs = x.clock.anchorMs;
  const within = x.clock.ms(step.within);
  const deadline = startMs + within + x.clock.slackMs(within);
  let passedOver: { observed: string; found: Mismatch[] } | undefined;
  let others = 0;
  /** Segments passed over that the target sent since the step began (not answers to earlier steps). */
  let before = 0;
  for (let got = await x.pull(deadline); got; got = await x.pull(deadline)) {
    if (got.garbage !== undefined || !got.segment) {
      return { outcome: 'fail', expected, observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage ?? 'no segment'}` };
    }
    const observed = x.segmentTextOf(got);
    const found: Mismatch[] = mismatches(step.match, got.segment, x.numbering, got.ip, got.sameIpId);
    // RFC 9293 §3.1 MUST-2: every segment carries a correct checksum, whatever the case asserts.
    if (!got.checksumOk) found.push({ field: 'checksum', expected: 'valid', observed: 'invalid' });
    // What a timer sends comes after what starts it; a segment sent before answered an earlier step.
    if (step.after && x.clock.cameBeforeAnchor(got)) found.push({ field: 'time', expected: `>= ${x.clock.said(step.after)}`, observed: 'sent before the step began' });
    if (got.violation) return x.divergence(got.violation, observed);
    if (found.length > 0) {
      if (passedOver) others++;
      else passedOver = { observed, found };
      if (!x.clock.cameBeforeAnchor(got)) before++;
      continue;
    }
    const after = step.after && x.clock.ms(step.after);
    const timing = timingText(x, got.atMs - startMs, step.within, step.after);
    if (after !== undefined && got.atMs - startMs < after - x.clock.slackMs(after)) {
      const early = formatDuration(got.atMs - startMs);
      const notBefore = x.clock.said(step.after as TimeExpr);
      return { outcome: 'fail', expected: `${expected} after ${notBefore}`, observed: `${observed} after ${early}`, mismatches: [{ field: 'time', expected: `>= ${notBefore}`, observed: early }], message: `time: expected no earlier than ${notBefore}, observed after ${early}`, timing };
    }
    if (step.match.preceded && before > step.match.preceded.max) {
      const most = step.match.preceded.max;
      return { outcome: 'fail', expected: `${expected} after at most ${most} other segment(s)`, observed: `${observed} after ${before}`, mismatches: [{ field: 'preceded', expected: `<= ${most}`, observed: String(before) }], message: `preceded: the target sent ${before} other segment(s) before ${observed}, at most ${most} may come first` };
    }
    x.clock.moveAnchor(got.atMs);
    return { outcome: 'pass', expected, observed, timing };
  }
  if (passedOver) {
    const more = others > 0 ? ` (and ${others} other segment(s) that did not match either)` : '';
    return {
      outcome: 'fail',
      expected,
      observed: passedOver.observed,
      mismatches: passedOver.found,
      message: `${passedOver.found.map((m) => `${m.field}: expected ${m.expected}, observed ${m.observed}`).join('; ')}${more}`,
    };
  }
  return { outcome: 'fail', expected, observed: 'nothing', message: `expected ${expected} within ${x.clock.said(step.within)}${slackText(x, within)}, but the target sent nothing` };
}

/** ` (+4.4ms tolerance)`, or nothing on an exact clock. */
export function slackText(x: Exchange, intervalMs: number): string {
  const slack = x.clock.slackMs(intervalMs);
  return slack > 0 ? ` (+${formatDuration(slack)} tolerance)` : '';
}

/**
 * How a timed expectation was judged, for the report: the bounds with the profile's tolerance, and the
 * wire time the segment came at, measured from the last thing the case did or saw.
 */
export function timingText(x: Exchange, tookMs: number, within: TimeExpr, after: TimeExpr | undefined): string {
  const withinMs = x.clock.ms(within);
  const bounds = [`within ${x.clock.said(within)}${slackText(x, withinMs)}`];
  if (after) bounds.unshift(`no earlier than ${x.clock.said(after)}${x.clock.slackMs(x.clock.ms(after)) > 0 ? ` (-${formatDuration(x.clock.slackMs(x.clock.ms(after)))} tolerance)` : ''}`);
  return `${bounds.join(', ')}; on the wire ${formatDuration(Math.max(0, tookMs))} after the step's previous event`;
}

/**
 * Where the RFC lets the target choose: the first branch whose opening `expect` the target's next
 * segment matches, and whose reference machine agrees with all the target did, is the way the case
 * goes on. The segment stays for that `expect`, and the branch's steps are appended to `steps`.
 * Segments no branch expects are passed over.
 */
export async function either(x: Exchange, step: Step & { kind: 'either' }, steps: Step[]): Promise<StepResult> {
  const openings = step.branches.map((b) => b.steps[0] as Step & { kind: 'expect' });
  const withinMs = Math.max(...openings.map((o) => x.clock.ms(o.within)));
  const deadline = x.clock.anchorMs + withinMs + x.clock.slackMs(withinMs);
  const expected = `one of: ${openings.map((o) => matchText(o.match)).join(' | ')}`;
  for (let got = await x.pull(deadline); got; got = await x.pull(deadline)) {
    if (!got.segment) return { outcome: 'fail', expected, observed: 'a packet that does not parse', message: `the target sent a malformed packet: ${got.garbage ?? 'no segment'}` };
    if (got.violation) return x.divergence(got.violation, x.segmentTextOf(got));
    const segment = got.segment;
    const branch = openings.findIndex((o, i) => x.oracle.allows(i) && mismatches(o.match, segment, x.numbering, got.ip, got.sameIpId).length === 0);
    if (branch < 0) continue;
    x.inbox.unshift(got);
    x.oracle.choose(branch);
    steps.push(...(step.branches[branch] as Branch).steps);
    return { outcome: 'pass', expected, observed: `${x.segmentTextOf(got)}: branch ${branch + 1}` };
  }
  return { outcome: 'fail', expected, observed: 'nothing', message: `expected ${expected} within ${formatDuration(withinMs)}, but the target sent none of them` };
}

/**
 * Nothing from the target for the step's duration, from the last thing the case did or saw. Segments
 * sent before that answered earlier steps (the oracle has judged them); one in the last stretch the
 * profile's tolerance grants is left for the steps after. Where the case allows retransmissions, a
 * segment repeating an earlier one passes, judged by the oracle alone.
 */
export async function quiet(x: Exchange, step: Step & { kind: 'quiet' }): Promise<StepResult> {
  const startMs = x.clock.anchorMs;
  const duration = x.clock.ms(step.duration);
  const end = startMs + duration;
  const strictEnd = end - x.clock.slackMs(duration);
  for (let got = await x.pull(end); got; got = await x.pull(end)) {
    if (got.violation) return x.divergence(got.violation, x.segmentTextOf(got));
    if (x.clock.cameBeforeAnchor(got) || (step.allowRetransmissions && got.repeats)) continue;
    if (got.atMs >= strictEnd) {
      x.inbox.unshift(got);
      break;
    }
    const observed = x.segmentTextOf(got);
    const after = formatDuration(Math.max(0, got.atMs - startMs));
    return { outcome: 'fail', expected: 'nothing', observed, message: `expected no segment for ${x.clock.said(step.duration)}, but the target sent ${observed} after ${after}` };
  }
  // The quiet lasts its whole duration, also when a segment in the tolerated stretch ended the wait early.
  await x.target.sleep(Math.max(0, end - x.clock.elapsedMs()));
  x.clock.moveAnchor(end);
  return { outcome: 'pass' };
}

/** Time passes; what the target sends meanwhile waits in the inbox for the steps after, judged as it comes. */
export async function wait(x: Exchange, step: Step & { kind: 'wait' }): Promise<StepResult> {
  const startMs = x.clock.elapsedMs();
  await x.target.sleep(x.clock.ms(step.duration));
  x.clock.moveAnchor(startMs + x.clock.ms(step.duration));
  await x.collectArrived();
  return x.judgedInInbox() ?? { outcome: 'pass' };
}
