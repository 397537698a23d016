/**
 * The linux target run by a user who is not root (issue 7, "Without root"): a user this test creates
 * (and removes) runs a small suite through the command line. Where the kernel allows unprivileged user
 * namespaces the run must pass, inside namespaces of the user's own; where it does not, it must fail
 * with the one sentence saying what is needed. Either way nothing may be left behind: no process of the
 * user (a namespace of theirs lives only as long as one), no named namespace of the run.
 *
 * The refusal is also produced on purpose, whatever this machine allows: the run goes inside a user
 * namespace whose user.max_user_namespaces is 0, so the kernel itself refuses the harness's unshare.
 * Needs root, as the other linux tests do (useradd, and writing a user namespace's id maps).
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { namespacesOnHost } from './processes';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'tcpconform');
const USER = `tcpc${process.pid % 100000}`;
/** Three cases: one of each area the small suite needs, passive and active, with and without the app. */
const SMALL_SUITE = ['suites/handshake/passive-open.yaml', 'suites/handshake/active-open.yaml', 'suites/rst/closed-port-syn.yaml'];
const REFUSAL = /^tcpconform: The linux target needs root, or unprivileged user namespaces, which this machine refuses \(unshare -Urn: .+\): run as root, or allow them with sysctl -w user\.max_user_namespaces=10000 \(and kernel\.unprivileged_userns_clone=1 or kernel\.apparmor_restrict_unprivileged_userns=0 where those exist\)\.$/;

let uid: number;
let gid: number;
let home: string;

interface Outcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `command` as the test user: setpriv execs it in place, so the pid spawned is the command's own. */
function asUser(command: readonly string[]): readonly string[] {
  return ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--inh-caps=-all', '--', ...command];
}

const userEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, CI: 'true' });

function finish(child: ChildProcess): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The test user's processes: a namespace of theirs cannot outlive the last one holding it. */
function userProcesses(): string[] {
  const found = spawnSync('pgrep', ['-u', String(uid), '-a'], { encoding: 'utf8' });
  return found.stdout.split('\n').filter((line) => line.trim() !== '');
}

async function nothingLeftOf(harnessPid: number | undefined): Promise<void> {
  // Agents end when their stdin closes; give a killed run's children a moment to notice.
  for (let i = 0; i < 100 && userProcesses().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(userProcesses()).toEqual([]);
  expect(namespacesOnHost().filter((name) => name.startsWith(`tcpconform-${harnessPid}-`))).toEqual([]);
}

/** What this machine allows the test user, asked the way the harness asks it. */
function userNamespacesAllowed(): boolean {
  const [program, ...args] = asUser(['unshare', '--user', '--map-root-user', '--net', '--', 'ip', 'link', 'set', 'dev', 'lo', 'up']);
  return spawnSync(program as string, args, { encoding: 'utf8' }).status === 0;
}

function outDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcpconform-nonroot-'));
  chownSync(dir, uid, gid);
  return dir;
}

beforeAll(() => {
  spawnSync('userdel', [USER]); // one a killed earlier run of this pid may have left
  execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', USER]);
  uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
  gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
  home = outDir();
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
  // userdel refuses while a process of the user runs: one more sign that nothing was left.
  execFileSync('userdel', [USER]);
});

test('a user who is not root runs a small suite on the linux target, or is told in one sentence what is needed', async () => {
  const out = outDir();
  try {
    const [program, ...args] = asUser([process.execPath, CLI, 'run', ...SMALL_SUITE, '--target', 'linux', '--out', out]);
    const child = spawn(program as string, args, { cwd: ROOT, env: userEnv() });
    const run = await finish(child);
    if (userNamespacesAllowed()) {
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('3 passed, 0 failed, 0 skipped, 0 errored, 0 waived');
      expect(run.code).toBe(0);
      const results = readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { verdict: string; target: string });
      expect(results.map((r) => [r.target, r.verdict])).toEqual([['linux', 'pass'], ['linux', 'pass'], ['linux', 'pass']]);
    } else {
      expect(run.stderr.trim()).toMatch(REFUSAL);
      expect(run.code).toBe(3);
    }
    await nothingLeftOf(child.pid);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('where the kernel refuses user namespaces, the run fails with the one sentence (exit 3)', async () => {
  const out = outDir();
  try {
    // A user namespace of root's with the test user mapped and user.max_user_namespaces 0 inside: the
    // harness runs there as the test user, and its unshare is refused by the kernel (ENOSPC).
    const script = [
      'read go || exit 97',
      `exec /bin/sh -c 'echo 0 > /proc/sys/user/max_user_namespaces || exit 98; exec "$@"' sh ${asUser([]).map((a) => `'${a}'`).join(' ')} "$@"`,
    ].join('\n');
    const child = spawn('unshare', ['--user', '--', '/bin/sh', '-c', script, 'sh', process.execPath, CLI, 'run', ...SMALL_SUITE, '--target', 'linux', '--out', out], { cwd: ROOT, env: userEnv() });
    const done = finish(child);
    const pid = child.pid as number;
    const own = readlinkSync('/proc/self/ns/user');
    while (readlinkSync(`/proc/${pid}/ns/user`) === own) await new Promise((resolve) => setTimeout(resolve, 5));
    writeFileSync(`/proc/${pid}/uid_map`, `0 0 1\n${uid} ${uid} 1\n`);
    writeFileSync(`/proc/${pid}/gid_map`, `0 0 1\n${gid} ${gid} 1\n`);
    child.stdin?.end('go\n');
    const run = await done;
    expect(run.stderr.trim()).toMatch(REFUSAL);
    expect(run.stderr.trim()).toContain('No space left on device');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.code).toBe(3);
    await nothingLeftOf(pid);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('a non-root run killed with SIGKILL half-way leaves no process, so no namespace, behind', async () => {
  if (!userNamespacesAllowed()) return; // the first test holds such a machine to the one sentence
  const out = outDir();
  try {
    const [program, ...args] = asUser([process.execPath, CLI, 'run', 'suites', '--target', 'linux', '--jobs', '4', '--out', out]);
    const child = spawn(program as string, args, { cwd: ROOT, env: userEnv() });
    const done = finish(child);
    // Kill once targets exist: an agent of the user's is running inside its namespaces.
    const agentsRunning = (): boolean => userProcesses().some((line) => line.includes('tcpconform-agent'));
    for (let i = 0; i < 400 && !agentsRunning(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(agentsRunning()).toBe(true);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    await nothingLeftOf(child.pid);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
