/**
 * A case's trace as a ladder in plain text: one row per segment or application call, the peer on the
 * left of the arrow and the target on the right, numbers relative as the case writes them, and the
 * reference machine's state after each. `tcpconform explain` prints it, and jest failures end with it.
 */
import type { TraceEvent } from '../runner/result';
import type { AppCall, AppEvent, AppResult } from '../targets/target';

const COLUMNS = { time: 8, dir: 11, flags: 5, seq: 7, ack: 7, win: 6, len: 5, state: 13 } as const;

/** Seconds with milliseconds, e.g. `0.200s`; the trace's times are milliseconds since the case began. */
function timeText(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

function callText(call: AppCall): string {
  switch (call.call) {
    case 'listen': return `listen ${call.port}`;
    case 'connect': return `connect to port ${call.port}`;
    case 'write': case 'write-urgent': return `${call.call} ${call.bytes}`;
    case 'read': return call.bytes === undefined ? 'read' : `read ${call.bytes}`;
    case 'set-option': return `set-option ${call.name} ${call.value}`;
    default: return call.call;
  }
}

function resultText(result: AppResult): string {
  if (!result.ok) return `fails with ${result.error}`;
  if (result.state !== undefined) return result.state;
  if (result.atMark !== undefined) return result.atMark ? 'at the urgent mark' : 'not at the urgent mark';
  if (result.bytes !== undefined) return `${result.bytes} octets${result.eof ? ', end of file' : ''}`;
  return 'ok';
}

function eventText(event: AppEvent): string {
  switch (event.event) {
    case 'accepted': return `the application accepts a connection from port ${event.remotePort}`;
    case 'connected': return 'the application learns it is connected';
    case 'eof': return 'the application reads the end of the stream';
    case 'closing': return "the application learns of the peer's FIN";
    case 'urgent': return 'the application learns of urgent data';
    case 'error': return `the application learns of ${event.error}`;
  }
}

/** A row: the columns up to `len` padded, then the state, then whatever is left. */
function row(time: string, dir: string, cells: readonly [string, string, string, string, string] | string, state: string, rest: string): string {
  const middle =
    typeof cells === 'string'
      ? cells.padEnd(COLUMNS.flags + COLUMNS.seq + COLUMNS.ack + COLUMNS.win + COLUMNS.len + 4)
      : [
          cells[0].padEnd(COLUMNS.flags),
          cells[1].padStart(COLUMNS.seq),
          cells[2].padStart(COLUMNS.ack),
          cells[3].padStart(COLUMNS.win),
          cells[4].padStart(COLUMNS.len),
        ].join(' ');
  return `${time.padStart(COLUMNS.time)}  ${dir.padEnd(COLUMNS.dir)} ${middle}  ${state.padEnd(COLUMNS.state)} ${rest}`.trimEnd();
}

function eventRow(event: TraceEvent): string {
  switch (event.kind) {
    case 'packet': {
      const who = event.direction === 'to-target' ? 'peer ──▶' : '     ◀──';
      const s = event.segment;
      if (!s) return row(timeText(event.timeMs), who, event.note ?? 'a packet that is not a TCP segment', event.reference ?? '', '');
      const extras = [s.urgent === undefined ? '' : `urg ${s.urgent}`, s.options === '' ? '' : `<${s.options}>`, s.checksumOk ? '' : '[bad checksum]'].filter((x) => x !== '').join(' ');
      const ack = s.flags.includes('A') ? String(s.ack) : '-';
      return row(timeText(event.timeMs), who, [s.flags, String(s.seq), ack, String(s.window), String(s.length)], event.reference ?? '', extras);
    }
    case 'app-call':
      return row(timeText(event.timeMs), '     app', `${callText(event.call)} → ${resultText(event.result)}`, event.reference ?? '', '');
    case 'app-event':
      return row(timeText(event.timeMs), '     app', eventText(event.event), '', '');
  }
}

/**
 * The ladder: a header, then one row per event. `peer ──▶` is a segment the peer sends the target,
 * `◀──` one the target sends the peer, `app` the target's application.
 */
export function ladderLines(trace: readonly TraceEvent[]): string[] {
  const header = row('time', '', ['flags', 'seq', 'ack', 'win', 'len'], 'state', 'options');
  return [header, ...trace.map(eventRow)];
}
