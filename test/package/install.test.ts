/**
 * tcpconform as a stack's author gets it: `npm pack` here, then a fresh project of theirs that runs
 * `npm install` of the tarball (npm as this machine configures it; dependencies from the registry),
 * `npx tcpconform run --target reference`, the C starter adapter copied out of the package, built and
 * run with `--target adapter`, and a jest test file of theirs using `tcpconform/jest`, type-checked
 * against the package's declarations. Nothing may be compiled from TypeScript inside node_modules.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Packing compiles the package; installing fetches jest and friends: minutes on a loaded machine. */
const SLOW_MS = 5 * 60_000;

const work = mkdtempSync(join(tmpdir(), 'tcpconform-package-'));
const project = join(work, 'my-stack');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a shell of the user's: none of the npm_* variables an enclosing `npm test` sets. */
const userEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const child = spawnSync(command, args, { cwd, env: userEnv, encoding: 'utf8', timeout: SLOW_MS, maxBuffer: 64 * 1024 * 1024 });
  if (child.error) throw child.error;
  return child;
}

/** Fails with the command's output when it did not exit 0. */
function ok(child: SpawnSyncReturns<string>, what: string): string {
  if (child.status !== 0) throw new Error(`${what} exited with ${child.status ?? child.signal}:\n${child.stdout}\n${child.stderr}`);
  return child.stdout;
}

/** The versions tcpconform's own tests use, so the project's install comes from what is already cached. */
const devDependencies = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies;
const at = (name: string): string => `${name}@${devDependencies[name]}`;

interface ResultLine {
  id: string;
  target: string;
  verdict: string;
}
const results = (out: string): ResultLine[] =>
  readFileSync(join(project, out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as ResultLine);

const HANDFUL = ['handshake/passive-open', 'handshake/active-open', 'rst/closed-port-syn', 'close/passive-close', 'close/active-close', 'window/data-both-directions'];

beforeAll(() => {
  const packed = ok(run('npm', ['pack', '--pack-destination', work, '--silent'], ROOT), 'npm pack').trim().split('\n').pop() ?? '';
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-stack', version: '1.0.0', private: true }, null, 2));
  ok(
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, packed), at('jest'), at('@swc/jest'), at('@swc/core'), at('typescript'), at('@types/jest'), at('@types/node')], project),
    'npm install',
  );
}, SLOW_MS);

test('the installed package is JavaScript with declarations and prebuilt native parts: nothing to compile', () => {
  const installed = join(project, 'node_modules', 'tcpconform');
  expect(existsSync(join(installed, 'src'))).toBe(false);
  expect(existsSync(join(installed, 'dist', 'cli', 'main.js'))).toBe(true);
  expect(existsSync(join(installed, 'dist', 'jest', 'index.d.ts'))).toBe(true);
  const typescript = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescript(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    });
  expect(typescript(installed)).toEqual([]);
  expect(readdirSync(join(installed, 'prebuilds', `${process.platform}-${process.arch}`)).sort()).toEqual(['tcpconform-agent', 'tcpconform_netns.node', 'tcpconform_tun.node']);
  // The prebuilt parts fitted, so the install script built nothing.
  expect(existsSync(join(installed, 'build'))).toBe(false);
});

test('the prebuilt native parts load: the linux target sets up a namespace with them and closes it', () => {
  const probe = run('npx', ['tcpconform', 'targets', 'linux', '--json'], project);
  expect(JSON.parse(probe.stdout)).toMatchObject({ name: 'linux', ok: true, clock: 'real' });
  expect(probe.status).toBe(0);
});

test('npx tcpconform run --target reference: the whole suite passes', () => {
  const outcome = run('npx', ['tcpconform', 'run', '--target', 'reference', '--out', 'reports/reference'], project);
  expect(outcome.stderr).toBe('');
  expect(outcome.status).toBe(0);
  const verdicts = results('reports/reference');
  expect(verdicts.length).toBeGreaterThan(100);
  expect(verdicts.filter((r) => !['pass', 'skip'].includes(r.verdict))).toEqual([]);
  expect(readFileSync(join(project, 'reports/reference/index.html'), 'utf8')).toContain('handshake/passive-open');
}, SLOW_MS);

test('the C starter adapter, copied out of the package and built: adapter-check, then run --target adapter', () => {
  cpSync(join(project, 'node_modules/tcpconform/adapters/starter/c'), join(project, 'adapter'), { recursive: true });
  ok(run('make', ['-s', '-C', 'adapter'], project), 'make');
  const check = run('npx', ['tcpconform', 'adapter-check', './adapter/adapter'], project);
  expect(check.stdout).toContain('The adapter follows the protocol in all 15 checks');
  expect(check.status).toBe(0);
  const runArgs = ['tcpconform', 'run', '--target', 'adapter', '--adapter', './adapter/adapter', '--profile', './adapter/profile.yaml', ...HANDFUL.flatMap((id) => ['--id', id]), '--family', 'ipv4', '--out', 'reports/mine'];
  const outcome = run('npx', runArgs, project);
  expect(outcome.stderr).toBe('');
  expect(outcome.status).toBe(0);
  expect(results('reports/mine').map((r) => `${r.target} ${r.id} ${r.verdict}`).sort()).toEqual(HANDFUL.map((id) => `tiny-tcp ${id} pass`).sort());
}, SLOW_MS);

test('a jest test file of the project, with tcpconform/jest: type-checked, then passing', () => {
  mkdirSync(join(project, 'test'), { recursive: true });
  writeFileSync(
    join(project, 'test', 'conformance.test.ts'),
    `import { conformanceSuite } from 'tcpconform/jest';

conformanceSuite({ target: 'reference', areas: ['handshake'], levels: ['MUST'] });
conformanceSuite({ target: 'adapter', adapter: './adapter/adapter', profile: './adapter/profile.yaml', ids: ${JSON.stringify(HANDFUL)} });
`,
  );
  writeFileSync(join(project, 'jest.config.js'), `module.exports = { testEnvironment: 'node', transform: { '^.+\\\\.ts$': ['@swc/jest', {}] } };\n`);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', types: ['jest', 'node'] }, include: ['test'] }),
  );
  ok(run('npx', ['tsc', '-p', '.'], project), 'tsc');
  const jest = run('npx', ['jest', '--ci'], project);
  const output = `${jest.stdout}${jest.stderr}`;
  expect(output).toContain('tcpconform on reference');
  expect(output).toMatch(/tcpconform on tiny-tcp[\s\S]*✓ handshake\/passive-open \[MUST\]/);
  expect(output).toMatch(/Tests: +\d+ passed, \d+ total/);
  expect(jest.status).toBe(0);
}, SLOW_MS);

test('tcpconform setup for targets that need nothing native does nothing', () => {
  const outcome = run('npx', ['tcpconform', 'setup', 'reference', 'adapter'], project);
  expect(outcome.stdout).toBe('setup: ready: reference, adapter\n');
  expect(outcome.status).toBe(0);
});
