/** `tcpconform list`: what each case needs from a target, derived from the case. */
import { runCli } from './run-cli';

describe('tcpconform list', () => {
  test('each case says its application calls, state queries and long timers; the summary counts by area and level', () => {
    const run = runCli(['list', '--id', 'time-wait/*', '--id', 'rst/closed-port-syn']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('tags: rst, closed  families: ipv4, ipv6  needs: nothing but the wire');
    expect(run.stdout).toContain('needs: app calls listen, close; state queries; timers: ~64 s on a real clock (linux)\n');
    expect(run.stdout).toContain('time-wait/new-syn-reopens-or-is-acknowledged  MAY  §3.6.1 §3.10.7.4  MAY-2,MUST-13');
    expect(run.stdout).toMatch(/\n16 case\(s\) \(16 in ipv4, 16 in ipv6\)\. By area: rst 1, time-wait 15\. By level: MUST 12, MAY 3, SHOULD 1\.\n/);
    expect(run.stdout).toMatch(/\nRFC 9293 requirements testable on the wire \(Appendix B.s W, W\+T and W~\): \d+ of 89 named by these cases\.\nNot named: MUST-2, MUST-3, .*, MAY-18\.\n$/);
  });

  test('--profile reckons the timers with another profile', () => {
    const run = runCli(['list', '--id', 'time-wait/expires-after-2msl', '--profile', 'slirp']);
    expect(run.stdout).toContain('needs: app calls listen, close; state queries; timers: ~14 s on a real clock (slirp)');
    expect(runCli(['list', '--profile', 'nope']).code).toBe(2);
  });

  test('--json gives the needs as data', () => {
    const run = runCli(['list', '--json', '--id', 'time-wait/expires-after-2msl', '--id', 'rst/closed-port-syn', '--id', 'keep-alive/probe-after-idle-time']);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: string; needs: unknown });
    expect(lines.map((l) => [l.id, l.needs])).toEqual([
      ['keep-alive/probe-after-idle-time', { appCalls: ['listen', 'set-option'], options: ['keepalive-idle', 'keepalive-interval', 'keepalive'], sysctl: [], virtualClock: false, state: true, realClockMs: 1000 }],
      ['rst/closed-port-syn', { appCalls: [], options: [], sysctl: [], virtualClock: false, state: false, realClockMs: 0 }],
      ['time-wait/expires-after-2msl', { appCalls: ['listen', 'close'], options: [], sysctl: [], virtualClock: false, state: true, realClockMs: 64_050 }],
    ]);
  });
});
