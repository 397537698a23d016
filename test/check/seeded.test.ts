/**
 * `check` on captures with a violation seeded into one of the endpoint's packets: flagged at that packet,
 * with the rule it breaks; and `tcpconform check` end to end: exit codes, a cut capture's byte offset
 * with what came before it judged, pcapng from Wireshark's editcap, --help.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCapture } from '../../src/check/check-capture';
import { loadSuites } from '../../src/cli/load-suites';
import { rfcProfile } from '../../src/cli/load-profiles';
import { readResults } from '../../src/cli/outputs';
import { casePcap } from '../../src/report/pcap';
import type { CaseResult, TraceEvent } from '../../src/runner/result';
import { runCase } from '../../src/runner/run-case';
import { createReferenceTarget } from '../../src/targets/reference';
import { decodePacket, encodePacket, TcpFlag, type TcpSegment } from '../../src/wire';
import { runCli } from '../cli/run-cli';

const cases = loadSuites(['suites']).cases;
const profile = rfcProfile().profile;

async function live(id: string): Promise<CaseResult> {
  const testCase = cases.find((c) => c.id === id);
  if (!testCase) throw new Error(`no case ${id}`);
  return runCase(testCase, await createReferenceTarget(profile), profile);
}

type Packet = TraceEvent & { kind: 'packet' };

/** The result with the `nth` (from 0) packet the target sent rewritten by `change`, checksums made good again. */
function seeded(result: CaseResult, nth: number, change: (tcp: TcpSegment) => TcpSegment): { result: CaseResult; number: number } {
  const packets = result.trace.filter((e): e is Packet => e.kind === 'packet');
  const fromTarget = packets.filter((e) => e.direction === 'from-target');
  const victim = fromTarget[nth]!;
  const { ip, tcp } = decodePacket(Buffer.from(victim.hex, 'hex'));
  if (ip.version !== 4 || tcp === undefined) throw new Error('the reference target speaks IPv4 TCP');
  // Encoded afresh: lengths and checksums computed again, as the target's own stack would have.
  const fresh = { ...tcp, dataOffset: undefined, checksum: undefined };
  const header = { version: 4 as const, src: ip.src, dst: ip.dst, protocol: ip.protocol, ttl: ip.ttl, id: ip.id, dontFragment: true };
  const hex = Buffer.from(encodePacket({ ip: header, tcp: change(fresh) })).toString('hex');
  return { result: { ...result, trace: result.trace.map((e) => (e === victim ? { ...victim, hex } : e)) }, number: packets.indexOf(victim) + 1 };
}

function judged(capture: Uint8Array) {
  const outcome = checkCapture(capture, { profile, side: 'both', endpoint: { address: '198.18.0.1' } });
  return outcome.conversations.flatMap((c) => c.judgments);
}

describe('a seeded violation', () => {
  let passive: CaseResult;
  let data: CaseResult;
  beforeAll(async () => {
    passive = await live('close/passive-close');
    data = await live('window/out-of-order-queued');
  });

  test('the untouched captures pass', async () => {
    for (const r of [passive, data]) expect(judged(casePcap(r)).map((j) => j.verdict)).toEqual(['pass']);
  });

  test('an MSS option on a segment without SYN is flagged at its packet, MUST-65', async () => {
    const { result, number } = seeded(passive, 1, (tcp) => ({ ...tcp, options: [{ kind: 'mss', mss: 1460 }] }));
    const [judgment] = judged(casePcap(result));
    expect(judgment?.verdict).toBe('fail');
    expect(judgment?.divergence?.number).toBe(number);
    expect(judgment?.divergence?.violation.rule).toBe('MUST-65');
  });

  test('an acknowledgment of data the peer never sent is flagged at its packet', async () => {
    const { result, number } = seeded(data, 2, (tcp) => ({ ...tcp, ack: (tcp.ack + 5000) >>> 0 }));
    const [judgment] = judged(casePcap(result));
    expect(judgment?.divergence?.number).toBe(number);
    expect(judgment?.divergence?.violation.message).toMatch(/an ACK of \d+, but only \d+ has arrived \(RCV\.NXT\)/);
  });

  test('a SYN-ACK with the RST bit set as well is flagged at its packet', async () => {
    const { result, number } = seeded(passive, 0, (tcp) => ({ ...tcp, flags: tcp.flags | TcpFlag.RST }));
    const [judgment] = judged(casePcap(result));
    expect(judgment?.verdict).toBe('fail');
    expect(judgment?.divergence?.number).toBe(number);
  });
});

describe('tcpconform check', () => {
  let dir: string;
  let capture: string;
  let violation: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tcpconform-check-'));
    const { result, number } = seeded(await live('close/passive-close'), 1, (tcp) => ({ ...tcp, options: [{ kind: 'mss', mss: 1460 }] }));
    violation = number;
    capture = join(dir, 'seeded.pcap');
    writeFileSync(capture, casePcap(result));
    writeFileSync(join(dir, 'clean.pcap'), casePcap(await live('window/out-of-order-queued')));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('exits 1 on a divergence, naming the packet and the rule, and writes run\'s report', () => {
    const run = runCli(['check', capture, '--endpoint', '198.18.0.1', '--out', join(dir, 'report')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`FAIL   198.18.0.1:8080, the server, in 198.18.0.2:40000 ↔ 198.18.0.1:8080`);
    expect(run.stdout).toContain(`seeded.pcap: packet ${violation}: MUST-65:`);
    const results = readResults(join(dir, 'report'));
    expect(results.map((r) => [r.id, r.verdict])).toEqual([['server/1-198-18-0-1-8080', 'fail']]);
    expect(readFileSync(join(dir, 'report', 'cases', 'seeded.pcap', 'server.1-198-18-0-1-8080.html'), 'utf8')).toContain('MUST-65');
    expect(readFileSync(join(dir, 'report', 'junit.xml'), 'utf8')).toContain('<failure');
  });

  test('exits 0 on a clean capture; without --endpoint both sides are judged, and a gap is no verdict', () => {
    const run = runCli(['check', join(dir, 'clean.pcap'), '--out', join(dir, 'clean')]);
    expect(run.stdout).toMatch(/PASS +198\.18\.0\.1:8080, the server/);
    // The harness, as the client, sends octets 101.. before 1..100 on purpose: to a capture, a segment it missed.
    expect(run.stdout).toMatch(/SKIP +198\.18\.0\.2:40000, the client.*\n.*packet 4: the endpoint's packet 4 sends from 101, but the capture shows it sending only up to 1: a segment missing from the capture/);
    expect(run.code).toBe(0);
  });

  test('reads the same capture as pcapng, written by editcap', () => {
    execFileSync('editcap', ['-F', 'pcapng', capture, join(dir, 'seeded.pcapng')]);
    const run = runCli(['check', join(dir, 'seeded.pcapng'), '--side', 'server', '--out', join(dir, 'ng')]);
    expect(run.stdout).toContain('pcapng, ');
    expect(run.stdout).toContain(`packet ${violation}: MUST-65:`);
    expect(run.code).toBe(1);
  });

  test('a capture cut short: the byte offset, what came before it judged, exit 2', () => {
    const whole = readFileSync(join(dir, 'clean.pcap'));
    writeFileSync(join(dir, 'cut.pcap'), whole.subarray(0, whole.length - 7));
    const run = runCli(['check', join(dir, 'cut.pcap'), '--endpoint', '198.18.0.1', '--out', join(dir, 'cut')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cut\.pcap: byte \d+: the file ends inside record \d+: it claims \d+ bytes, \d+ are left; what came before it is judged/);
    // The cut took the target's last ACK: what the capture shows conforms, and the ACK's deadline is past its end.
    const [result] = readResults(join(dir, 'cut'));
    expect(result?.verdict).toBe('skip');
    expect(result?.reason).toMatch(/the capture ends \d+ ms after packet \d+, before the deadline of an ACK of \d+/);
  });

  test('what is not a capture is a usage error naming the file', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a capture');
    const run = runCli(['check', join(dir, 'notes.txt'), '--out', join(dir, 'none')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/notes\.txt: byte 0: not a pcap or pcapng file/);
  });

  test('--help explains and gives examples', () => {
    const run = runCli(['check', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Examples:');
    expect(run.stdout).toContain('--side <side>');
    expect(run.stdout).toContain('Exit codes:');
  });
});
