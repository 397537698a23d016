import { parseCase, parseCases, readSuiteDocuments, resolvePreambles, type SuiteDocument } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';
import { loadSuites } from '../../src/cli/load-suites';

const header = `id: handshake/example
title: An example
spec: { rfc9293: ["3.5"] }
level: MUST
`;

function problemsOf(steps: string): string[] {
  return parseCase('case.yaml', `${header}steps:\n${steps}`).problems.map(formatProblem);
}

describe('parseCase', () => {
  test('a valid case is normalised with defaults and relative numbers kept', () => {
    const parsed = parseCase('case.yaml', `${header}steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }, nop, sackOK, { raw: "fe0401" }], data: 3 }
  - expect: { flags: SA, ack: 1, win: { min: 1 }, options: { mss: present }, within: 1.5s }
  - app: { write: 100 }
  - quiet: 200ms
`);
    expect(parsed.problems).toEqual([]);
    const c = parsed.case!;
    expect(c).toMatchObject({ id: 'handshake/example', area: 'handshake', level: 'MUST', port: 8080, peerPort: 40000 });
    expect(c.steps.map((s) => s.kind)).toEqual(['app', 'send', 'expect', 'app', 'quiet']);
    expect(c.steps[1]).toMatchObject({
      kind: 'send',
      source: { file: 'case.yaml', line: 7 },
      segments: [{ flags: 'S', window: 65535, checksum: 'good', options: [{ kind: 'mss', mss: 1460 }, { kind: 'nop' }, { kind: 'sack-permitted' }, { kind: 'raw' }] }],
    });
    if (c.steps[1]?.kind !== 'send') throw new Error('not a send');
    expect(c.steps[1].segments[0]!.payload).toEqual(Uint8Array.of(0x61, 0x62, 0x63));
    expect(c.steps[2]).toMatchObject({ kind: 'expect', within: { ms: 1500, text: '1.5s' }, match: { flags: 'SA', ack: 1, window: { min: 1 } } });
    expect(c.steps[3]).toMatchObject({ kind: 'app', call: { call: 'write', bytes: 100 } });
    expect(c.steps[4]).toMatchObject({ kind: 'quiet', duration: { ms: 200 } });
  });

  test('a send step may be a burst: segments sent back to back', () => {
    const c = parseCase('case.yaml', `${header}steps:\n  - send: [{ flags: PA, data: 1460 }, { flags: PA, data: 1460 }]\n`).case!;
    expect(c.steps[0]).toMatchObject({ kind: 'send', segments: [{ flags: 'PA' }, { flags: 'PA' }] });
    expect(problemsOf('  - send: [{ flags: PA }, { flags: Q }]\n')).toEqual([
      'case.yaml:6:36: steps[0].send[1].flags: "Q" must be TCP flags as letters S F R P A U E C (for example SA, FA, RA, PA) or . for none',
    ]);
  });

  test("a segment's data may be full-sized, counted by the run from the MSS the target announces", () => {
    const c = parseCase('case.yaml', `${header}steps:\n  - send: { flags: PA, data: { octets: mss } }\n`).case!;
    expect(c.steps[0]).toMatchObject({ kind: 'send', segments: [{ flags: 'PA', payload: 'mss' }] });
    expect(problemsOf('  - send: { flags: PA, data: { octets: 1460 } }\n')).toHaveLength(1);
  });

  test("a send step may fill the target's window instead: flags and window kept, data and numbers left to the run", () => {
    const c = parseCase('case.yaml', `${header}steps:\n  - send: { flags: PA, fill: window, win: 1000 }\n`).case!;
    expect(c.steps[0]).toMatchObject({ kind: 'fill', source: { line: 6 }, segment: { flags: 'PA', window: 1000, urgentPointer: 0, options: [] } });
    expect(c.steps[0]).not.toHaveProperty('segment.payload');
    expect(problemsOf('  - send: { flags: PA, fill: window, data: 10 }\n')).toEqual([
      `case.yaml:6:11: steps[0].send: {"flags":"PA","fill":"window","data":10} must be a mapping without 'fill', a list or a mapping without 'data'`,
    ]);
    expect(problemsOf('  - send: { flags: PA, fill: everything }\n')).toHaveLength(1);
    expect(problemsOf('  - send: [{ flags: PA, fill: window }]\n')).toHaveLength(1);
  });

  test('the peer ISN is stable per id and differs between ids', () => {
    const isn = (id: string) => parseCase('c.yaml', header.replace('handshake/example', id) + 'steps:\n  - wait: 1s\n').case!.peerIsn;
    expect(isn('a/b')).toBe(isn('a/b'));
    expect(isn('a/b')).not.toBe(isn('a/c'));
  });

  test('a YAML syntax error names the line', () => {
    const problems = parseCase('bad.yaml', 'id: [\ntitle: x\n').problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ file: 'bad.yaml', line: 2 });
    expect(problems[0]?.message).toMatch(/^YAML syntax: /);
  });

  test('an unknown step is named, with the steps that exist, at its own line', () => {
    expect(problemsOf('  - app: listen\n  - sned: { flags: S }\n')).toEqual([
      "case.yaml:7:5: steps[1]: unknown step 'sned'; a step is one of: send, expect, quiet, wait, app, event, state, either, icmp, isn, note",
    ]);
  });

  test('schema errors say what is wrong in words, at the offending value', () => {
    expect(problemsOf('  - send: { flags: S, win: 70000 }\n')).toEqual(['case.yaml:6:28: steps[0].send.win: 70000 must be at most 65535']);
    expect(problemsOf('  - send: { flags: Q }\n')).toEqual([
      'case.yaml:6:20: steps[0].send.flags: "Q" must be TCP flags as letters S F R P A U E C (for example SA, FA, RA, PA) or . for none',
    ]);
    expect(problemsOf('  - send: { flags: S, options: [{ mss: big }] }\n')).toEqual([
      'case.yaml:6:40: steps[0].send.options[0].mss: must be a whole number, found a string "big"',
    ]);
    expect(problemsOf('  - expect: { flags: A, within: 5 }\n')).toEqual([
      'case.yaml:6:33: steps[0].expect.within: must be a duration such as 500ms, 1.5s or 2min, or a profile timer such as 2*msl or initialRto, found a whole number 5',
    ]);
    expect(problemsOf('  - app: lisen\n')).toEqual([
      'case.yaml:6:10: steps[0].app: "lisen" must be one of listen, connect, read, stop-reading, shutdown, close, abort, at-mark or a mapping',
    ]);
  });

  test('an unknown field points at the key and lists the allowed ones', () => {
    const problems = parseCase('case.yaml', `${header}stepz: []\nsteps:\n  - wait: 1s\n`).problems.map(formatProblem);
    expect(problems).toEqual([
      "case.yaml:5:1: the case: unknown field 'stepz'; allowed here: id, title, description, spec, level, tags, port, peerPort, peerIsn, from, when, family, mtu, sysctl, clock, matrix, steps",
    ]);
  });

  test('a missing required field is named', () => {
    const problems = parseCase('case.yaml', 'id: a/b\ntitle: t\nlevel: MUST\nsteps:\n  - wait: 1s\n').problems.map(formatProblem);
    expect(problems).toEqual(["case.yaml:1:1: the case: missing required field 'spec'"]);
  });

  test('rules beyond the schema: one action per step, no repeated flag, min <= max, one call per app step', () => {
    expect(problemsOf('  - note: only a note\n')).toEqual(['case.yaml:6:5: steps[0]: has no action; a step is one of: send, expect, quiet, wait, app, event, state, either, icmp, isn']);
    expect(problemsOf('  - wait: 1s\n    quiet: 1s\n')).toEqual(['case.yaml:6:5: steps[0]: has 2 actions (quiet, wait); write one per step']);
    expect(problemsOf('  - expect: { flags: SAS }\n')).toEqual(["case.yaml:6:22: steps[0].expect.flags: flag 'S' is written twice in 'SAS'"]);
    expect(problemsOf('  - expect: { flags: A, win: { min: 5, max: 2 } }\n')).toEqual(['case.yaml:6:30: steps[0].expect.win: min 5 is greater than max 2']);
    expect(problemsOf('  - app: { close: null, abort: null }\n')).toEqual(['case.yaml:6:10: steps[0].app: names 2 calls (close, abort); one step makes one call']);
  });

  test('durations may name the profile\'s timers; a wrong one is named with its line', () => {
    const c = parseCase('case.yaml', `${header}steps:\n  - wait: 2*msl - 1s\n  - expect: { flags: A, after: initialRto, within: 1.5*initialRto + 100ms }\n`).case!;
    expect(c.steps[0]).toMatchObject({ kind: 'wait', duration: { ms: -1000, per: { msl: 2 }, text: '2*msl - 1s' } });
    expect(c.steps[1]).toMatchObject({ kind: 'expect', after: { ms: 0, per: { initialRto: 1 } }, within: { ms: 100, per: { initialRto: 1.5 } } });
    expect(problemsOf('  - wait: 2*msll\n')).toEqual([
      "case.yaml:6:11: steps[0].wait: '2*msll' is neither a duration (500ms, 1.5s, 2min) nor a profile parameter (msl, initialRto, minRto, maxRto, maxAckDelay, userTimeout, synUserTimeout, keepAliveIdle, keepAliveInterval, optionally with a factor: 2*msl)",
    ]);
  });

  test('a file that is not a mapping is refused in words', () => {
    expect(parseCase('list.yaml', '- a\n- b\n').problems.map(formatProblem)).toEqual([
      'list.yaml:1:1: a case file holds one mapping',
    ]);
  });
});

describe('loadSuites', () => {
  test('bad files are reported with file and line, and the good ones still load', () => {
    const suite = loadSuites(['test/fixtures/mixed-suite']);
    expect(suite.cases.map((c) => c.id)).toEqual(['rst/fixture-closed-port']);
    const byFile = Object.fromEntries(suite.problems.map((p) => [p.file.replace(/^.*\//, ''), p]));
    expect(Object.keys(byFile).sort()).toEqual(['schema-error.yaml', 'unknown-step.yaml', 'yaml-syntax.yaml']);
    expect(byFile['schema-error.yaml']).toMatchObject({ line: 7 });
    expect(byFile['unknown-step.yaml']).toMatchObject({ line: 7 });
    expect(byFile['yaml-syntax.yaml']?.line).toBeGreaterThanOrEqual(6);
  });

  test('a duplicate id is an error naming the first file', () => {
    const suite = loadSuites(['test/fixtures/mixed-suite/good.yaml', 'test/fixtures/duplicate-id.yaml']);
    expect(suite.cases).toHaveLength(1);
    expect(suite.problems[0]?.message).toMatch(/already used by test\/fixtures\/mixed-suite\/good.yaml:1/);
  });

  test('a missing path is a problem, not a crash', () => {
    expect(loadSuites(['no/such/dir']).problems[0]?.message).toMatch(/no such file or folder/);
  });

  test('every case in suites/ is valid', () => {
    const suite = loadSuites(['suites']);
    expect(suite.problems.map(formatProblem)).toEqual([]);
    expect(suite.cases.length).toBeGreaterThanOrEqual(6);
  });
});

describe('preambles', () => {
  const preamble = (name: string, from: string | undefined, step: string) =>
    `preamble: ${name}\ntitle: ${name}\n${from ? `from: ${from}\n` : ''}steps:\n  - ${step}\n`;
  const documents = (...texts: [string, string][]) =>
    texts.flatMap(([file, text]) => readSuiteDocuments(file, text).documents).filter((d): d is SuiteDocument & { kind: 'preamble' } => d.kind === 'preamble');

  test("a case's steps follow its preamble's, which follow the one it builds on, each keeping its own place", () => {
    const { preambles, problems } = resolvePreambles(documents(['a.yaml', preamble('base', undefined, 'app: listen')], ['b.yaml', preamble('next', 'base', 'wait: 1s')]));
    expect(problems).toEqual([]);
    const c = parseCase('case.yaml', `${header}from: next\nsteps:\n  - quiet: 1s\n`, preambles).case!;
    expect(c.steps.map((s) => [s.kind, s.source.file, s.preamble])).toEqual([
      ['app', 'a.yaml', 'base'],
      ['wait', 'b.yaml', 'next'],
      ['quiet', 'case.yaml', undefined],
    ]);
  });

  test('an unknown preamble, a circle and a duplicate name are problems with their lines', () => {
    expect(parseCase('case.yaml', `${header}from: nowhere\nsteps:\n  - quiet: 1s\n`).problems.map(formatProblem)).toEqual([
      "case.yaml:5:7: from: no preamble named 'nowhere'; known preambles: none",
    ]);
    const circle = resolvePreambles(documents(['a.yaml', preamble('a', 'b', 'wait: 1s')], ['b.yaml', preamble('b', 'a', 'wait: 1s')]));
    expect(circle.problems.map(formatProblem)).toEqual(['b.yaml:3:7: from: preambles build on each other in a circle: a → b → a']);
    const twice = resolvePreambles(documents(['a.yaml', preamble('a', undefined, 'wait: 1s')], ['c.yaml', preamble('a', undefined, 'wait: 2s')]));
    expect(twice.problems.map(formatProblem)).toEqual(["c.yaml:1:11: preamble 'a' is already defined at a.yaml:1"]);
  });
});

describe('matrix', () => {
  const matrixCase = (id: string, extra = '') => `id: ${id}
title: A RST in \${state}
spec: { rfc9293: ["3.10.7.4"] }
level: MUST
matrix: { state: [established, close-wait], port: [80, 8080] }
${extra}steps:
  - note: in \${state} on \${port}
    wait: 1s
`;

  test('one case per combination, each with its own id, values replaced in every string', () => {
    const parsed = parseCases('m.yaml', matrixCase('rst/in-${state}-${port}'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.cases.map((c) => [c.id, c.title])).toEqual([
      ['rst/in-established-80', 'A RST in established'],
      ['rst/in-established-8080', 'A RST in established'],
      ['rst/in-close-wait-80', 'A RST in close-wait'],
      ['rst/in-close-wait-8080', 'A RST in close-wait'],
    ]);
  });

  test('an id that does not name every value, and a placeholder no matrix declares, are problems', () => {
    expect(parseCases('m.yaml', matrixCase('rst/in-${state}')).problems.map(formatProblem)).toEqual([
      "m.yaml:1:5: the matrix makes two cases with id 'rst/in-established': name every matrix value in the id, e.g. ${state}, ${port}",
    ]);
    expect(parseCases('m.yaml', matrixCase('rst/in-${state}-${port}', 'description: about ${colour}\n')).problems.map(formatProblem)).toEqual([
      'm.yaml:1:1: uses ${colour}, which no matrix declares',
    ]);
  });
});
