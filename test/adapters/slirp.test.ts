/**
 * The libslirp adapter (adapters/slirp) through the process target and the real runner: the suite's
 * verdicts on slirp's BSD-derived TCP on both clocks, two findings each explained by libslirp's source,
 * timers on the virtual clock, repeatable runs, and host sockets that never leave a private 127.0.0.1.
 * Needs the adapter built (adapters/slirp/build, from Debian's libslirp-dev).
 */
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';

import { loadSuites } from '../../src/cli/load-suites';
import { parseProfile } from '../../src/profile/parse';
import type { CaseResult, Verdict } from '../../src/runner/result';
import { loadProfile } from '../../src/cli/load-profiles';
import { runCase } from '../../src/runner/run-case';
import type { Case } from '../../src/suite/case';
import { parseCase } from '../../src/suite/parse';
import { createProcessTarget } from '../../src/targets/process';
import type { ProcessTarget } from '../../src/targets/process';

/** The reference machine runs with what this stack declares (profiles/slirp.yaml). */
const PROFILE = loadProfile('slirp').profile;
const ROOT = path.resolve(__dirname, '../..');
const ADAPTER = path.join(ROOT, 'adapters/slirp/out/adapter');

type Clock = 'real' | 'virtual';

function requireAdapter(): void {
  if (!existsSync(ADAPTER)) throw new Error(`the slirp adapter is not built (${ADAPTER}): run adapters/slirp/build`);
}

async function slirp(clock: Clock): Promise<ProcessTarget> {
  return createProcessTarget({ name: 'slirp', command: clock === 'virtual' ? [ADAPTER, '--virtual-clock'] : [ADAPTER] });
}

async function run(testCase: Case, clock: Clock): Promise<CaseResult> {
  const target = await slirp(clock);
  try {
    return await runCase(testCase, target, PROFILE);
  } finally {
    await target.close();
  }
}

function parsed(text: string): Case {
  const result = parseCase('test/adapters/slirp.test.ts', text);
  if (!result.case) throw new Error(JSON.stringify(result.problems));
  return result.case;
}

const suite = loadSuites([path.join(ROOT, 'suites')]);

/** What slirp does on each suite case (see adapters/slirp/README.md). */
const EXPECTED: Readonly<Record<string, Verdict>> = {
  'close/active-close': 'pass',
  'close/passive-close': 'pass',
  'handshake/active-open': 'pass',
  'handshake/passive-open': 'pass',
  'rst/closed-port-syn': 'pass',
  'window/data-both-directions': 'pass',
};

function expectVerdict(id: string, result: CaseResult): void {
  const expected = EXPECTED[id];
  expect([result.verdict, result.reason]).toEqual([expected, expected === 'pass' ? undefined : expect.any(String)]);
}

/** Opened by the peer with MSS 536, slirp still sends 1440-octet segments. */
const PEER_MSS_CASE = parsed(`id: slirp/peer-mss
title: A connection the peer opens with MSS 536 carries no segment larger than 536 octets
spec: { rfc9293: ["3.7.1"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 536 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - app: { write: 3000 }
  - expect: { flags: A, seq: 1, len: { min: 1, max: 536 } }
`);

/** TIME-WAIT alone lasts 2×MSL = 20 slow ticks of 499 ms; a retransmitted FIN does not restart it. */
function timeWaitCase(refinAfter: string | undefined): Case {
  const refin = refinAfter === undefined ? '' : `  - wait: ${refinAfter}
  - send: { flags: FA, seq: 1 }
  - expect: { flags: A, seq: 2, ack: 2 }
`;
  return parsed(`id: slirp/time-wait${refinAfter === undefined ? '' : '-restart'}
title: TIME-WAIT lasts 2×MSL${refinAfter === undefined ? '' : ' counted from a retransmitted FIN'}
spec: { rfc9293: ["3.6", "3.10.7.4"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - send: { flags: A }
  - app: close
  - expect: { flags: FA, seq: 1, ack: 1 }
  - send: { flags: A }
  - send: { flags: FA }
  - expect: { flags: A, seq: 2, ack: 2 }
${refin}  - wait: 9s
  - send: { flags: A, seq: 2 }
  - quiet: 300ms
  - wait: 1s
  - send: { flags: A, seq: 2 }
  - expect: { flags: R }
`);
}

beforeAll(requireAdapter);

describe('slirp adapter', () => {
  test('says hello with its stack, the real clock by default, and every call but set-option', async () => {
    const target = await slirp('real');
    try {
      expect(target.stack).toEqual({ name: 'slirp', version: '4.7.0' });
      expect([target.address, target.peerAddress]).toEqual(['198.18.0.1', '198.18.0.2']);
      expect(target.capabilities.clock).toBe('real');
      expect([...target.capabilities.appCalls].sort()).toEqual(
        ['abort', 'close', 'connect', 'listen', 'read', 'shutdown', 'state', 'stop-reading', 'write'],
      );
      expect(target.capabilities.notes?.join(' ')).toMatch(/real TCP sockets on 127\.0\.0\.1/);
      expect(target.capabilities.notes?.join(' ')).toMatch(/private network namespace: 127\.0\.0\.1 is its own/);
    } finally {
      await target.close();
    }
    const virtual = await slirp('virtual');
    try {
      expect(virtual.capabilities.clock).toBe('virtual');
    } finally {
      await virtual.close();
    }
  });

  test('the suite loads', () => {
    expect(suite.problems).toEqual([]);
    expect(suite.cases.length).toBeGreaterThan(0);
  });

  describe.each<Clock>(['real', 'virtual'])('the suite on the %s clock', (clock) => {
    // The first cases; adapters/slirp/findings.yaml records what the rest of the suite finds.
    test.each(suite.cases.filter((c) => EXPECTED[c.id] !== undefined).map((c) => [c.id, c] as const))('%s', async (id, testCase) => {
      expectVerdict(id, await run(testCase, clock));
    });
  });

  test.each<Clock>(['real', 'virtual'])('finding: passive opens ignore the peer MSS and send 1440 octets (%s clock)', async (clock) => {
    // tcp_input.c attaches the tcpcb before the socket's family is set (tcp_subr.c tcp_newtcpcb:
    // if_mtu - 60), and the SYN's options are never read: after the non-blocking host connect(),
    // tcp_input resumes at cont_conn with optp NULL.
    const result = await run(PEER_MSS_CASE, clock);
    expect(result.verdict).toBe('fail');
    expect(result.divergence?.mismatches).toEqual([{ field: 'len', expected: '1..536', observed: '1440' }]);
  });

  test('TIME-WAIT lasts 2×MSL = 10 s (virtual clock)', async () => {
    expect(await run(timeWaitCase(undefined), 'virtual')).toMatchObject({ verdict: 'pass' });
  });

  test('finding: a retransmitted FIN in TIME-WAIT is acknowledged but does not restart 2×MSL', async () => {
    // tcp_input.c trims the duplicate FIN (FIN bit cleared) and takes its ACK as a duplicate ACK,
    // which breaks out before the TIME-WAIT case that restarts TCPT_2MSL.
    const result = await run(timeWaitCase('3s'), 'virtual');
    expect(result.verdict).toBe('fail');
    expect(result.reason).toMatch(/expected no segment for 300ms, but the target sent R/);
  });

  test('finding: an abort in SYN-SENT waits for the handshake, then resets the connection', async () => {
    // slirp.c slirp_pollfds_fill polls a host socket for reading only once it is connected
    // (CONN_CANFRCV needs SS_ISFCONNECTED), so slirp sees the application's RST only after ESTABLISHED.
    const abortCase = parsed(`id: slirp/abort-syn-sent
title: ABORT in SYN-SENT deletes the connection; the peer's SYN-ACK then meets a reset
spec: { rfc9293: ["3.10.5"], requirements: [] }
level: MUST
steps:
  - app: connect
  - expect: { flags: S, seq: 0 }
  - app: abort
  - send: { flags: SA, options: [{ mss: 1460 }] }
  - expect: { flags: R, seq: 1 }
`);
    const result = await run(abortCase, 'virtual');
    expect(result.verdict).toBe('fail');
    // slirp completes the handshake with an ACK before it resets: the oracle names that ACK first.
    expect(result.divergence?.observed).toMatch(/^A seq 1 ack 1 /);
  });

  test('SYN-ACK retransmissions follow the 499 ms slow timer: 12 ticks, then 24 (virtual clock)', async () => {
    const rexmt = parsed(`id: slirp/syn-ack-rexmt
title: The SYN-ACK is retransmitted after the initial RTO, then after the backed-off one
spec: { rfc9293: ["3.8.1"], requirements: [] }
level: MUST
steps:
  - app: listen
  - send: { flags: S, options: [{ mss: 1460 }] }
  - expect: { flags: SA, ack: 1 }
  - expect: { flags: SA, ack: 1, within: 7s }
  - expect: { flags: SA, ack: 1, within: 13s }
`);
    const started = process.hrtime.bigint();
    const result = await run(rexmt, 'virtual');
    const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
    expect([result.verdict, result.reason]).toEqual(['pass', undefined]);
    expect(wallMs).toBeLessThan(1000);
    const sent = result.trace.filter((e) => e.kind === 'packet' && e.direction === 'from-target').map((e) => e.timeMs);
    expect(sent.map((t) => t - sent[0]!)).toEqual([0, 12 * 499, 36 * 499]);
  });

  test('profiles/slirp.yaml parses with the values of libslirp 4.7.0', () => {
    const base = parseProfile('profiles/rfc9293.yaml', readFileSync(path.join(ROOT, 'profiles/rfc9293.yaml'), 'utf8'));
    const own = parseProfile('profiles/slirp.yaml', readFileSync(path.join(ROOT, 'profiles/slirp.yaml'), 'utf8'), base.profile);
    expect(own.problems).toEqual([]);
    expect(own.profile?.profile).toMatchObject({
      mslMs: 5000,
      initialRtoMs: 6000,
      minRtoMs: 1000,
      maxRtoMs: 12_000,
      maxAckDelayMs: 2,
      rfc5961Rst: false,
      rfc5961Syn: false,
      rfc5961Ack: false,
      receiveBuffer: 65_535,
      mss: 1460,
    });
  });

  test('five runs of the suite on the virtual clock give the same verdicts and packets at the same times', async () => {
    const runs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const results: unknown[] = [];
      for (const testCase of suite.cases) {
        const { id, verdict, trace, steps } = await run(testCase, 'virtual');
        results.push({ id, verdict, trace, steps });
      }
      runs.push(JSON.stringify(results));
    }
    for (const other of runs.slice(1)) expect(other).toBe(runs[0]);
  });

  test('host sockets live on a 127.0.0.1 of the adapter own, so two cases on port 8080 run at once', async () => {
    const passiveOpen = suite.cases.find((c) => c.id === 'handshake/passive-open');
    if (!passiveOpen) throw new Error('the suite has no handshake/passive-open');
    const targets = await Promise.all([slirp('real'), slirp('real')]);
    try {
      const results = await Promise.all(targets.map((target) => runCase(passiveOpen, target, PROFILE)));
      expect(results.map((r) => r.verdict)).toEqual(['pass', 'pass']);
      for (const target of targets) {
        const pid = target.pid;
        if (pid === undefined) throw new Error('no adapter pid');
        expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync('/proc/self/ns/net'));
        // The adapter's view of TCP: its listener, its accepted socket and slirp's socket, all 127.0.0.1.
        const sockets = readFileSync(`/proc/${pid}/net/tcp`, 'utf8').trim().split('\n').slice(1);
        const addresses = sockets.flatMap((line) => line.trim().split(/\s+/).slice(1, 3).map((a) => a.split(':')[0]));
        expect(sockets.length).toBeGreaterThanOrEqual(3);
        expect(addresses).toContain('0100007F');
        // 00000000 only as the listener's remote end.
        expect(addresses.filter((a) => a !== '0100007F' && a !== '00000000')).toEqual([]);
        expect(readFileSync(`/proc/${pid}/net/udp`, 'utf8').trim().split('\n').slice(1)).toEqual([]);
      }
    } finally {
      await Promise.all(targets.map((target) => target.close()));
    }
  });
});
