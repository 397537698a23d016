import { renderHtmlReport } from '../../src/report/html';
import type { CaseResult } from '../../src/runner/result';

const hostile = '<script>alert(1)</script>';

function result(overrides: Partial<CaseResult>): CaseResult {
  return {
    id: 'handshake/example',
    title: 'An example',
    area: 'handshake',
    level: 'MUST',
    spec: { rfc9293: ['3.5'], requirements: ['MUST-10'] },
    tags: ['handshake'],
    file: 'suites/handshake/example.yaml',
    target: 'linux',
    verdict: 'pass',
    startedAt: Date.UTC(2026, 10, 24),
    durationMs: 12.5,
    steps: [],
    trace: [],
    ...overrides,
  };
}

describe('renderHtmlReport', () => {
  test('an index row and a page per case, linked by the case slug', () => {
    const files = renderHtmlReport([result({}), result({ id: 'rst/other', verdict: 'fail', reason: 'ack: expected 5, observed 1' })]);
    expect(files.map((f) => f.path)).toEqual(['index.html', 'cases/linux/handshake.example.html', 'cases/linux/rst.other.html']);
    const index = files[0]!.content;
    expect(index).toContain('href="cases/linux/handshake.example.html"');
    expect(index).toContain('href="cases/linux/rst.other.html"');
    expect(index).toContain('ack: expected 5, observed 1');
    // Totals row: fail, error, waived, pass, skip, total.
    expect(index).toMatch(/<td><b>linux<\/b><\/td><td>1<\/td><td>0<\/td><td>0<\/td><td>1<\/td><td>0<\/td><td>2<\/td>/);
  });

  test('a case page shows expected and observed side by side and marks the divergence', () => {
    const failing = result({
      verdict: 'fail',
      divergence: { step: 1, file: 'x.yaml', line: 9, expected: 'SA ack 5', observed: 'SA seq 0 ack 1 win 64240 len 0', mismatches: [{ field: 'ack', expected: '5', observed: '1' }] },
      steps: [
        { index: 0, line: 7, text: 'send S win 65535', outcome: 'pass' },
        { index: 1, line: 9, text: 'expect SA ack 5 within 1s', outcome: 'fail', expected: 'SA ack 5', observed: 'SA seq 0 ack 1 win 64240 len 0', mismatches: [{ field: 'ack', expected: '5', observed: '1' }] },
      ],
    });
    const page = renderHtmlReport([failing])[1]!.content;
    expect(page).toMatch(/<tr class="diverged">\s*<td>1<\/td><td>9<\/td>/);
    expect(page).toContain('ack: expected 5, observed 1');
    expect(page).toContain('href="../../pcap/linux/handshake.example.pcap"');
  });

  test("the index shows each target's profile and every value that departs from RFC 9293's", () => {
    const profile = { name: 'linux', title: 'Linux kernel TCP', departures: [{ parameter: 'msl', value: '30s', rfcValue: '2min', source: 'include/net/tcp.h: TCP_TIMEWAIT_LEN' }] };
    const index = renderHtmlReport([result({ profile }), result({ id: 'x/y', target: 'reference', profile: { name: 'rfc9293', title: 'RFC 9293', departures: [] } })])[0]!.content;
    expect(index).toContain('<tr><td class="mono">msl</td><td><b>30s</b></td><td>2min</td><td>include/net/tcp.h: TCP_TIMEWAIT_LEN</td></tr>');
    expect(index).toContain("RFC 9293's own values throughout.");
  });

  test('everything that came from a target is escaped', () => {
    const page = renderHtmlReport([
      result({
        verdict: 'fail',
        reason: hostile,
        steps: [{ index: 0, line: 1, text: 'app read', outcome: 'fail', observed: hostile, message: hostile }],
        trace: [
          { kind: 'packet', timeMs: 1, direction: 'from-target', hex: '45', note: `does not parse: ${hostile}` },
          { kind: 'app-call', timeMs: 2, call: { call: 'read' }, result: { ok: false, error: hostile } },
        ],
      }),
    ]);
    for (const file of page) {
      expect(file.content).not.toContain('<script>');
    }
    expect(page[1]!.content).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('a failing case page leads with what diverged and what it breaks, then the ladder; the index lists what failed', () => {
    const failing = result({
      verdict: 'fail',
      reason: 'x.yaml:9: ack: expected 5, observed 1',
      divergence: { step: 1, file: 'x.yaml', line: 9, expected: 'SA ack 5', observed: 'SA seq 0 ack 1 win 64240 len 0', mismatches: [{ field: 'ack', expected: '5', observed: '1' }] },
      steps: [
        { index: 0, line: 7, text: 'send S win 65535', outcome: 'pass' },
        { index: 1, line: 9, text: 'expect SA ack 5 within 1s', outcome: 'fail', expected: 'SA ack 5', observed: 'SA seq 0 ack 1 win 64240 len 0', mismatches: [{ field: 'ack', expected: '5', observed: '1' }] },
      ],
      trace: [
        { kind: 'packet', timeMs: 0, direction: 'to-target', hex: '45', segment: { flags: 'S', seq: 0, ack: 0, window: 65535, length: 0, options: '', srcPort: 40000, dstPort: 8080, checksumOk: true }, reference: 'SYN-RECEIVED' },
        { kind: 'packet', timeMs: 0.1, direction: 'from-target', hex: '45', segment: { flags: 'SA', seq: 0, ack: 1, window: 64240, length: 0, options: '', srcPort: 8080, dstPort: 40000, checksumOk: true } },
      ],
    });
    const [index, page] = renderHtmlReport([failing, result({ id: 'x/passing' })]).map((f) => f.content);
    const finding = page!.indexOf('class="finding fail"');
    const ladder = page!.indexOf('<svg class="ladder"');
    expect(finding).toBeGreaterThan(0);
    expect(ladder).toBeGreaterThan(finding);
    expect(page!.indexOf('<h2>Steps')).toBeGreaterThan(ladder);
    expect(page).toContain('Breaks <b class="mono">MUST-10</b>, a MUST of RFC 9293 §3.5');
    expect(page).toContain('<a href="#divergence">');
    expect(page).toContain('id="divergence" data-divergence="1"');
    expect(index).toContain('<h2 id="failures">What failed: 1</h2>');
    expect(index).toMatch(/<a class="mono" href="cases\/linux\/handshake.example.html">handshake\/example<\/a>/);
    expect(renderHtmlReport([result({})])[0]!.content).toContain('No case failed.');
  });
});
