import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchContext } from './lib/context.js';
import { round } from './lib/stats.js';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ChildReport {
  readonly mainStartedMs: number;
  readonly importMs: number;
  readonly firstJobMs: number;
  readonly success: boolean;
  readonly esmResolved: number;
  readonly cjsLoaded: number;
  readonly esmGoogleHits: number;
  readonly cjsGoogleHits: number;
  readonly sampleHits: readonly string[];
  /** Spawn to exit, measured by the parent. */
  readonly processWallMs: number;
}

export interface StartupResult {
  /** Two fresh processes: the first may also pay for tsx's transform cache. */
  readonly runs: readonly ChildReport[];
  readonly control: ChildReport;
  /** No @google-cloud module in any run, and the control saw them through both channels. */
  readonly noGoogleCloudLoaded: boolean;
  readonly controlDetected: boolean;
}

export async function benchStartup(ctx: BenchContext): Promise<StartupResult> {
  const runs = [await child(ctx, false), await child(ctx, false)];
  const control = await child(ctx, true);
  return {
    runs,
    control,
    noGoogleCloudLoaded: runs.every((r) => r.esmGoogleHits + r.cjsGoogleHits === 0),
    controlDetected: control.esmGoogleHits > 0 && control.cjsGoogleHits > 0,
  };
}

async function child(ctx: BenchContext, control: boolean): Promise<ChildReport> {
  const args = ['--import', 'tsx', 'bench/startup-child.ts', ...(control ? ['--control'] : [])];
  const env = { ...process.env, BENCH_NAMESPACE: ctx.namespace, BENCH_STAGING_DIR: ctx.stagingDir };
  const t0 = performance.now();
  const { stdout } = await exec(process.execPath, args, { cwd: ROOT, env, timeout: 60_000, signal: ctx.signal });
  const processWallMs = performance.now() - t0;
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`startup child printed no result:\n${stdout}`);
  const r = JSON.parse(line.slice('BENCH_RESULT '.length)) as Omit<ChildReport, 'processWallMs'>;
  return {
    ...r,
    mainStartedMs: round(r.mainStartedMs, 0),
    importMs: round(r.importMs, 0),
    firstJobMs: round(r.firstJobMs, 0),
    processWallMs: round(processWallMs, 0),
  };
}
