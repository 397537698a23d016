/** The IP side of a case: the peer's datagram header, a sequence number at the window's edge, an MTU, a connect to the broadcast address. */
import { parseCase } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';
import { usesBroadcast } from '../../src/suite/needs';
import { stepText } from '../../src/runner/step-text';

const header = `id: addresses/example
title: An example
spec: { rfc9293: ["3.9.2"] }
level: MUST
`;

describe('the IP side of a case', () => {
  test('a send writes addresses, an ECN codepoint and IP options; an expect asks the ECN field and the source route', () => {
    const parsed = parseCase('case.yaml', `${header}mtu: 1280
steps:
  - send: { flags: S, seq: { edge: -10 }, ip: { src: broadcast, ecn: ce, options: [nop, { rr: 2 }, { timestamp: 1 }, { lsrr: [198.18.0.3] }, { unknown: { type: 30, hex: "0000" } }] } }
  - expect: { flags: SA, ip: { ecn: ect, sourceRoute: [198.18.0.3, 198.18.0.2] } }
  - app: { connect: broadcast, error: any }
`);
    expect(parsed.problems.map(formatProblem)).toEqual([]);
    const c = parsed.case!;
    expect(c.mtu).toBe(1280);
    expect(c.steps[0]).toMatchObject({
      kind: 'send',
      segments: [{
        seq: { edge: -10 },
        ip: {
          src: 'broadcast',
          ecn: 'ce',
          options: [
            { kind: 'nop' },
            { kind: 'rr', pointer: 4, route: ['0.0.0.0', '0.0.0.0'] },
            { kind: 'timestamp', pointer: 5, overflow: 0, flag: 0, entries: [{ timestamp: 0 }] },
            { kind: 'lsrr', pointer: 8, route: ['198.18.0.3'] },
            { kind: 'unknown', type: 30, data: new Uint8Array([0, 0]) },
          ],
        },
      }],
    });
    expect(c.steps[1]).toMatchObject({ kind: 'expect', match: { ip: { ecn: 'ect', sourceRoute: ['198.18.0.3', '198.18.0.2'] } } });
    expect(c.steps[2]).toMatchObject({ kind: 'app', call: { call: 'connect', to: 'broadcast' }, error: 'any' });
    expect(usesBroadcast(c)).toBe(true);
    expect(c.steps.map(stepText)).toEqual([
      'send S seq edge-10 win 65535 [ip src broadcast, ce, nop, rr, timestamp, lsrr 198.18.0.3, option 30]',
      'expect SA [ip ect, route 198.18.0.3 198.18.0.2] within 1s',
      'app connect to broadcast (fails with any)',
    ]);
  });

  test('addresses outside 198.18.0.0/15 are refused, naming the file and line', () => {
    const parsed = parseCase('case.yaml', `${header}steps:
  - send: { flags: S, ip: { dst: 224.0.0.1 } }
`);
    expect(parsed.problems.map(formatProblem).join('\n')).toMatch(/^case\.yaml:6:/);
  });
});
