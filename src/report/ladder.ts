/**
 * The ladder diagram of a case page, as SVG text: the peer (tcpconform) on the left, the target on
 * the right, time flowing down, one arrow per segment. Beside the target's line run the RFC 9293
 * reference machine's states (a coloured band, named at each change) and the target application's
 * calls and events (with the target's own state where a `state` call told it). At the first
 * divergence the observed arrow turns red and the expectation is drawn beside it as a dashed ghost
 * arrow, with a callout naming the step, the mismatch and the requirement it breaks.
 *
 * Time is to scale (PX_PER_MS) on top of a minimum spacing per row; an idle gap longer than BREAK_MS
 * is drawn as a fixed-height break marker that says how long it was, so a 60 s TIME-WAIT costs no more
 * height than a row or two. Pure: text in, text out; every string that came from a case or a target
 * goes through `esc`.
 */
import { runOf, type CaseResult, type StepOutcome, type TraceEvent } from '../runner/result';
import { icmpText, segmentText } from '../runner/summary';
import { arrowLabel, callText, CHAR_WIDTH, esc, eventText, fit, idleText, resultText, timeText, wrap } from './ladder-text';

/** Geometry, in SVG user units (CSS pixels at 100 %). */
export const LADDER_GEOMETRY = {
  width: 1040,
  timeRight: 74,
  peerX: 110,
  targetX: 600,
  bandX: 604,
  bandWidth: 7,
  stateX: 628,
  appX: 752,
  top: 52,
  /** Pixels per millisecond of idle time, on top of each row's own height. */
  pxPerMs: 0.1,
  /** Idle gaps longer than this are drawn as a break marker instead of to scale. */
  breakMs: 2000,
  breakHeight: 46,
  packetRow: 28,
  appRow: 22,
  slant: 8,
  charWidth: CHAR_WIDTH,
} as const;

const G = LADDER_GEOMETRY;

const COLOURS = {
  toTarget: '#0550ae',
  fromTarget: '#8250df',
  bad: '#cf222e',
  waived: '#8250df',
  ghost: '#1a7f37',
  line: '#57606a',
  faint: '#8c959f',
  text: '#1b1f24',
};

/** Band colours by state family: opening blue, established green, closing amber, closed grey. */
function stateFill(state: string): string {
  switch (state) {
    case 'ESTABLISHED': return '#aceebb';
    case 'LISTEN': case 'SYN-SENT': case 'SYN-RECEIVED': return '#b6e3ff';
    case 'CLOSED': return '#d0d7de';
    default: return '#f8e3a1';
  }
}

/** Where in the trace the first divergence shows. */
type Anchor =
  | { readonly at: 'event'; readonly index: number }
  /** Nothing came: the divergence is the deadline passing, after the last event. */
  | { readonly at: 'end' };

function stepKind(step: StepOutcome | undefined): string {
  return step?.text.split(' ')[0] ?? '';
}

/** The trace event the divergence is about: the segment observed, the call that failed, or the end. */
export function divergenceAnchor(result: CaseResult): Anchor | undefined {
  const d = result.divergence;
  if (!d) return undefined;
  const kind = stepKind(result.steps.find((s) => s.index === d.step));
  const last = (pred: (e: TraceEvent) => boolean): number => {
    for (let i = result.trace.length - 1; i >= 0; i--) if (pred(result.trace[i]!)) return i;
    return -1;
  };
  let index = -1;
  // An isn step judges many connections at once: its divergence is the whole exchange, shown at its end.
  if (d.observed === 'nothing' || kind === 'isn') return { at: 'end' };
  if (kind === 'state') index = last((e) => e.kind === 'app-call' && e.call.call === 'state');
  else if (kind === 'app') index = last((e) => e.kind === 'app-call' && e.call.call !== 'state');
  if (index < 0) index = last((e) => e.kind === 'packet' && e.direction === 'from-target' && e.segment !== undefined && segmentText(e.segment) === d.observed);
  if (index < 0 && d.observed === 'a packet that does not parse') index = last((e) => e.kind === 'packet' && e.direction === 'from-target' && !e.segment);
  if (index < 0) index = last((e) => e.kind === 'packet' && e.direction === 'from-target');
  return index < 0 ? { at: 'end' } : { at: 'event', index };
}

interface Arrow {
  readonly y: number;
  readonly fromX: number;
  readonly toX: number;
  readonly colour: string;
  readonly dashed?: boolean;
  readonly width?: number;
}

function arrow({ y, fromX, toX, colour, dashed, width = 1.6 }: Arrow): string {
  const y2 = y + G.slant;
  const dir = Math.sign(toX - fromX);
  const len = Math.hypot(toX - fromX, y2 - y);
  const ux = (toX - fromX) / len;
  const uy = (y2 - y) / len;
  const head = 9;
  const bx = toX - ux * head;
  const by = y2 - uy * head;
  const px = -uy * 4.5;
  const py = ux * 4.5;
  const dash = dashed ? ' stroke-dasharray="7 5"' : '';
  return (
    `<line x1="${fromX}" y1="${y}" x2="${(bx + dir * 0.5).toFixed(1)}" y2="${by.toFixed(1)}" stroke="${colour}" stroke-width="${width}"${dash}/>` +
    `<polygon points="${toX},${y2} ${(bx + px).toFixed(1)},${(by + py).toFixed(1)} ${(bx - px).toFixed(1)},${(by - py).toFixed(1)}" fill="${dashed ? '#fff' : colour}" stroke="${colour}" stroke-width="1.2"/>`
  );
}

function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${x}" y="${y}"${attrs ? ` ${attrs}` : ''}>${esc(content)}</text>`;
}

export interface LadderSvg {
  readonly svg: string;
  readonly height: number;
}

/** The ladder of one case; `undefined` when its trace is empty (a skipped case). */
export function renderLadder(result: CaseResult): LadderSvg | undefined {
  if (result.trace.length === 0 && !result.divergence) return undefined;
  const anchor = divergenceAnchor(result);
  const d = result.divergence;
  const divergedStep = d && result.steps.find((s) => s.index === d.step);
  // A waived case diverged as a failing one did, but its profile declares it: marked in the waiver's colour.
  const waived = result.verdict === 'waived';
  const mark = waived ? COLOURS.waived : COLOURS.bad;
  const span = G.targetX - G.peerX;
  const parts: string[] = [];
  /** Lifeline pieces: from y to y, broken at each break marker. */
  const breaks: { y: number; ms: number }[] = [];
  const stateChanges: { y: number; state: string }[] = [];
  let y: number = G.top;
  let lastTime = 0;
  let lastTimeLabel = '';
  let referenceNow: string | undefined;

  /** Moves y down for the time passed since the previous row: to scale, or a break marker. */
  const advanceTo = (timeMs: number) => {
    const idle = timeMs - lastTime;
    if (idle > G.breakMs) {
      breaks.push({ y: y + 4, ms: idle });
      y += G.breakHeight;
    } else if (idle > 0) {
      // Whole pixels: 10 ms of resolution is plenty, and the SVG stays free of long decimals.
      y += Math.round(idle * G.pxPerMs);
    }
    lastTime = Math.max(lastTime, timeMs);
  };
  const timeLabel = (timeMs: number, rowY: number) => {
    const label = timeText(timeMs);
    if (label === lastTimeLabel) return;
    lastTimeLabel = label;
    parts.push(text(G.timeRight, rowY + 4, label, 'class="t" text-anchor="end"'));
  };
  const noteReference = (state: string | undefined, rowY: number) => {
    if (state === undefined || state === referenceNow) return;
    referenceNow = state;
    stateChanges.push({ y: rowY, state });
  };

  const divergenceBlock = (atY: number, timeMs: number, nothingCame: boolean): number => {
    if (!d) return atY;
    let by = atY;
    const block: string[] = [];
    const kind = stepKind(divergedStep);
    const packetShaped = kind !== 'state' && kind !== 'app' && kind !== 'isn' && d.expected !== '' && d.expected !== 'nothing';
    if (packetShaped) {
      // The reference (or the case) expected a segment from the target: a dashed ghost arrow.
      by += 16;
      const label = `expected: ${d.expected}`;
      block.push(arrow({ y: by, fromX: G.targetX, toX: G.peerX, colour: COLOURS.ghost, dashed: true }));
      block.push(text(G.peerX + span / 2, by - 5, fit(label, span - 20), `class="ghost-label" text-anchor="middle"`));
      if (nothingCame) {
        block.push(text(G.targetX - 8, by + G.slant + 16, `✗ observed: nothing by ${timeText(timeMs)}`, 'class="bad-label" text-anchor="end"'));
        by += 14;
      }
      by += G.slant + 8;
    }
    const where = `${d.file}:${d.line}`;
    const head = `✗ FIRST DIVERGENCE${waived ? ', WAIVED BY THE PROFILE' : ''} · step ${d.step}${divergedStep ? ` (${divergedStep.text})` : ''} · ${where}`;
    // A case's own expectation names the fields that differ; the reference machine's says why, in words.
    const fields = d.mismatches.filter((m) => !m.field.startsWith('RFC'));
    const byReference = d.mismatches.length > fields.length;
    const detail =
      fields.length > 0
        ? fields.map((m) => `${m.field}: expected ${m.expected}, observed ${m.observed}`).join('; ')
        : `expected: ${d.expected || '—'} · observed: ${d.observed || '—'}`;
    const why = waived ? (result.reason ?? '') : byReference && divergedStep?.message ? divergedStep.message : '';
    const breaks9293 = result.spec.requirements.length > 0 ? `breaks ${result.spec.requirements.join(', ')} (${result.level}), RFC 9293 §${result.spec.rfc9293.join(', §')}` : `RFC 9293 §${result.spec.rfc9293.join(', §')} (${result.level})`;
    const boxX = G.peerX - 60;
    const boxW = G.width - boxX - 6;
    const lines = [...wrap(detail, boxW - 24, 2), ...(why ? wrap(why, boxW - 24, waived ? 3 : 2) : []), fit(breaks9293, boxW - 24)];
    const boxY = by + 4;
    const boxH = 24 + lines.length * 15;
    block.push(`<rect x="${boxX}" y="${boxY}" width="${boxW}" height="${boxH}" rx="4" fill="${waived ? '#fbefff' : '#ffebe9'}" stroke="${mark}" stroke-width="1.5"/>`);
    block.push(text(boxX + 12, boxY + 17, fit(head, boxW - 24), 'class="callout-head"'));
    lines.forEach((line, i) => block.push(text(boxX + 12, boxY + 34 + i * 15, line, i === lines.length - 1 ? 'class="callout req"' : 'class="callout"')));
    by = boxY + boxH + 10;
    parts.push(`<g class="divergence${waived ? ' waived' : ''}" id="divergence" data-divergence="${d.step}">${block.join('')}</g>`);
    return by;
  };

  result.trace.forEach((event, i) => {
    advanceTo(event.timeMs);
    const diverged = anchor?.at === 'event' && anchor.index === i;
    if (event.kind === 'packet') {
      const toTarget = event.direction === 'to-target';
      const colour = diverged ? mark : toTarget ? COLOURS.toTarget : COLOURS.fromTarget;
      const rowY = y + 14;
      timeLabel(event.timeMs, rowY);
      noteReference(event.reference, rowY);
      const s = event.segment;
      const main = s ? arrowLabel(s) : event.icmp ? icmpText(event.icmp) : event.note ?? 'not a TCP segment';
      const options = s && s.options !== '' ? ` <${s.options}>` : '';
      const checksum = s && !s.checksumOk ? ' [bad checksum]' : '';
      const title = [
        `${timeText(event.timeMs)} ${toTarget ? 'peer → target' : 'target → peer'}`,
        s ? `${segmentText(s)} · ports ${s.srcPort} → ${s.dstPort}` : event.icmp ? icmpText(event.icmp) : (event.note ?? ''),
        event.reference ? `reference: ${event.reference}` : '',
      ].filter((x) => x !== '').join('\n');
      const [fromX, toX] = toTarget ? [G.peerX, G.targetX] : [G.targetX, G.peerX];
      const cls = `segment ${toTarget ? 'to-target' : 'from-target'}${diverged ? ` diverged${waived ? ' waived' : ''}` : ''}${s ? '' : event.icmp ? ' icmp' : ' not-tcp'}`;
      const labelAttrs = `class="seg-label${diverged ? ' bad-label' : ''}${s || event.icmp ? '' : ' note'}" text-anchor="middle" fill="${colour}"`;
      parts.push(
        `<g class="${cls}"${diverged ? ` data-divergence-observed="${d?.step ?? ''}"` : ''}><title>${esc(title)}</title>` +
          arrow({ y: rowY, fromX, toX, colour, width: diverged ? 2.6 : 1.6, dashed: !s && !event.icmp }) +
          `<text x="${G.peerX + span / 2}" y="${rowY - 4}" ${labelAttrs}>` +
          (diverged ? '✗ ' : '') +
          (s ? `<tspan font-weight="700">${esc(s.flags)}</tspan>${esc(main.slice(s.flags.length))}` : esc(fit(main, span - 40))) +
          (checksum ? `<tspan fill="${COLOURS.bad}">${esc(checksum)}</tspan>` : '') +
          (options ? `<tspan class="opt-label">${esc(fit(options, span - 40 - (main.length + checksum.length) * G.charWidth))}</tspan>` : '') +
          `</text>` +
          `</g>`,
      );
      y += G.packetRow;
    } else {
      const rowY = y + 11;
      timeLabel(event.timeMs, rowY);
      let label: string;
      let bad = false;
      let marker: string;
      if (event.kind === 'app-call') {
        if (event.call.call !== 'state') noteReference(event.reference, rowY);
        const said = resultText(event.call, event.result);
        if (event.call.call === 'state' && event.result.ok) {
          label = `state? → target says ${said}`;
          bad = referenceNow !== undefined && event.result.state !== undefined && event.result.state !== referenceNow;
        } else {
          label = `${callText(event.call)} → ${said}`;
          bad = !event.result.ok;
        }
        marker = `<rect x="${G.targetX - 4}" y="${rowY - 4}" width="8" height="8" fill="${COLOURS.text}"/>`;
      } else {
        label = `⚑ ${eventText(event.event)}`;
        bad = event.event.event === 'error';
        marker = `<circle cx="${G.targetX}" cy="${rowY}" r="4" fill="#fff" stroke="${COLOURS.text}" stroke-width="1.5"/>`;
      }
      if (diverged) bad = true;
      const cls = `app ${event.kind}${diverged ? ` diverged${waived ? ' waived' : ''}` : ''}`;
      parts.push(
        `<g class="${cls}"${diverged ? ` data-divergence-observed="${d?.step ?? ''}"` : ''}>` +
          `<line x1="${G.targetX}" y1="${rowY}" x2="${G.appX - 6}" y2="${rowY}" stroke="${COLOURS.faint}" stroke-width="0.8" stroke-dasharray="1 3"/>` +
          marker +
          text(G.appX, rowY + 4, fit(`${diverged ? '✗ ' : ''}${label}`, G.width - G.appX - 4), `class="app-label${bad ? ' bad-label' : ''}"`) +
          `</g>`,
      );
      y += G.appRow;
    }
    if (diverged) y = divergenceBlock(y, event.timeMs, false);
  });

  if (anchor?.at === 'end') {
    const endMs = Math.max(result.durationMs, lastTime);
    advanceTo(endMs);
    timeLabel(endMs, y + 16);
    y = divergenceBlock(y, endMs, true);
  }
  const bottom = y + 12;

  // Lifelines, broken at each long idle gap.
  const lines: string[] = [];
  let from: number = G.top - 10;
  for (const b of breaks) {
    for (const x of [G.peerX, G.targetX]) lines.push(`<line x1="${x}" y1="${from}" x2="${x}" y2="${b.y}" class="life"/>`);
    from = b.y + G.breakHeight - 8;
    const mid = b.y + (G.breakHeight - 8) / 2;
    const zig = (x: number) =>
      `<path d="M${x - 9},${b.y + 3} l18,-6 M${x - 9},${b.y + G.breakHeight - 8} l18,-6" stroke="${COLOURS.line}" stroke-width="1.5" fill="none"/>`;
    lines.push(
      `<g class="break" data-idle-ms="${Math.round(b.ms)}">` +
        `<rect x="${G.timeRight - 60}" y="${b.y + 4}" width="${G.width - G.timeRight + 54}" height="${G.breakHeight - 16}" fill="#f6f8fa"/>` +
        zig(G.peerX) + zig(G.targetX) +
        text(G.peerX + span / 2, mid + 4, `≈ ${idleText(b.ms)} with nothing sent (not to scale)`, 'class="break-label" text-anchor="middle"') +
        `</g>`,
    );
  }
  for (const x of [G.peerX, G.targetX]) lines.push(`<line x1="${x}" y1="${from}" x2="${x}" y2="${bottom}" class="life"/>`);

  // The reference machine's state along the target's line: a band coloured by state, named at each change.
  const band: string[] = [];
  stateChanges.forEach((change, i) => {
    const end = stateChanges[i + 1]?.y ?? bottom;
    band.push(
      `<g class="ref-state" data-state="${esc(change.state)}">` +
        `<rect x="${G.bandX}" y="${change.y}" width="${G.bandWidth}" height="${Math.max(1, end - change.y)}" fill="${stateFill(change.state)}" stroke="${COLOURS.faint}" stroke-width="0.5"/>` +
        `<line x1="${G.bandX}" y1="${change.y}" x2="${G.stateX - 2}" y2="${change.y}" stroke="${COLOURS.faint}" stroke-width="0.8"/>` +
        text(G.stateX, change.y + 4, change.state, 'class="state-label"') +
        `</g>`,
    );
  });

  const height = Math.ceil(bottom + 6);
  const header =
    text(G.peerX, 18, 'peer', 'class="head" text-anchor="middle"') +
    text(G.peerX, 33, 'tcpconform (scripted)', 'class="sub" text-anchor="middle"') +
    text(G.targetX + 4, 18, 'target', 'class="head" text-anchor="end"') +
    text(G.targetX + 4, 33, fit(runOf(result), 160), 'class="sub" text-anchor="end"') +
    text(G.stateX, 18, 'reference', 'class="head"') +
    text(G.stateX, 33, 'RFC 9293 state', 'class="sub"') +
    text(G.appX, 18, "target's application", 'class="head"') +
    text(G.appX, 33, 'calls ■ and events ●', 'class="sub"') +
    text(G.timeRight, 18, 'time', 'class="head" text-anchor="end"');
  const style =
    '<style>' +
    '.ladder text{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",Menlo,monospace;font-size:11px;fill:#1b1f24}' +
    '.ladder .head{font-family:system-ui,sans-serif;font-size:12.5px;font-weight:700}' +
    '.ladder .sub,.ladder .t,.ladder .opt-label,.ladder .break-label{fill:#57606a}' +
    '.ladder .opt-label{font-size:10px}' +
    '.ladder .seg-label{font-size:11.5px}' +
    '.ladder .to-target .seg-label{fill:#0550ae}.ladder .from-target .seg-label{fill:#8250df}' +
    '.ladder .bad-label,.ladder .diverged .seg-label{fill:#cf222e;font-weight:700}' +
    '.ladder .ghost-label{fill:#1a7f37;font-weight:700;font-size:11.5px}' +
    '.ladder .state-label{font-weight:600}' +
    '.ladder .callout-head{fill:#cf222e;font-weight:700;font-size:12px}' +
    '.ladder .waived .callout-head,.ladder .waived .bad-label{fill:#8250df}' +
    '.ladder .req{font-weight:700}' +
    '.ladder .note{font-style:italic}' +
    `.ladder .life{stroke:${COLOURS.line};stroke-width:1.5}` +
    '</style>';
  const summary = d
    ? `Ladder diagram of ${result.id} on ${runOf(result)}: ${result.trace.length} events; first divergence at step ${d.step}: expected ${d.expected}, observed ${d.observed}.`
    : `Ladder diagram of ${result.id} on ${runOf(result)}: ${result.trace.length} events.`;
  const svg =
    `<svg class="ladder" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${G.width} ${height}" width="${G.width}" height="${height}" role="img" aria-label="${esc(summary)}">` +
    `<title>${esc(summary)}</title>${style}${header}${lines.join('')}${band.join('')}${parts.join('')}</svg>`;
  return { svg, height };
}
