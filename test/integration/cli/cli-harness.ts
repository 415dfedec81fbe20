import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Docker from 'dockerode';
import { containersOf, requireDocker } from '../../support/docker.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built CLI, as `npx smartjob` runs it; scripts/test.sh builds it before the CLI tests. */
export const CLI = join(ROOT, 'dist/app/cli/main.js');

export interface CliOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly outcome: Promise<CliOutcome>;
  /** Resolves with the first match of `pattern` in what the process wrote to stderr so far or later. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
}

export interface CliFixture {
  readonly docker: Docker;
  readonly stagingDir: string;
  /** The environment every CLI process gets: network none, a private staging directory. */
  readonly env: NodeJS.ProcessEnv;
  cli(args: readonly string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliOutcome>;
  /** A running CLI process, for signals and streams; `outcome` settles when it exits. */
  start(args: readonly string[], options?: { env?: NodeJS.ProcessEnv }): RunningCli;
  /** Runs a bash command line (pipes) with the CLI environment and `extraEnv`; `$CLI` is the CLI's path. */
  sh(script: string, env?: NodeJS.ProcessEnv): Promise<CliOutcome>;
  /** Removes what a test left, then fails if any container of this process was left. */
  close(): Promise<void>;
}

/** Fails at once, saying how to fix it, when the built CLI is missing or older than the sources. */
export async function requireBuiltCli(): Promise<void> {
  const built = await stat(CLI).catch(() => undefined);
  assert.ok(built, `the built CLI ${CLI} is missing: run \`npm run build\` (scripts/test.sh does it before the CLI tests)`);
  const sources = await readdir(join(ROOT, 'src'), { recursive: true });
  for (const source of sources) {
    if (!String(source).endsWith('.ts')) continue;
    const info = await stat(join(ROOT, 'src', String(source)));
    assert.ok(info.mtimeMs <= built.mtimeMs, `the built CLI is older than src/${String(source)}: run \`npm run build\``);
  }
}

export async function cliFixture(): Promise<CliFixture> {
  await requireBuiltCli();
  const docker = await requireDocker();
  const stagingDir = await mkdtemp(join(tmpdir(), 'sj-cli-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SMARTJOB_DOCKER_NETWORK: 'none',
    SMARTJOB_DOCKER_STAGING_DIR: stagingDir,
    CLI,
  };
  const launch = (command: string, args: readonly string[], extraEnv?: NodeJS.ProcessEnv, timeoutMs = 60_000): RunningCli => {
    const child = spawn(command, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const waiters = new Set<() => void>();
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; waiters.forEach((w) => w()); });
    const outcome = new Promise<CliOutcome>((resolve, reject) => {
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`still running after ${timeoutMs} ms; stderr: ${stderr}`)); }, timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
    });
    const waitForStderr = (pattern: RegExp, waitMs = 30_000) => new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = stderr.match(pattern);
        if (!match) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(match);
      };
      const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`no ${pattern} on stderr within ${waitMs} ms; got: ${stderr}`)); }, waitMs);
      waiters.add(check);
      check();
    });
    return { child, outcome, waitForStderr };
  };
  return {
    docker,
    stagingDir,
    env,
    cli: (args, options) => launch(process.execPath, [CLI, ...args], options?.env, options?.timeoutMs).outcome,
    start: (args, options) => launch(process.execPath, [CLI, ...args], options?.env),
    sh: (script, extraEnv) => launch('bash', ['-c', script], extraEnv).outcome,
    async close() {
      const left = await containersOf(docker);
      await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
      await rm(stagingDir, { recursive: true, force: true });
      assert.deepEqual(left.map((c) => c.Names[0]), [], 'containers left behind by the CLI suite');
    },
  };
}
