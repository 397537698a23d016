/**
 * Kernel settings move verdicts (issue 20): one Linux setting changed inside one case's namespace, by the
 * case's own `sysctl:`, must change that case's verdict, and the result must say why. The six settings
 * are the ones an independent check against the kernel showed no case noticing. Each case runs as the
 * suite has it and once more with the setting, side by side, through the linux driver with its profile
 * and waivers, exactly as `tcpconform run` runs it. The host's own settings are never touched: the
 * values are written inside each case's namespace (test/targets/linux-application.test.ts holds that).
 * About two and a half minutes: the SYN give-up case waits for Linux's 134 s one, side by side with the rest.
 */
import { findDriver } from '../../src/cli/drivers';
import { loadSuites } from '../../src/cli/load-suites';
import type { CaseResult } from '../../src/runner/result';
import { runSuite } from '../../src/runner/run-suite';
import type { Case } from '../../src/suite/case';

const { cases } = loadSuites(['suites']);

/** A setting, and a case the suite has whose verdict it must move. */
const SETTINGS = [
  { name: 'net.ipv4.tcp_syn_retries', value: '1', caseId: 'give-up/syn-retransmitted-for-three-minutes' },
  { name: 'net.ipv4.tcp_synack_retries', value: '0', caseId: 'handshake/syn-ack-retransmitted' },
  { name: 'net.ipv4.tcp_fin_timeout', value: '1', caseId: 'close/fin-wait-2-has-no-timer' },
  { name: 'net.ipv4.tcp_rfc1337', value: '1', caseId: 'time-wait/rst-ends-time-wait' },
  { name: 'net.ipv4.tcp_retries2', value: '3', caseId: 'give-up/data-retransmitted-for-100-seconds' },
  { name: 'net.ipv4.tcp_keepalive_time', value: '1', caseId: 'keep-alive/default-idle-not-short' },
] as const;

function suiteCase(id: string): Case {
  const found = cases.find((c) => c.id === id);
  if (!found) throw new Error(`the suite has no ${id}`);
  return found;
}

let plain: Map<string, CaseResult>;
let changed: Map<string, CaseResult>;

beforeAll(async () => {
  const linux = findDriver('linux');
  await linux.preflight();
  const originals = SETTINGS.map((s) => suiteCase(s.caseId));
  // The same id: the profile's waivers are found by it.
  const withSettings = SETTINGS.map((s) => ({ ...suiteCase(s.caseId), sysctl: { [s.name]: s.value } }));
  const results = await runSuite([...originals, ...withSettings], [linux], [], { jobs: 12 });
  plain = new Map(results.slice(0, SETTINGS.length).map((r, i) => [SETTINGS[i]!.name, r]));
  changed = new Map(results.slice(SETTINGS.length).map((r, i) => [SETTINGS[i]!.name, r]));
}, 5 * 60_000);

test.each(SETTINGS)('$name = $value moves the verdict of $caseId, and the result says why', ({ name, value }) => {
  const before = plain.get(name);
  const after = changed.get(name);
  expect(['pass', 'waived']).toContain(before?.verdict);
  expect(after?.verdict).toBe('fail');
  // The result carries the setting it ran with (the report lists it) and the first divergence.
  expect(after?.sysctl).toEqual({ [name]: value });
  expect(after?.divergence).toBeDefined();
  expect(after?.reason).toMatch(/^suites\/.+\.yaml:\d+: /);
});

test('a waived case whose departure changes fails, naming what its waiver allows and what it saw', () => {
  const before = plain.get('net.ipv4.tcp_syn_retries');
  const after = changed.get('net.ipv4.tcp_syn_retries');
  expect(before?.verdict).toBe('waived');
  expect(after?.reason).toContain('profiles/linux.yaml waives this case only for');
  // The kernel gave up after about 3 s (two SYNs), not after the 134 s the waiver declares.
  expect(after?.reason).toMatch(/observed 'timeout after [0-9.]+s'/);
  expect(after?.reason).not.toMatch(/observed 'timeout after 13\d/);
});
