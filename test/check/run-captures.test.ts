/**
 * The captures of tcpconform's own runs are check's first corpus: each case's pcap, checked after the
 * fact, must give the verdict the live run gave, on the reference target and on lwIP (virtual clocks,
 * the whole suite). Where the live run saw a segment diverge, check must flag that same segment. The
 * one exception is a live divergence that leaves no trace on the wire at all — what the application
 * learned (an event, a state, a call's result), or data an application wrote that never went out —
 * where the capture, rightly, passes. The capture is taken to run as long as the live case did.
 */
import { checkCapture } from '../../src/check/check-capture';
import { findDriver } from '../../src/cli/drivers';
import { loadSuites } from '../../src/cli/load-suites';
import { loadProfile } from '../../src/cli/load-profiles';
import { casePcap } from '../../src/report/pcap';
import type { CaseResult } from '../../src/runner/result';
import { runSuite } from '../../src/runner/run-suite';
import { segmentText, summarizeFromTarget } from '../../src/runner/summary';
import { decodePacket } from '../../src/wire';

const cases = loadSuites(['suites']).cases;

/** The target's address, as its packets (or the peer's to it) carry it. */
function targetAddress(result: CaseResult): string | undefined {
  const packet = result.trace.find((e) => e.kind === 'packet' && e.segment !== undefined);
  if (packet?.kind !== 'packet') return undefined;
  const { ip } = decodePacket(Buffer.from(packet.hex, 'hex'));
  return packet.direction === 'from-target' ? ip.src : ip.dst;
}

/** Whether the live divergence leaves no trace on the wire: an application-side check, or data written but never sent. */
function offTheWire(result: CaseResult): boolean {
  const d = result.divergence;
  if (d === undefined) return false;
  const step = result.steps.find((s) => s.index === d.step);
  const kind = step?.text.split(' ')[0];
  if ((kind === 'state' || kind === 'event') && d.mismatches.every((m) => !/^(MUST|SHLD|MAY)-|^RFC /.test(m.field))) return true;
  if (kind === 'app' && d.mismatches.every((m) => !/^(MUST|SHLD|MAY)-|^RFC /.test(m.field))) return true;
  // "sending up to N": data the application wrote, none of which the target ever sent.
  const owed = /^sending up to (\d+)/.exec(d.expected);
  const sentData = result.trace.some((e) => e.kind === 'packet' && e.direction === 'from-target' && (e.segment?.length ?? 0) > 0);
  return d.observed === 'nothing' && owed !== null && !sentData;
}

describe.each(['reference', 'lwip'])('the captures of a run on %s', (target) => {
  let results: CaseResult[];
  beforeAll(async () => {
    results = await runSuite(cases, [findDriver(target)], [], { jobs: 4 });
  }, 120_000);

  test('give, checked after the fact, the live verdicts', async () => {
    const { profile } = loadProfile(target);
    const disagreements: string[] = [];
    let compared = 0;
    for (const live of results) {
      const address = targetAddress(live);
      if (live.verdict === 'skip' || address === undefined) continue;
      const outcome = await checkCapture(casePcap(live), { profile, side: 'both', endpoint: { address }, capturedForMs: live.durationMs });
      const judgments = outcome.conversations.flatMap((c) => c.judgments);
      const failed = judgments.find((j) => j.verdict === 'fail');
      const verdict = failed ? 'fail' : judgments.some((j) => j.verdict === 'inconclusive') ? 'inconclusive' : 'pass';
      compared++;
      // Off the wire, the capture may show nothing wrong, or (live runs stop at the first divergence) something else.
      const expected = offTheWire(live) ? ['pass', live.verdict] : [live.verdict];
      if (!expected.includes(verdict)) {
        disagreements.push(`${live.id}: live ${live.verdict}${expected.length > 1 ? ' (off the wire)' : ''}, check ${verdict}: ${live.reason ?? ''} / ${failed?.divergence?.violation.message ?? judgments.find((j) => j.unjudged)?.unjudged?.reason ?? ''}`);
        continue;
      }
      // A segment the live run saw diverge is the one check flags.
      const observed = live.divergence?.observed;
      if (verdict === 'fail' && expected.length === 1 && observed !== undefined && observed !== 'nothing' && failed?.divergence?.observed) {
        // Flags, sequence number and length: the ACK field is relative to a peer ISN the capture may not show.
        const key = (text: string) => /^(\S+) seq (\d+) .* len (\d+)/.exec(text)?.slice(1).join(' ');
        const flagged = segmentText(summarizeFromTarget(failed.divergence.observed.tcp, failed.numbering, true));
        if (key(observed) !== key(flagged)) disagreements.push(`${live.id}: live flagged ${observed}, check ${flagged}`);
      }
    }
    expect(disagreements).toEqual([]);
    // Nearly every case ran: a suite that stopped loading would pass this test vacuously.
    expect(compared).toBeGreaterThan(140);
  }, 120_000);

  test('the off-the-wire exceptions are few, and each is a live failure', () => {
    const off = results.filter(offTheWire);
    expect(off.every((r) => r.verdict === 'fail')).toBe(true);
    expect(off.length).toBeLessThanOrEqual(target === 'reference' ? 0 : 6);
  });
});
