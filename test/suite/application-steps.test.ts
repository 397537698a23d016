/**
 * The case format's application side: socket options, a call's result, urgent calls, the event step,
 * and the case's kernel settings and clock; each bad value a problem at its own line and column.
 */
import { parseCase } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';

const header = `id: keep-alive/example
title: An example
spec: { rfc9293: ["3.8.4"] }
level: MUST
`;

function parsed(steps: string, extra = '') {
  return parseCase('case.yaml', `${header}${extra}steps:\n${steps}`);
}

const problemsOf = (steps: string, extra = ''): string[] => parsed(steps, extra).problems.map(formatProblem);

describe('set-option', () => {
  test('each option becomes its protocol value, in the order written: flags 0 or 1, durations in milliseconds', () => {
    const c = parsed('  - app: { set-option: { keepalive-idle: 1.5s, keepalive-count: 3, nodelay: true, keepalive: false, linger: 0s } }\n').case!;
    expect(c.steps[0]).toMatchObject({
      kind: 'app',
      call: {
        call: 'set-option',
        options: [
          { name: 'keepalive-idle', value: 1500, text: '1.5s' },
          { name: 'keepalive-count', value: 3, text: '3' },
          { name: 'nodelay', value: 1, text: 'true' },
          { name: 'keepalive', value: 0, text: 'false' },
          { name: 'linger', value: 0, text: '0s' },
        ],
      },
    });
  });

  test('an unknown option, a duration without its unit and a count of zero are refused where they are written', () => {
    expect(problemsOf('  - app: { set-option: { keepalive-idel: 1s } }\n')).toEqual([
      expect.stringMatching(/^case\.yaml:6:26: steps\[0\]\.app\.set-option: unknown field 'keepalive-idel'; allowed here: nodelay, rcvbuf, sndbuf, keepalive, keepalive-idle/),
    ]);
    expect(problemsOf('  - app: { set-option: { user-timeout: 5 } }\n')).toEqual([
      expect.stringMatching(/^case\.yaml:6:40: steps\[0\]\.app\.set-option\.user-timeout: /),
    ]);
    expect(problemsOf('  - app: { set-option: { keepalive-count: 0 } }\n')).toEqual([
      'case.yaml:6:43: steps[0].app.set-option.keepalive-count: 0 must be at least 1',
    ]);
  });
});

describe("a call's result", () => {
  test('octets (a number or a range), the end of the data, the urgent mark', () => {
    const c = parsed(`  - app: { read: 100, result: { bytes: 100 } }
  - app: { read: null, result: { bytes: { min: 1 }, eof: true } }
  - app: { read: null, result: eof }
  - app: { at-mark: null, result: { atMark: true } }
  - app: { write-urgent: 1, result: { bytes: 1 } }
`).case!;
    expect(c.steps.map((s) => (s.kind === 'app' ? [s.call, s.result] : undefined))).toEqual([
      [{ call: 'read', bytes: 100 }, { bytes: { min: 100, max: 100 } }],
      [{ call: 'read' }, { bytes: { min: 1, max: Number.MAX_SAFE_INTEGER }, eof: true }],
      [{ call: 'read' }, { bytes: { min: 0, max: 0 }, eof: true }],
      [{ call: 'at-mark' }, { atMark: true }],
      [{ call: 'write-urgent', bytes: 1 }, { bytes: { min: 1, max: 1 } }],
    ]);
  });

  test('what a call does not answer, and a result beside an error, are problems at their place', () => {
    expect(problemsOf('  - app: { write: 10, result: eof }\n')).toEqual([
      'case.yaml:6:31: steps[0].app.result: write answers no end of file; eof is the result of read',
    ]);
    expect(problemsOf('  - app: { close: null, result: { atMark: false } }\n')).toEqual([
      'case.yaml:6:43: steps[0].app.result.atMark: close answers no atMark; atMark is the result of at-mark',
    ]);
    expect(problemsOf('  - app: { read: null, error: ECONNRESET, result: { bytes: 0 } }\n')).toEqual([
      'case.yaml:6:51: steps[0].app.result: a call that must fail (error) has no result to check; write one of them',
    ]);
    expect(problemsOf('  - app: { write-urgent: null }\n')).toEqual([
      'case.yaml:6:26: steps[0].app.write-urgent: must be a whole number, found null',
    ]);
  });
});

describe('the event step', () => {
  test('a name alone waits a second; within and after take durations and profile timers', () => {
    const c = parsed(`  - event: reset
  - event: { name: timeout, after: 3min, within: synUserTimeout + 10s }
`).case!;
    expect(c.steps[0]).toMatchObject({ kind: 'event', event: 'reset', within: { ms: 1000 }, source: { line: 6 } });
    expect(c.steps[0]).not.toHaveProperty('after');
    expect(c.steps[1]).toMatchObject({ kind: 'event', event: 'timeout', after: { ms: 180_000 }, within: { ms: 10_000, per: { synUserTimeout: 1 } } });
  });

  test('an unknown event and a bad duration are problems at their place', () => {
    expect(problemsOf('  - event: hangup\n')).toEqual([expect.stringMatching(/^case\.yaml:6:12: steps\[0\]\.event: "hangup" must be one of connected, accepted, eof, closing, reset, refused, timeout, urgent/)]);
    expect(problemsOf('  - event: { name: urgent, within: soon }\n')).toEqual([
      expect.stringMatching(/^case\.yaml:6:36: steps\[0\]\.event\.within: 'soon' is neither a duration/),
    ]);
  });
});

describe('kernel settings and the clock', () => {
  test('sysctl values are kept as text; clock: virtual is kept', () => {
    const c = parsed('  - wait: 1s\n', 'sysctl: { net.ipv4.tcp_syn_retries: 1, net.ipv4.tcp_rmem: "4096 16384 16384" }\nclock: virtual\n').case!;
    expect(c.sysctl).toEqual({ 'net.ipv4.tcp_syn_retries': '1', 'net.ipv4.tcp_rmem': '4096 16384 16384' });
    expect(c.clock).toBe('virtual');
  });

  test('only network settings, with numbers for values, and only a virtual clock', () => {
    expect(problemsOf('  - wait: 1s\n', 'sysctl: { kernel.hostname: 1 }\n')).toEqual([expect.stringMatching(/^case\.yaml:5:11: sysctl: /)]);
    expect(problemsOf('  - wait: 1s\n', 'sysctl: { net.ipv4.tcp_syn_retries: lots }\n')).toEqual([expect.stringMatching(/^case\.yaml:5:37: sysctl\.net\.ipv4\.tcp_syn_retries: /)]);
    expect(problemsOf('  - wait: 1s\n', 'clock: real\n')).toEqual(['case.yaml:5:8: clock: "real" is not allowed; use one of virtual']);
  });
});
