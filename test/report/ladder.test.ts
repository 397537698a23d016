import { divergenceAnchor, LADDER_GEOMETRY, renderLadder } from '../../src/report/ladder';
import { renderHtmlReport } from '../../src/report/html';
import type { CaseResult, Direction, SegmentSummary, TraceEvent } from '../../src/runner/result';
import { segmentText } from '../../src/runner/summary';
import type { TcpState } from '../../src/wire';

const hostile = '<script>alert(1)</script>';

function segment(flags: string, seq: number, ack: number, length = 0, window = 65535, options = ''): SegmentSummary {
  return { flags, seq, ack, length, window, options, srcPort: 40000, dstPort: 8080, checksumOk: true };
}

function packet(timeMs: number, direction: Direction, s: SegmentSummary, reference?: TcpState): TraceEvent {
  return { kind: 'packet', timeMs, direction, hex: '45', segment: s, ...(reference && { reference }) };
}

function result(overrides: Partial<CaseResult>): CaseResult {
  return {
    id: 'handshake/example',
    title: 'An example',
    area: 'handshake',
    level: 'MUST',
    spec: { rfc9293: ['3.5'], requirements: ['EVT-3.10.7.2-SYN-1'] },
    tags: [],
    file: 'suites/handshake/example.yaml',
    target: 'linux',
    verdict: 'pass',
    startedAt: Date.UTC(2026, 10, 24),
    durationMs: 1,
    steps: [],
    trace: [],
    ...overrides,
  };
}

const synAck = segment('SA', 0, 1, 0, 64240, 'mss 1460');

/** The handshake of test/fixtures/wrong-ack.yaml: the case wants ack 5, the SYN-ACK says 1. */
const wrongAck = result({
  verdict: 'fail',
  reason: 'x.yaml:7: ack: expected 5, observed 1',
  divergence: { step: 2, file: 'x.yaml', line: 7, expected: 'SA ack 5', observed: segmentText(synAck), mismatches: [{ field: 'ack', expected: '5', observed: '1' }] },
  steps: [
    { index: 0, line: 5, text: 'app listen', outcome: 'pass' },
    { index: 1, line: 6, text: 'send S win 65535 <mss 1460>', outcome: 'pass' },
    { index: 2, line: 7, text: 'expect SA ack 5 within 1s', outcome: 'fail', expected: 'SA ack 5', observed: segmentText(synAck), message: 'ack: expected 5, observed 1' },
  ],
  trace: [
    { kind: 'app-call', timeMs: 0, call: { call: 'listen', port: 8080 }, result: { ok: true }, reference: 'LISTEN' },
    packet(0.05, 'to-target', segment('S', 0, 0, 0, 65535, 'mss 1460'), 'SYN-RECEIVED'),
    packet(0.09, 'from-target', synAck, 'SYN-RECEIVED'),
  ],
});

/** The text a reader sees: tags dropped, entities decoded. */
function visibleText(svg: string): string {
  return svg
    .replace(/<title>[^<]*<\/title>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Every element closed in order, no stray `<`: the document is one well-formed tree. */
function expectBalanced(svg: string): void {
  const stack: string[] = [];
  const tags = svg.match(/<[^>]*>/g) ?? [];
  for (const tag of tags) {
    if (tag.endsWith('/>')) continue;
    const close = /^<\/([a-z]+)>$/.exec(tag);
    const open = /^<([a-z]+)[\s>]/.exec(tag);
    if (close) expect(stack.pop()).toBe(close[1]);
    else if (open) stack.push(open[1]!);
    else throw new Error(`not a tag: ${tag}`);
  }
  expect(stack).toEqual([]);
  // No `<` outside a tag: text content is escaped.
  expect(svg.replace(/<[^>]*>/g, '')).not.toContain('<');
}

const count = (svg: string, needle: RegExp) => (svg.match(needle) ?? []).length;

describe('renderLadder', () => {
  test('one arrow per segment, each labelled with flags, relative seq/ack, length and window', () => {
    const { svg } = renderLadder(wrongAck)!;
    expectBalanced(svg);
    expect(svg.startsWith('<svg class="ladder"')).toBe(true);
    expect(count(svg, /<g class="segment /g)).toBe(2);
    expect(count(svg, /<g class="segment to-target/g)).toBe(1);
    expect(count(svg, /<g class="segment from-target/g)).toBe(1);
    const seen = visibleText(svg);
    expect(seen).toContain('S seq 0 len 0 win 65535');
    expect(seen).toContain('SA seq 0 ack 1 len 0 win 64240');
    expect(seen).toContain('<mss 1460>');
    // Peer on the left, target on the right: the SYN goes left to right, the SYN-ACK right to left.
    const { peerX, targetX } = LADDER_GEOMETRY;
    expect(svg).toMatch(new RegExp(`<g class="segment to-target[^"]*">[\\s\\S]*?<line x1="${peerX}" `));
    expect(svg).toMatch(new RegExp(`<g class="segment from-target[^"]*"[^>]*>[\\s\\S]*?<line x1="${targetX}" `));
  });

  test('the first divergence is marked: the observed arrow red, the expectation as a ghost, a callout with step and requirement', () => {
    const { svg } = renderLadder(wrongAck)!;
    expect(divergenceAnchor(wrongAck)).toEqual({ at: 'event', index: 2 });
    expect(count(svg, /data-divergence="2"/g)).toBe(1);
    expect(svg).toMatch(/<g class="segment from-target diverged" data-divergence-observed="2">/);
    expect(svg).toContain('stroke-dasharray="7 5"');
    const seen = visibleText(svg);
    expect(seen).toContain('expected: SA ack 5');
    expect(seen).toContain('FIRST DIVERGENCE · step 2 (expect SA ack 5 within 1s) · x.yaml:7');
    expect(seen).toContain('ack: expected 5, observed 1');
    expect(seen).toContain('breaks EVT-3.10.7.2-SYN-1 (MUST)');
  });

  test('nothing observed: the expectation is drawn at the deadline, with "observed: nothing"', () => {
    const missing = result({
      verdict: 'fail',
      durationMs: 1200,
      divergence: { step: 1, file: 'y.yaml', line: 21, expected: 'a RST with seq 1', observed: 'nothing', mismatches: [{ field: 'RFC 9293 §3.10', expected: 'a RST with seq 1', observed: 'nothing' }] },
      steps: [
        { index: 0, line: 20, text: 'quiet 200ms', outcome: 'pass' },
        { index: 1, line: 21, text: 'send PA seq 1 ack 1 win 65535 len 10', outcome: 'fail', message: 'RFC 9293 §3.10: the reference machine sends a RST with seq 1 here (state CLOSED), but by 1200 ms the target had not' },
      ],
      trace: [packet(200, 'to-target', segment('PA', 1, 1, 10), 'CLOSED')],
    });
    expect(divergenceAnchor(missing)).toEqual({ at: 'end' });
    const { svg } = renderLadder(missing)!;
    expectBalanced(svg);
    const seen = visibleText(svg);
    expect(seen).toContain('expected: a RST with seq 1');
    expect(seen).toContain('observed: nothing by 1.20 s');
    // The reference machine's reasoning is part of the callout.
    expect(seen).toContain('the reference machine sends a RST with seq 1');
    expect(count(svg, /data-divergence="1"/g)).toBe(1);
  });

  test("a state divergence marks the target's answer, with no ghost arrow", () => {
    const wrongState = result({
      verdict: 'fail',
      divergence: { step: 1, file: 'z.yaml', line: 9, expected: 'CLOSE-WAIT', observed: 'ESTABLISHED', mismatches: [{ field: 'state', expected: 'CLOSE-WAIT', observed: 'ESTABLISHED' }] },
      steps: [
        { index: 0, line: 8, text: 'send FA win 65535', outcome: 'pass' },
        { index: 1, line: 9, text: 'state CLOSE-WAIT', outcome: 'fail' },
      ],
      trace: [
        packet(0, 'to-target', segment('FA', 1, 1), 'CLOSE-WAIT'),
        packet(0.1, 'from-target', segment('A', 1, 2)),
        { kind: 'app-call', timeMs: 0.2, call: { call: 'state' }, result: { ok: true, state: 'ESTABLISHED' } },
      ],
    });
    const { svg } = renderLadder(wrongState)!;
    expectBalanced(svg);
    expect(svg).toMatch(/<g class="app app-call diverged" data-divergence-observed="1">/);
    expect(visibleText(svg)).toContain('✗ state? → target says ESTABLISHED');
    expect(svg).not.toContain('stroke-dasharray="7 5"');
    expect(visibleText(svg)).toContain('state: expected CLOSE-WAIT, observed ESTABLISHED');
  });

  test("the reference machine's state is written along the target's line as it changes; app calls and events beside it", () => {
    const trace: TraceEvent[] = [
      ...wrongAck.trace,
      packet(0.1, 'to-target', segment('A', 1, 1), 'ESTABLISHED'),
      { kind: 'app-event', timeMs: 0.2, event: { event: 'accepted', remotePort: 40000 } },
      packet(0.3, 'to-target', segment('A', 1, 1), 'ESTABLISHED'),
    ];
    const { svg } = renderLadder(result({ trace }))!;
    const states = [...svg.matchAll(/<g class="ref-state" data-state="([A-Z-]+)">/g)].map((m) => m[1]);
    expect(states).toEqual(['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED']);
    const seen = visibleText(svg);
    expect(seen).toContain('listen :8080 → ok');
    expect(seen).toContain('accepted from :40000');
    expect(svg).not.toContain('data-divergence');
  });

  test('time runs down to scale, and a long idle gap becomes a break marker that says how long it was', () => {
    const y = (svg: string, n: number) => Number([...svg.matchAll(/<g class="segment[^>]*>(?:<title>[^<]*<\/title>)?<line x1="\d+" y1="([\d.]+)"/g)][n]![1]);
    const close = renderLadder(result({ trace: [packet(0, 'to-target', segment('A', 1, 1)), packet(1, 'to-target', segment('A', 1, 1))] }))!.svg;
    const apart = renderLadder(result({ trace: [packet(0, 'to-target', segment('A', 1, 1)), packet(1000, 'to-target', segment('A', 1, 1))] }))!.svg;
    const gapClose = y(close, 1) - y(close, 0);
    const gapApart = y(apart, 1) - y(apart, 0);
    expect(Math.abs(gapApart - gapClose - 999 * LADDER_GEOMETRY.pxPerMs)).toBeLessThanOrEqual(1);
    expect(close).not.toContain('class="break"');

    const timeWait = renderLadder(result({ trace: [packet(0, 'to-target', segment('FA', 1, 1)), packet(60_000, 'to-target', segment('A', 2, 2))] }))!;
    expect(timeWait.svg).toContain('<g class="break" data-idle-ms="60000">');
    expect(visibleText(timeWait.svg)).toContain('≈ 1 min 0 s with nothing sent (not to scale)');
    expect(timeWait.height).toBeLessThan(250);
  });

  test('a 60-segment exchange stays one arrow per segment, about a row each', () => {
    const trace: TraceEvent[] = [];
    for (let i = 0; i < 30; i++) {
      trace.push(packet(i * 10, 'to-target', segment('PA', 1 + i * 100, 1, 100), 'ESTABLISHED'));
      trace.push(packet(i * 10 + 0.1, 'from-target', segment('A', 1, 101 + i * 100)));
    }
    const { svg, height } = renderLadder(result({ trace }))!;
    expectBalanced(svg);
    expect(count(svg, /<g class="segment /g)).toBe(60);
    expect(height).toBeLessThan(60 * LADDER_GEOMETRY.packetRow + 30 * 10 * LADDER_GEOMETRY.pxPerMs + 120);
    expect(svg.length).toBeLessThan(60_000);
  });

  test('hostile text from a target or a case is escaped everywhere, and the SVG stays well-formed', () => {
    const evil = result({
      id: 'x/y',
      title: hostile,
      target: `t"${hostile}`,
      verdict: 'fail',
      spec: { rfc9293: [hostile], requirements: [`R"'&${hostile}`] },
      divergence: { step: 0, file: hostile, line: 1, expected: hostile, observed: 'nothing', mismatches: [{ field: hostile, expected: hostile, observed: hostile }] },
      steps: [{ index: 0, line: 1, text: `send ${hostile}`, outcome: 'fail', message: hostile }],
      trace: [
        { kind: 'packet', timeMs: 0, direction: 'from-target', hex: '45', note: `does not parse: ${hostile}` },
        packet(1, 'from-target', { ...segment(hostile, 0, 0), options: hostile }),
        { kind: 'app-call', timeMs: 2, call: { call: 'read' }, result: { ok: false, error: hostile } },
        { kind: 'app-event', timeMs: 3, event: { event: 'error', error: hostile } },
      ],
    });
    const { svg } = renderLadder(evil)!;
    expectBalanced(svg);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;');
    // And inside the page, too.
    const page = renderHtmlReport([evil])[1]!.content;
    expect(page).not.toMatch(/<script/i);
  });

  test('a skipped case with no trace has no ladder', () => {
    expect(renderLadder(result({ verdict: 'skip' }))).toBeUndefined();
  });
});

test("a waived divergence is still marked, in the waiver's colour, with the profile's reason", () => {
  const { svg } = renderLadder({ ...wrongAck, verdict: 'waived', reason: 'waived by profiles/x.yaml: acks ISN+1 on purpose' })!;
  expect(count(svg, /data-divergence="2"/g)).toBe(1);
  expect(svg).toContain('<g class="divergence waived"');
  expect(svg).toMatch(/<g class="segment from-target diverged waived"/);
  expect(visibleText(svg)).toContain('FIRST DIVERGENCE, WAIVED BY THE PROFILE');
  expect(visibleText(svg)).toContain('acks ISN+1 on purpose');
});
