import { parseCase } from '../../src/suite/parse';
import { caseNeeds, lowersPathMtu, needsText } from '../../src/suite/needs';

const values = { msl: 30_000, initialRto: 1000, minRto: 200, maxRto: 120_000, maxAckDelay: 200, userTimeout: 924_000, synUserTimeout: 127_000, keepAliveIdle: 7_200_000, keepAliveInterval: 75_000 };
const header = 'id: time-wait/example\ntitle: t\nspec: { rfc9293: ["3.6.1"] }\nlevel: MUST\n';

function caseOf(steps: string) {
  const parsed = parseCase('c.yaml', `${header}steps:\n${steps}`);
  if (!parsed.case) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
  return parsed.case;
}

function needsOf(steps: string) {
  return caseNeeds(caseOf(steps), values);
}

describe('what a case needs', () => {
  test('nothing but the wire', () => {
    const needs = needsOf('  - send: { flags: S }\n  - expect: { flags: RA, within: 2*initialRto }\n');
    expect(needs).toEqual({ appCalls: [], options: [], sysctl: [], virtualClock: false, state: false, realClockMs: 0 });
    expect(needsText(needs, 'linux')).toBe('nothing but the wire');
  });

  test('application calls and state queries, in every either branch too; the timers of waits, quiet spells and afters', () => {
    const needs = needsOf(`  - app: listen
  - quiet: 2*msl + 4s
  - wait: 1s
  - expect: { flags: A, after: initialRto, within: 2*initialRto }
  - either:
      - steps: [{ expect: { flags: A } }, { state: TIME-WAIT }]
      - steps: [{ expect: { flags: R } }, { app: close }, { quiet: 5s }]
`);
    expect(needs).toEqual({ appCalls: ['listen', 'close'], options: [], sysctl: [], virtualClock: false, state: true, realClockMs: 64_000 + 1000 + 1000 + 5000 });
    expect(needsText(needs, 'linux')).toBe('app calls listen, close; state queries; timers: ~71 s on a real clock (linux)');
  });

  test('a short timer is not worth a word', () => {
    expect(needsText(needsOf('  - quiet: 9s\n'), 'linux')).toBe('nothing but the wire');
  });

  test('a fragmentation needed quoting the segment in flight lowers the path MTU, in an either branch too; a blind one, another error, or none does not', () => {
    expect(lowersPathMtu(caseOf('  - icmp: { message: frag-needed, mtu: 552 }\n'))).toBe(true);
    expect(lowersPathMtu(caseOf('  - either:\n      - steps: [{ expect: { flags: R } }]\n      - steps: [{ expect: { flags: A } }, { icmp: { message: frag-needed, mtu: 1280 } }]\n'))).toBe(true);
    expect(lowersPathMtu(caseOf('  - icmp: { message: frag-needed, mtu: 552, seq: 100000 }\n'))).toBe(false);
    expect(lowersPathMtu(caseOf('  - icmp: { message: frag-needed, mtu: 552, peerPort: 4242 }\n'))).toBe(false);
    expect(lowersPathMtu(caseOf('  - icmp: { message: port-unreachable }\n'))).toBe(false);
    expect(lowersPathMtu(caseOf('  - send: { flags: S }\n'))).toBe(false);
  });
});
