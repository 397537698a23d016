/**
 * The gVisor netstack adapter (adapters/gvisor) through the process target and the real runner:
 * the suite's verdicts on gVisor, virtual time that costs no real time, and runs that repeat exactly.
 * Needs the adapter built (adapters/gvisor/build).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { loadSuites } from '../../src/cli/load-suites';
import { parseProfile } from '../../src/profile/parse';
import type { CaseResult } from '../../src/runner/result';
import { loadProfile } from '../../src/cli/load-profiles';
import { runCase } from '../../src/runner/run-case';
import type { Case } from '../../src/suite/case';
import { parseCase } from '../../src/suite/parse';
import { createProcessTarget } from '../../src/targets/process';
import type { ProcessTarget } from '../../src/targets/process';

/** The reference machine runs with what this stack declares (profiles/gvisor.yaml). */
const PROFILE = loadProfile('gvisor').profile;
const ROOT = path.resolve(__dirname, '../..');
const ADAPTER = path.join(ROOT, 'adapters/gvisor/out/adapter');

function requireAdapter(): void {
  if (!existsSync(ADAPTER)) throw new Error(`the gVisor adapter is not built (${ADAPTER}): run adapters/gvisor/build`);
}

async function gvisor(): Promise<ProcessTarget> {
  return createProcessTarget({ name: 'gvisor', command: [ADAPTER] });
}

async function run(testCase: Case): Promise<CaseResult> {
  const target = await gvisor();
  try {
    return await runCase(testCase, target, PROFILE);
  } finally {
    await target.close();
  }
}

function parsed(file: string, text: string): Case {
  const result = parseCase(file, text);
  if (!result.case) throw new Error(JSON.stringify(result.problems));
  return result.case;
}

const suite = loadSuites([path.join(ROOT, 'suites')]);

/** What gVisor does on each case, checked against its source (see adapters/gvisor/README.md). */
const EXPECTED: Readonly<Record<string, CaseResult['verdict']>> = {
  'close/active-close': 'pass',
  'close/passive-close': 'pass',
  'handshake/active-open': 'pass',
  'handshake/passive-open': 'pass',
  'rst/closed-port-syn': 'pass',
  'window/data-both-directions': 'pass',
};

beforeAll(requireAdapter);

describe('gvisor adapter', () => {
  test('says hello with its stack, a virtual clock and every call', async () => {
    const target = await gvisor();
    try {
      expect(target.stack.name).toBe('gvisor');
      expect(target.stack.version).toMatch(/20221219/);
      expect(target.address).toBe('198.18.0.1');
      expect(target.peerAddress).toBe('198.18.0.2');
      expect(target.capabilities.clock).toBe('virtual');
      expect([...target.capabilities.appCalls].sort()).toEqual(
        ['abort', 'close', 'connect', 'listen', 'read', 'set-option', 'shutdown', 'state', 'stop-reading', 'write'],
      );
    } finally {
      await target.close();
    }
  });

  test('the suite loads', () => {
    expect(suite.problems).toEqual([]);
    expect(suite.cases.length).toBeGreaterThan(0);
  });

  // The first cases; the whole suite is held to adapters/gvisor/findings.yaml by test/adapters/findings.test.ts.
  test.each(suite.cases.filter((c) => EXPECTED[c.id] !== undefined).map((c) => [c.id, c] as const))('%s', async (id, testCase) => {
    const result = await run(testCase);
    const expected = EXPECTED[id];
    expect([result.verdict, result.reason]).toEqual([expected, expected === 'pass' ? undefined : expect.any(String)]);
  });

  test('a 2-minute wait costs well under a second, and the retransmission timers keep their times', async () => {
    const waitCase = parsed(
      'test/wait.yaml',
      `id: testing/long-wait
title: Two minutes of virtual time, then the connection still works
spec: { rfc9293: ["3.8.1"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - wait: 120s
  - send: { flags: PA, data: 10 }
  - expect: { flags: A, seq: 1, ack: 11 }
  - app: { write: 100 }
  - expect: { flags: PA, seq: 1, len: 100 }
  - expect: { flags: PA, seq: 1, len: 100, within: 2s }
  - expect: { flags: PA, seq: 1, len: 100, within: 3s }
`,
    );
    const started = process.hrtime.bigint();
    const result = await run(waitCase);
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect([result.verdict, result.reason]).toEqual(['pass', undefined]);
    expect(wallMs).toBeLessThan(500);
    // RFC 6298: 1 s initial RTO, then doubled (gVisor's snd.go); times are virtual milliseconds.
    const sent = result.trace.filter((e) => e.kind === 'packet' && e.direction === 'from-target').map((e) => e.timeMs);
    expect(sent.slice(-3).map((t) => t - sent[sent.length - 3]!)).toEqual([0, 1000, 3000]);
  });

  test('profiles/gvisor.yaml parses, and its MSL is what the stack does: TIME-WAIT lasts 2×MSL from the last FIN', async () => {
    const base = parseProfile('profiles/rfc9293.yaml', readFileSync(path.join(ROOT, 'profiles/rfc9293.yaml'), 'utf8'));
    const own = parseProfile('profiles/gvisor.yaml', readFileSync(path.join(ROOT, 'profiles/gvisor.yaml'), 'utf8'), base.profile);
    expect(own.problems).toEqual([]);
    expect(own.profile?.profile).toMatchObject({ mslMs: 30_000, initialRtoMs: 1000, mss: 1460 });
    const timeWait = parsed(
      'test/time-wait.yaml',
      `id: testing/time-wait
title: A retransmitted FIN restarts TIME-WAIT, which then lasts 2×MSL
spec: { rfc9293: ["3.6", "3.10.7.4"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1, options: { mss: 1460 } }
  - send: { flags: A }
  - app: close
  - expect: { flags: FA, seq: 1, ack: 1 }
  - send: { flags: A }
  - send: { flags: FA }
  - expect: { flags: A, seq: 2, ack: 2 }
  - wait: 30s
  - send: { flags: FA, seq: 1 }
  - expect: { flags: A, seq: 2, ack: 2 }
  - wait: 59s
  - send: { flags: A, seq: 2 }
  - quiet: 500ms
  - wait: 1s
  - send: { flags: A, seq: 2 }
  - expect: { flags: R }
`,
    );
    expect(await run(timeWait)).toMatchObject({ verdict: 'pass' });
  });

  test('five runs of the suite give the same verdicts and the same packets at the same times', async () => {
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const results: unknown[] = [];
      for (const testCase of suite.cases) {
        const { id, verdict, trace, steps } = await run(testCase);
        results.push({ id, verdict, trace, steps });
      }
      runs.push(JSON.stringify(results));
    }
    for (const other of runs.slice(1)) expect(other).toBe(runs[0]);
  });
});
