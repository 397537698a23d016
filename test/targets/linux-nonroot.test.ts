/**
 * The linux target run by a user who is not root (README, "Without root"): a user this test creates
 * (and removes) runs a small suite through the command line. Whether this machine lets such a user host
 * the target is not guessed here: the user asks the product itself (`tcpconform targets linux --json`,
 * the same preflight every run makes). Where it may, the run must pass inside namespaces of the user's
 * own; where it may not, the run must refuse with that same one sentence (exit 3). Either way nothing may
 * be left behind: no process of the user (a namespace of theirs lives only as long as one), no named
 * namespace of the run.
 *
 * The refusal is also produced on purpose, whatever this machine allows: the run goes inside a user
 * namespace whose user.max_user_namespaces is 0, so the kernel itself refuses the harness's unshare.
 * Needs root, as the other linux tests do (useradd, and writing a user namespace's id maps). Nothing of
 * the host is changed: /dev/net/tun keeps its mode, and no sysctl is written outside the test's own
 * user namespace.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { TargetProbe } from '../../src/cli/probe-targets';
import { namespacesOnHost } from './processes';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin', 'tcpconform');
const USER = `tcpc${process.pid % 100000}`;
/** Three cases: one of each area the small suite needs, passive and active, with and without the app. */
const SMALL_SUITE = ['suites/handshake/passive-open.yaml', 'suites/handshake/active-open.yaml', 'suites/rst/closed-port-syn.yaml'];
const REFUSAL = /^tcpconform: The linux target needs root, or unprivileged user namespaces, which this machine refuses \(unshare -Urn: .+\): run as root, or allow them with sysctl -w user\.max_user_namespaces=10000 \(and kernel\.unprivileged_userns_clone=1 or kernel\.apparmor_restrict_unprivileged_userns=0 where those exist\)\.$/;

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

/**
 * Whether the product lets the test user host the linux target on this machine, in its own words: the
 * preflight and one target set up and closed, as `tcpconform targets linux` does for any user.
 */
function linuxTargetForTestUser(): TargetProbe {
  const [program, ...args] = asUser([process.execPath, CLI, 'targets', 'linux', '--json']);
  const probe = spawnSync(program as string, args, { cwd: ROOT, env: userEnv(), encoding: 'utf8' });
  const line = probe.stdout.trim();
  if (line === '') throw new Error(`tcpconform targets linux printed nothing as the test user (exit ${probe.status}): ${probe.stderr}`);
  return JSON.parse(line) as TargetProbe;
}

function outDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tcpconform-nonroot-'));
  chownSync(dir, uid, gid);
  return dir;
}

// The user exists from the moment the file is collected: which tests can run depends on what the
// product says it may do, and jest decides a test.skip before any hook runs.
spawnSync('userdel', [USER]); // one a killed earlier run of this pid may have left
execFileSync('useradd', ['--no-create-home', '--user-group', '--shell', '/usr/sbin/nologin', USER]);
const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8' }).trim());
const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8' }).trim());
const home = outDir();
const hosting = linuxTargetForTestUser();
/** Why a test needing the target as the test user cannot run here; undefined when it can. */
const cannotHost = hosting.ok ? undefined : hosting.problem;

afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
  // userdel refuses while a process of the user runs, or while another user tool holds /etc/passwd's
  // lock: a few seconds for either to pass, then the refusal and the user's processes, which each
  // test already required to be none.
  let refusal = '';
  for (let attempt = 0; attempt < 50; attempt++) {
    const userdel = spawnSync('userdel', [USER], { encoding: 'utf8' });
    if (userdel.status === 0) return;
    refusal = `exit ${userdel.status}: ${userdel.stderr.trim()}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`userdel ${USER} refused for 5 s (${refusal}); the user's processes: ${userProcesses().join('; ') || 'none'}`);
});

test(`a user who is not root ${cannotHost === undefined ? 'runs a small suite on the linux target' : 'is refused with the sentence the preflight says'}`, async () => {
  const out = outDir();
  try {
    const [program, ...args] = asUser([process.execPath, CLI, 'run', ...SMALL_SUITE, '--target', 'linux', '--out', out]);
    const child = spawn(program as string, args, { cwd: ROOT, env: userEnv() });
    const run = await finish(child);
    if (cannotHost === undefined) {
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain('3 passed, 0 failed, 0 skipped, 0 errored, 0 waived');
      expect(run.code).toBe(0);
      const results = readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { verdict: string; target: string });
      expect(results.map((r) => [r.target, r.verdict])).toEqual([['linux', 'pass'], ['linux', 'pass'], ['linux', 'pass']]);
    } else {
      // One line, the preflight's own sentence: the run and `targets` say the same thing.
      expect(run.stderr).toBe(`tcpconform: ${cannotHost}\n`);
      expect(cannotHost).toMatch(/^The linux target needs [^\n]+\.$/);
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

(cannotHost === undefined ? test : test.skip)(`a non-root run killed with SIGKILL half-way leaves no process, so no namespace, behind${cannotHost === undefined ? '' : ` (skipped: ${cannotHost})`}`, async () => {
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
