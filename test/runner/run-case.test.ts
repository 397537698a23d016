/**
 * The runner's own steps on the reference target: a `fill` step that drives the target's window to zero
 * (or gives up on one that never closes), and an `after:` bound measured from the step's own start.
 */
import { parseCase } from '../../src/suite/parse';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';
import { RFC9293_PROFILE, type Profile } from '../../src/reference';
import type { CaseResult } from '../../src/runner/result';
import { profileIn } from '../../src/runner/families';

const OPEN = `  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
`;

async function run(steps: string, profile: Profile = RFC9293_PROFILE): Promise<CaseResult> {
  const parsed = parseCase('case.yaml', `id: window/example\ntitle: An example\nspec: { rfc9293: ["3.8.6"] }\nlevel: MUST\nsteps:\n${OPEN}${steps}`);
  expect(parsed.problems).toEqual([]);
  const target = await createReferenceTarget(profile);
  return runCase(parsed.case!, target, profile);
}

describe('fill', () => {
  test("fills the target's buffer until its window is zero, in full segments; the read then reopens it", async () => {
    const result = await run(`  - app: stop-reading
  - send: { flags: PA, fill: window }
  - app: read
  - expect: { flags: A, ack: 20001, win: 20000 }
`, { ...RFC9293_PROFILE, receiveBuffer: 20_000 });
    expect(result.verdict).toBe('pass');
    expect(result.steps[5]).toMatchObject({ outcome: 'pass', observed: 'the window closed after 20000 octets' });
    const fills = result.trace.filter((e) => e.kind === 'packet' && e.direction === 'to-target' && e.segment?.flags === 'PA');
    // 37 segments of the target's MSS (536) and the 168 octets left of the window.
    expect(fills).toHaveLength(38);
  });

  test('a window that never closes (the application reads) ends the case as an error, not a finding', async () => {
    const result = await run(`  - send: { flags: PA, fill: window }
`, { ...RFC9293_PROFILE, mss: 1460 });
    expect(result.verdict).toBe('error');
    expect(result.reason).toMatch(/fill: the target's window is still open \(65535 octets\) after \d+ octets; a fill step gives up after 4194304/);
  }, 60_000);
});

describe('after', () => {
  // The data goes out at the write; the wait keeps it; the retransmission comes one RTO (1 s) after it.
  const WRITE_THEN_WAIT = `  - app: { write: 100 }
  - wait: 500ms
`;

  test('a segment sent before the step began is passed over: the timer the step bounds starts with it', async () => {
    const result = await run(`${WRITE_THEN_WAIT}  - expect: { flags: PA, seq: 1, len: 100, after: 300ms, within: 1s }
`);
    expect(result.verdict).toBe('pass');
    expect(result.steps[6]).toMatchObject({ outcome: 'pass' });
  });

  test('one that comes after the step began but too early fails on its time', async () => {
    const result = await run(`${WRITE_THEN_WAIT}  - expect: { flags: PA, seq: 1, len: 100, after: 800ms, within: 2s }
`);
    expect(result.verdict).toBe('fail');
    expect(result.reason).toMatch(/time: expected no earlier than 800ms, observed after 500ms/);
  });
});

describe('bursts and how many segments come first', () => {
  const BURST = `  - send:
      - { flags: PA, data: 100 }
      - { flags: PA, data: 100 }
      - { flags: PA, data: 100 }
`;

  test('a burst reaches the reference machine queued together: one ACK answers it, before any other', async () => {
    const result = await run(`${BURST}  - expect: { flags: A, ack: 301, preceded: { max: 0 } }
`);
    expect(result.verdict).toBe('pass');
    expect(result.rules).toContain('3.10.7.4/ack/aggregated');
    expect(result.trace.filter((e) => e.kind === 'packet' && e.direction === 'from-target')).toHaveLength(2);
  });

  test('segments beyond what `preceded` allows fail the expect step', async () => {
    const result = await run(`  - app: { write: 1072 }
  - expect: { flags: PA, seq: 537, preceded: { max: 0 } }
`);
    expect(result.verdict).toBe('fail');
    expect(result.reason).toMatch(/:11: preceded: the target sent 1 other segment\(s\) before PA seq 537 ack 1 win 65535 len 536, at most 0 may come first/);
    const twoAllowed = await run(`  - app: { write: 1072 }
  - expect: { flags: A|PA, seq: 537, preceded: { max: 1 } }
`);
    expect(twoAllowed.verdict).toBe('pass');
  });
});

describe('a full-sized segment (data: { octets: mss })', () => {
  test.each([
    ['ipv4', 1460],
    ['ipv6', 1440],
  ] as const)('over %s carries as many octets as the MSS the target announced, %i', async (family, mss) => {
    // A target on a 1500-octet link: its MSS is the link's less each family's headers.
    const profile = profileIn({ ...RFC9293_PROFILE, mss: 1460 }, family, 1440);
    const parsed = parseCase('case.yaml', `id: window/example\ntitle: An example\nspec: { rfc9293: ["3.8.6"] }\nlevel: MUST\nsteps:\n${OPEN}  - send: { flags: PA, data: { octets: mss } }\n  - expect: { flags: A, ack: ${mss + 1} }\n`);
    expect(parsed.problems).toEqual([]);
    const target = await createReferenceTarget(profile, family);
    const result = await runCase(parsed.case!, target, profile);
    expect([result.verdict, result.reason]).toEqual(['pass', undefined]);
    const announced = result.trace.find((e) => e.kind === 'packet' && e.direction === 'from-target' && e.segment?.flags === 'SA');
    expect(announced?.kind === 'packet' && announced.segment?.options).toBe(`mss ${mss}`);
    const sent = result.trace.filter((e) => e.kind === 'packet' && e.direction === 'to-target' && (e.segment?.length ?? 0) > 0);
    expect(sent.map((e) => e.kind === 'packet' && e.segment?.length)).toEqual([mss]);
  });
});
