/**
 * `tcpconform explain` and `tcpconform targets`, end to end through the command line.
 */
import { runCli } from './run-cli';

describe('tcpconform explain', () => {
  test('prints the case with its steps and lines, the predicted exchange as a ladder, and the rules', () => {
    const run = runCli(['explain', 'rst/closed-port-syn']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toMatch(/^rst\/closed-port-syn {2}MUST\n {2}A SYN to a port with no listener is answered with RST\/ACK/);
    expect(out).toContain('file          suites/rst/closed-port-syn.yaml:1');
    expect(out).toContain('RFC 9293      §3.5.2 §3.10.7.1');
    expect(out).toContain('requirements  EVT-3.10.7.1-RST-1');
    expect(out).toContain('RFC 9293 §3.10.7.1 (CLOSED): an incoming segment without RST is answered with a reset');
    expect(out).toMatch(/\n +13 {2}send S seq 0 win 65535 <mss 1460>\n +15 {2}expect RA seq 0 ack 1 len 0 within 1s\n/);
    // The ladder: the peer's SYN, then the machine's RST/ACK, relative numbers, state after each.
    expect(out).toMatch(/0\.000s {2}peer ──▶ {4}S {11}0 {7}- {2}65535 {5}0 {2}CLOSED {8}<mss 1460>/);
    expect(out).toMatch(/0\.000s {7}◀── {4}RA {10}0 {7}1 {6}0 {5}0 {2}CLOSED/);
    expect(out).toMatch(/Rules the reference machine applied \(\d+\):\n {2}3\.10\.7\.1\/\S+ +\S/);
  });

  test('shows application calls with their results, and follows states through a close', () => {
    const run = runCli(['explain', 'suites/close/passive-close.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/app {4}listen 8080 → ok +LISTEN/);
    expect(run.stdout).toMatch(/peer ──▶ {4}FA .* CLOSE-WAIT/);
    expect(run.stdout).toMatch(/app {4}close → ok +LAST-ACK/);
    expect(run.stdout).toContain('3.10.7.4/fin/close-wait');
  });

  test('a case the reference machine does not pass is explained up to where it parts from the RFC, exit 2', () => {
    const run = runCli(['explain', 'test/fixtures/wrong-ack.yaml']);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/◀── {4}SA {10}0 {7}1 /);
    expect(run.stdout).toContain('The case does not pass on the reference machine (fail): test/fixtures/wrong-ack.yaml:8: ack: expected 5, observed 1');
  });

  test('an unknown id is a usage error that suggests the ids it resembles', () => {
    const run = runCli(['explain', 'passive-open']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('tcpconform: no file passive-open, and no case with that id in suites; did you mean handshake/passive-open?');
  });

  test('a glob must name one case', () => {
    const run = runCli(['explain', 'close/*']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^tcpconform: 'close\/\*' matches \d+ cases: close\/[^ ,]+(, close\/[^ ,]+){1,7}( and \d+ more)?; name one \(tcpconform list --id 'close\/\*' shows them all\)\n$/);
  });

  test('--profile runs the machine with a target\'s parameters, and --help has examples', () => {
    const linux = runCli(['explain', 'rst/closed-port-syn', '--profile', 'linux']);
    expect(linux.code).toBe(0);
    expect(linux.stdout).toContain('(profiles/linux.yaml, virtual clock)');
    expect(runCli(['explain', 'x', '--profile', 'nosuch']).stderr).toContain("no profile 'nosuch'");
    const help = runCli(['explain', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('tcpconform explain close/passive-close');
  });
});

describe('tcpconform targets', () => {
  test('says what a target can do, as JSON for tools', () => {
    const run = runCli(['targets', 'reference', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      name: 'reference',
      ok: true,
      appCalls: ['listen', 'connect', 'write', 'write-urgent', 'read', 'stop-reading', 'shutdown', 'close', 'abort', 'state', 'at-mark', 'set-option'],
      options: ['nodelay', 'rcvbuf', 'sndbuf', 'keepalive', 'keepalive-idle', 'keepalive-interval', 'keepalive-count', 'user-timeout', 'linger', 'dscp'],
      clock: 'virtual',
      families: ['ipv4', 'ipv6'],
      notes: [expect.any(String)],
    });
    expect(runCli(['targets', 'reference']).stdout).toMatch(/^reference {2}ready {2}virtual clock {2}ipv4,ipv6 {2}app calls: listen, connect/);
  });

  test('an unknown target is a usage error', () => {
    const run = runCli(['targets', 'nosuch']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("'nosuch' is not a target");
  });
});
