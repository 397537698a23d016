/**
 * Flakes: runs each real-clock test file N times, optionally beside a CPU load on every core, and prints
 * per file the runs, the passes and the first failure's message. A file that passes N of N under load is
 * one CI can trust; the goal is every file N of N at N = 20 on a 2-core machine.
 *
 * Usage: node -r esbuild-register bench/flakes.ts [N=20] [--load] [test files...]
 *   (npm run bench:flakes -- 20 --load)   default files: every test driving a real clock (below)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, startLoad } from './load';

/** The test files whose outcome rests on real time: kernels, loopback sockets, a browser, child processes. */
const REAL_CLOCK_FILES = [
  'test/targets/linux.test.ts',
  'test/targets/linux-nonroot.test.ts',
  'test/targets/linux-application.test.ts',
  'test/targets/linux-ipv6.test.ts',
  'test/targets/kernel-settings.test.ts',
  'test/targets/tun-addon.test.ts',
  'test/targets/wire-time.test.ts',
  'test/targets/host-clock.test.ts',
  'test/targets/process.test.ts',
  'test/runner/harness-late.test.ts',
  'test/targets/raw.test.ts',
  'test/targets/raw-agent.test.ts',
  'test/targets/raw-cleanup.test.ts',
  'test/targets/raw-wire.test.ts',
  'test/cli/run.test.ts',
  'test/cli/raw.test.ts',
  'test/adapters/lwip.test.ts',
  'test/adapters/gvisor.test.ts',
  'test/adapters/ns3.test.ts',
  'test/adapters/slirp.test.ts',
  'test/browser/report.test.ts',
  'test/jest/integration.test.ts',
];

const { values: flags, positionals } = parseArgs({ options: { load: { type: 'boolean', default: false } }, allowPositionals: true });
const runs = Number(positionals.find((a) => /^\d+$/.test(a)) ?? 20);
const withLoad = flags.load;
const files = positionals.filter((a) => !/^\d+$/.test(a));
const chosen = files.length > 0 ? files : REAL_CLOCK_FILES;

interface JestJson {
  readonly testResults: readonly { readonly assertionResults: readonly { readonly fullName: string; readonly status: string; readonly failureMessages: readonly string[] }[]; readonly message: string }[];
}

/** One run of one file: whether it passed, and else its first failure in one line. */
async function runOnce(file: string, outDir: string): Promise<{ ok: boolean; failure?: string; seconds: number }> {
  const output = join(outDir, 'jest.json');
  const started = process.hrtime.bigint();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['node_modules/.bin/jest', file, '--ci', '--json', `--outputFile=${output}`], { stdio: 'ignore' });
    child.on('close', resolve);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code === 0) return { ok: true, seconds };
  let failure = `jest exited ${code}`;
  try {
    const json = JSON.parse(readFileSync(output, 'utf8')) as JestJson;
    const failed = json.testResults.flatMap((r) => r.assertionResults).find((a) => a.status === 'failed');
    const message = failed?.failureMessages[0] ?? json.testResults.find((r) => r.message !== '')?.message ?? '';
    // The first line that says something (jest's messages open with colour codes, blank lines and, when
    // the file itself broke, a heading that names no cause), and what an expectation got against what it wanted.
    const lines = message.replace(/\u001b\[[0-9;]*m/g, '').split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== '● Test suite failed to run');
    const compared = lines.filter((l) => /^(Expected|Received)\b/.test(l)).slice(0, 2);
    failure = `${failed ? `${failed.fullName}: ` : ''}${[lines[0] ?? '', ...compared].join(' | ')}`.slice(0, 600);
  } catch {
    // no JSON: the exit code is all there is
  }
  return { ok: false, failure, seconds };
}

async function main(): Promise<void> {
  const load = withLoad ? startLoad() : undefined;
  const outDir = mkdtempSync(join(tmpdir(), 'tcpconform-flakes-'));
  process.stdout.write(`${runs} run(s) of each of ${chosen.length} file(s)${load ? `, beside ${load.loops} busy loops` : ''}\n`);
  let flaky = 0;
  try {
    for (const file of chosen) {
      let passes = 0;
      let firstFailure: string | undefined;
      const seconds: number[] = [];
      for (let run = 0; run < runs; run++) {
        const outcome = await runOnce(file, outDir);
        seconds.push(outcome.seconds);
        if (outcome.ok) passes++;
        else firstFailure ??= `run ${run + 1}: ${outcome.failure}`;
      }
      if (passes < runs) flaky++;
      process.stdout.write(`${file.padEnd(40)} ${String(passes).padStart(3)}/${runs} passed  (median ${median(seconds).toFixed(1)} s)${firstFailure ? `\n    first failure: ${firstFailure}` : ''}\n`);
    }
  } finally {
    load?.stop();
    rmSync(outDir, { recursive: true, force: true });
  }
  process.stdout.write(flaky === 0 ? `every file passed ${runs} of ${runs}\n` : `${flaky} file(s) failed at least once\n`);
  process.exitCode = flaky === 0 ? 0 : 1;
}

void main();
