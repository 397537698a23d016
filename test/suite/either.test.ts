import { parseCase, parseCases } from '../../src/suite/parse';
import { formatProblem } from '../../src/suite/problem';

const header = `id: time-wait/example
title: An example
spec: { rfc9293: ["3.6.1"] }
level: MAY
`;

const problemsOf = (steps: string): string[] => parseCase('case.yaml', `${header}steps:\n${steps}`).problems.map(formatProblem);

describe('either', () => {
  test('branches, each with the profile values it stands for, its steps and their lines', () => {
    const parsed = parseCase('case.yaml', `${header}steps:
  - send: { flags: S, seq: 5000 }
  - either:
      - when: { reopenFromTimeWait: true }
        steps:
          - expect: { flags: SA, ack: 5001 }
          - send: { flags: A }
      - steps:
          - expect: { flags: A }
`);
    expect(parsed.problems).toEqual([]);
    const either = parsed.case?.steps[1];
    if (either?.kind !== 'either') throw new Error('not an either');
    expect(either.branches).toHaveLength(2);
    expect(either.branches[0]).toMatchObject({ when: { reopenFromTimeWait: true }, source: { line: 8 } });
    expect(either.branches[0]?.steps.map((s) => [s.kind, s.source.line])).toEqual([['expect', 10], ['send', 11]]);
    expect(either.branches[1]?.when).toBeUndefined();
  });

  test('an either ends the case, each branch opens with an expect, and none holds another either', () => {
    expect(problemsOf(`  - either:
      - steps: [{ expect: { flags: A } }]
      - steps: [{ expect: { flags: R } }]
  - wait: 1s
`)).toEqual(['case.yaml:6:5: steps[0]: an either ends the case: the steps after it belong in its branches']);
    expect(problemsOf(`  - either:
      - steps: [{ wait: 1s }]
      - steps: [{ expect: { flags: R } }, { either: [{ steps: [{ expect: { flags: A } }] }, { steps: [{ expect: { flags: F } }] }] }]
`)).toEqual([
      'case.yaml:7:17: steps[0].either[0].steps[0]: opens with a wait step; a branch opens with the expect that tells it from the others',
      'case.yaml:8:43: steps[0].either[1].steps[1]: an either inside an either; write the outcomes as branches of one',
    ]);
  });

  test('one branch is not an either', () => {
    const problems = parseCases('case.yaml', `${header}steps:\n  - either:\n      - steps: [{ expect: { flags: A } }]\n`).problems.map(formatProblem);
    expect(problems).toEqual(['case.yaml:7:7: steps[0].either: needs at least 2 item(s)']);
  });
});
