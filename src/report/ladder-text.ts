/**
 * The words and numbers of a ladder diagram (ladder.ts): escaping, fitting text to the diagram's
 * monospace columns, times, segment labels, and the application's calls, results and events.
 */
import type { SegmentSummary } from '../runner/result';
import type { AppCall, AppEvent, AppResult } from '../targets/target';

/** The width of one character of the diagram's monospace text, in SVG user units. */
export const CHAR_WIDTH = 6.7;

/** Escapes text for SVG/HTML content and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Cuts text to fit `px` pixels of monospace, with an ellipsis. */
export function fit(text: string, px: number): string {
  const max = Math.max(4, Math.floor(px / CHAR_WIDTH));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Word-wraps text into lines of at most `px` pixels of monospace, at most `maxLines` lines. */
export function wrap(text: string, px: number, maxLines: number): string[] {
  const max = Math.max(8, Math.floor(px / CHAR_WIDTH));
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  const kept = lines.slice(0, maxLines).map((l) => fit(l, px));
  if (lines.length > maxLines) kept[maxLines - 1] = fit(`${kept[maxLines - 1]!} …`, px);
  return kept;
}

export function timeText(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 100_000 ? 0 : 2)} s`;
  return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

export function idleText(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)} min ${((ms % 60_000) / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** `SA seq 0 ack 1 len 0 win 29184`: the ack only where the ACK bit gives it a meaning. */
export function arrowLabel(s: SegmentSummary): string {
  const ack = s.flags.includes('A') ? ` ack ${s.ack}` : '';
  const urgent = s.urgent === undefined ? '' : ` urg ${s.urgent}`;
  return `${s.flags} seq ${s.seq}${ack} len ${s.length}${urgent} win ${s.window}`;
}

export function callText(call: AppCall): string {
  switch (call.call) {
    case 'listen': case 'connect': return `${call.call} :${call.port}`;
    case 'write': case 'write-urgent': return `${call.call} ${call.bytes}`;
    case 'read': return call.bytes === undefined ? 'read' : `read ${call.bytes}`;
    case 'set-option': return `set-option ${call.name}=${call.value}`;
    default: return call.call;
  }
}

export function resultText(call: AppCall, result: AppResult): string {
  if (!result.ok) return `fails: ${result.error}`;
  if (call.call === 'state') return result.state ?? 'ok';
  if (call.call === 'at-mark') return result.atMark ? 'at the mark' : 'not at the mark';
  return result.bytes !== undefined ? `ok, ${result.bytes} octets${result.eof ? ', end of file' : ''}` : 'ok';
}

export function eventText(event: AppEvent): string {
  switch (event.event) {
    case 'accepted': return `accepted from :${event.remotePort}`;
    case 'error': return `error ${event.error}`;
    default: return event.event;
  }
}

