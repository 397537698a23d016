/**
 * `tcpconform adapter-check` against the starter adapters, which must pass, and against adapters that
 * break the protocol, each of which must fail with a sentence naming what it did, on which line.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { checkAdapter, type AdapterCheckReport } from '../../src/targets/process/check/adapter-check';
import { ROOT, runCli } from './run-cli';

const node = (script: string, ...args: string[]): string[] => [process.execPath, path.join(ROOT, script), ...args];
const C_STARTER = path.join(ROOT, 'adapters/starter/c');

/** An adapter written inline in JavaScript: `body` runs after the hello it prints. */
function inline(hello: object, body = ''): string[] {
  return [process.execPath, '-e', `console.log(${JSON.stringify(JSON.stringify(hello))}); ${body}`];
}

const HELLO = {
  type: 'hello',
  protocol: 1,
  stack: { name: 'inline', version: '1' },
  address: '198.18.0.1',
  peer: '198.18.0.2',
  capabilities: { calls: [], clock: 'real', families: ['ipv4'] },
};

/** The failed checks as "check: sentence". */
const failures = (report: AdapterCheckReport): string[] => report.outcomes.filter((o) => !o.ok).map((o) => `${o.check}: ${o.sentence}`);

beforeAll(() => {
  const make = spawnSync('make', ['-s', '-C', C_STARTER], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make in ${C_STARTER} failed: ${make.stderr}`);
});

describe('the starter adapters pass', () => {
  test.each([
    ['the C starter', path.join(C_STARTER, 'adapter'), 15],
    ['the JavaScript starter', `node ${path.join(ROOT, 'adapters/starter/js/adapter.js')}`, 11],
  ])('%s: every check passes, and the command exits 0', (_, command, checks) => {
    const outcome = runCli(['adapter-check', command]);
    expect(outcome.stderr).toBe('');
    expect(outcome.stdout).not.toContain('✗');
    expect(outcome.stdout).toContain(`The adapter follows the protocol in all ${checks} checks`);
    expect(outcome.stdout).toMatch(/✓ the SYN to port 8080 \(line \d+ of its input\) is answered with 8080 > 40001 SA/);
    expect(outcome.code).toBe(0);
  });

  test('the C starter claims every call but set-option, and each is exercised', async () => {
    const report = await checkAdapter([path.join(C_STARTER, 'adapter')]);
    expect(report.outcomes.map((o) => o.check)).toEqual([
      'hello',
      'a line that is not JSON',
      'a call the protocol does not know',
      'the virtual clock',
      'listen',
      'a packet each way',
      '"state"',
      '"write" of 10 octets',
      '"read"',
      '"stop-reading"',
      '"shutdown"',
      '"close"',
      '"connect" to port 9000',
      '"abort"',
      'the exit',
    ]);
    expect(report.ok).toBe(true);
  });
});

describe('adapters in adapters/testing fail at their write, with the line they broke', () => {
  test.each([
    ['crash-on-write.js', [], /^"write" of 10 octets: the adapter exited with code 139 \(SIGSEGV\) while the harness waited for the answer to "write" of 10 octets \(line 12 of its input\); its stderr: toy: tcp_write: pcb->snd_queuelen overflow/],
    ['hang-on-write.js', [], /^"write" of 10 octets: the adapter did not answer "write" of 10 octets \(line 12 of its input\) within 1 s; its stderr: toy: write: waiting for a lock/],
    ['garbage-on-write.js', [], /^"write" of 10 octets: line 13 of the adapter's output is not JSON: "DEBUG tcp_write len=10"; its stderr: toy: debug output is on$/],
    ['protocol-breaker.js', ['wrong-id'], /^"write" of 10 octets: line 13 of the adapter's output breaks the protocol: a result for request 109, but request 9 was waiting, and requests are answered in order: /],
    ['protocol-breaker.js', ['schema'], /^"write" of 10 octets: line 13 of the adapter's output breaks the protocol: a message that has an unknown field "written": /],
    ['protocol-breaker.js', ['not-ipv4'], /^"write" of 10 octets: line 13 of the adapter's output breaks the protocol: a packet that is not IPv4 \(IP version 6\): /],
  ])('%s %s', async (script, args, sentence) => {
    // Through a shell, as the command line starts adapters: a signal then shows as the shell's exit code.
    const command = ['/bin/sh', '-c', node(`adapters/testing/${script}`, ...(args as string[])).map((word) => `'${word}'`).join(' ')];
    const report = await checkAdapter(command, { requestMs: 1000 });
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([expect.stringMatching(sentence)]);
    expect(report.notChecked).toEqual(['"read"', '"close"', 'the exit']);
  });

  test('on the command line: the failure, what was not checked, and exit code 1', () => {
    const outcome = runCli(['adapter-check', `node ${path.join(ROOT, 'adapters/testing/garbage-on-write.js')}`]);
    expect(outcome.stdout).toContain(`✗ "write" of 10 octets: line 13 of the adapter's output is not JSON: "DEBUG tcp_write len=10"`);
    expect(outcome.stdout).toContain('not checked, as the adapter broke the conversation: "read"; "close"; the exit');
    expect(outcome.stdout).toContain('The adapter failed 1 of 8 checks');
    expect(outcome.code).toBe(1);
  });
});

describe('other mistakes an adapter author makes', () => {
  test('a hello with an address outside 198.18.0.0/15 is refused, and nothing else is checked', async () => {
    const report = await checkAdapter(inline({ ...HELLO, address: '10.0.0.1' }, 'setInterval(() => {}, 1000);'));
    expect(failures(report)).toEqual([
      "hello: line 1 of the adapter's output is a hello the harness refuses: it gives address 10.0.0.1, outside 198.18.0.0/15, the only range tcpconform speaks to",
    ]);
  });

  test('a hello without its families names the missing field', async () => {
    const { families: _, ...capabilities } = HELLO.capabilities;
    const report = await checkAdapter(inline({ ...HELLO, capabilities }, 'setInterval(() => {}, 1000);'));
    expect(failures(report)).toEqual([expect.stringContaining(`hello: line 1 of the adapter's output breaks the protocol: a message that lacks the field "capabilities.families"`)]);
  });

  test('one that ignores lines it cannot read is told what the protocol asks for, then stops at the time limit', async () => {
    const report = await checkAdapter(inline(HELLO, 'process.stdin.resume();'), { requestMs: 300 });
    expect(failures(report)).toEqual(['a line that is not JSON: the adapter did not answer a line that is not JSON (line 1 of its input) within 300 ms; its stderr was empty']);
  });

  test('one that answers a bad request with ok is told, and the checks go on', async () => {
    const answer = `require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
      let id = null; try { id = JSON.parse(line).id ?? null; } catch {}
      if (!line.includes('"packet"')) console.log(JSON.stringify({ type: 'result', id, ok: true }));
    });`;
    const report = await checkAdapter(inline(HELLO, answer), { requestMs: 1000 });
    expect(failures(report)).toEqual([
      `a line that is not JSON: line 2 of the adapter's output answers a line that is not JSON (line 1 of its input) with "{\\"type\\":\\"result\\",\\"id\\":null,\\"ok\\":true}"; the protocol asks for {"type":"result","id":null,"ok":false,"error":"bad request: …"}`,
      `a call the protocol does not know: line 3 of the adapter's output answers a call the protocol does not know (line 2 of its input) with "{\\"type\\":\\"result\\",\\"id\\":1,\\"ok\\":true}"; the protocol asks for {"type":"result","id":1,"ok":false,"error":"bad request: …"}`,
      'a packet each way: the adapter sent no packet within 1 s of the SYN to port 8080 (line 3 of its input)',
    ]);
    // Its exit was still checked: it ends when its stdin does.
    expect(report.outcomes.at(-1)).toEqual({ ok: true, check: 'the exit', sentence: 'the adapter exits with code 0 once its stdin closes' });
  });

  test('one that does not exit when its stdin closes', async () => {
    const report = await checkAdapter(inline({ ...HELLO, capabilities: { ...HELLO.capabilities, calls: [] } }, `
      require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
        let id = null; try { id = JSON.parse(line).id ?? null; } catch {}
        if (line.includes('"packet"')) return;
        console.log(JSON.stringify({ type: 'result', id, ok: false, error: 'bad request: no' }));
      });
      setInterval(() => {}, 1000);`), { requestMs: 1000 });
    expect(failures(report)).toEqual([
      'a packet each way: the adapter sent no packet within 1 s of the SYN to port 8080 (line 3 of its input)',
      'the exit: the adapter did not exit within 1 s of its stdin closing (the harness then kills it with SIGKILL)',
    ]);
  });
});
