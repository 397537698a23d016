/** The `icmp` step: its names, the fields each message takes, and a mistake in them as file:line. */
import caseSchema from '../../src/suite/case.schema.json';
import { ICMP_MESSAGES, icmpMessageName } from '../../src/suite/icmp-message';
import { parseCase } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';
import { stepText } from '../../src/runner/step-text';

const header = `id: icmp/example
title: An example
spec: { rfc9293: ["3.9.2.2"] }
level: MUST
from: established
steps:
`;

function parse(steps: string) {
  const preambles = new Map([['established', { name: 'established', title: 'x', steps: [], source: { file: 'p.yaml', line: 1, column: 1 } }]]);
  const parsed = parseCase('case.yaml', header + steps, preambles);
  return { case: parsed.case, problems: parsed.problems.map(formatProblem) };
}

describe('the icmp step', () => {
  test('every name the schema allows stands for a message, and each message has one name', () => {
    const names = (caseSchema.definitions.icmp.properties.message as { enum: string[] }).enum;
    expect([...names].sort()).toEqual(Object.keys(ICMP_MESSAGES).sort());
    for (const [name, { kind, code }] of Object.entries(ICMP_MESSAGES)) expect(icmpMessageName(kind, code)).toBe(name);
  });

  test('names become ICMP kinds and codes, with the fields each takes', () => {
    const parsed = parse(`  - icmp: { message: port-unreachable, peerPort: 4 }
  - icmp: { message: frag-needed, mtu: 552, seq: 100000 }
  - icmp: { message: parameter-problem, pointer: 20 }
  - icmp: { message: ttl-exceeded }
  - icmp: { message: source-quench }
`);
    expect(parsed.problems).toEqual([]);
    const icmps = parsed.case!.steps.map((s) => (s.kind === 'icmp' ? s.icmp : undefined));
    expect(icmps).toEqual([
      { message: 'port-unreachable', kind: 'unreachable', code: 3, peerPort: 4 },
      { message: 'frag-needed', kind: 'frag-needed', code: 4, nextHopMtu: 552, seq: 100000 },
      { message: 'parameter-problem', kind: 'parameter-problem', code: 0, pointer: 20 },
      { message: 'ttl-exceeded', kind: 'time-exceeded', code: 0 },
      { message: 'source-quench', kind: 'source-quench', code: 0 },
    ]);
    expect(parsed.case!.steps.map(stepText)).toEqual([
      'icmp port-unreachable about port 4',
      'icmp frag-needed mtu 552 quoting seq 100000',
      'icmp parameter-problem pointer 20',
      'icmp ttl-exceeded',
      'icmp source-quench',
    ]);
  });

  test('a malformed field is a problem at its file, line and column', () => {
    expect(parse('  - icmp: { message: port-unreachble }\n').problems).toEqual([
      expect.stringMatching(/^case\.yaml:7:22: steps\[0\]\.icmp\.message: "port-unreachble" is not allowed; use one of net-unreachable, /),
    ]);
    expect(parse('  - icmp: { message: frag-needed, mtu: 70000 }\n').problems).toEqual([
      expect.stringMatching(/^case\.yaml:7:40: steps\[0\]\.icmp\.mtu: 70000 must be at most 65535/),
    ]);
    expect(parse('  - icmp: { message: frag-needed }\n').problems).toEqual([
      "case.yaml:7:22: steps[0].icmp.message: frag-needed needs the next hop's MTU (RFC 1191 §4), e.g. mtu: 552",
    ]);
    expect(parse('  - icmp: { message: port-unreachable, mtu: 552 }\n').problems).toEqual([
      'case.yaml:7:45: steps[0].icmp.mtu: an MTU belongs to frag-needed only (RFC 1191 §4), not to port-unreachable',
    ]);
    expect(parse('  - icmp: { message: ttl-exceeded, pointer: 3 }\n').problems).toEqual([
      'case.yaml:7:45: steps[0].icmp.pointer: a pointer belongs to parameter-problem only (RFC 792), not to ttl-exceeded',
    ]);
    expect(parse('  - icmp: { message: host-unreachable, seq: -1 }\n').problems).toEqual([
      expect.stringMatching(/^case\.yaml:7:45: steps\[0\]\.icmp\.seq: /),
    ]);
  });
});
