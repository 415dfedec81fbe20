// Every section (needs Docker): map over 10,000 items in bounded memory, SDK overhead against raw dockerode, memory against
// input size, fire-and-forget at scale, start-up. Prints a table, writes bench/results/latest.json (the previous one becomes previous.json).
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchForget } from './fire-and-forget.js';
import { benchInputSize } from './input-size.js';
import { ApiCounter } from './lib/api-counter.js';
import { freeBytes } from './lib/big-file.js';
import { benchMapMemory } from './map-memory.js';
import { createContext, destroyContext, type BenchContext } from './lib/context.js';
import { MiB, round } from './lib/stats.js';
import { benchOverhead } from './overhead.js';
import { formatDeltas, formatReport, headline } from './report.js';
import { benchStartup } from './startup.js';
import { evaluateTargets, type Sections } from './targets.js';

const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const started = Date.now();
const interrupt = new AbortController();
const ctx = await createContext(interrupt.signal);
let cleaned: Promise<Awaited<ReturnType<typeof destroyContext>>> | undefined;
const cleanup = () => (cleaned ??= destroyContext(ctx));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // First signal: stop the section (SDK calls settle, queued ones as CANCELLED), then the finally below
    // cleans up. A second signal, or 20 s without progress, cleans up and exits at once.
    if (!interrupt.signal.aborted) {
      log(`${signal}: stopping, then removing this run's containers and staging dirs (again to force)`);
      interrupt.abort(new Error(`interrupted by ${signal}`));
      setTimeout(forceExit, 20_000).unref();
    } else forceExit();
  });
}
function forceExit(): void {
  void cleanup().then((r) => log(`cleanup: ${JSON.stringify(r)}`), (e: unknown) => log(`cleanup failed: ${String(e)}`)).finally(() => process.exit(130));
}

const sections: Sections = {};
const errors: Record<string, string> = {};
const sectionMs: Record<string, number> = {};
let leftovers: unknown;
try {
  const counter = new ApiCounter(ctx.docker);
  log(`namespace ${ctx.namespace}, staging ${ctx.stagingDir}, ${round((await freeBytes(ctx.scratchDir)) / 1024 / MiB, 1)} GiB free, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const n = Number(process.env.BENCH_N ?? 40); // jobs per variant; raise it on a busy machine to narrow the intervals
  await section(ctx, 'map', async () => (sections.map = await benchMapMemory(ctx.signal))); // first: a fresh heap
  await section(ctx, 'overhead', async () => (sections.overhead = await benchOverhead(ctx, counter, n)));
  await section(ctx, 'forget', async () => (sections.forget = await benchForget(ctx, counter)));
  await section(ctx, 'startup', async () => (sections.startup = await benchStartup(ctx)));
  await section(ctx, 'inputSize', async () => (sections.inputSize = await benchInputSize(ctx)));
} finally {
  leftovers = await cleanup();
}
if (interrupt.signal.aborted) {
  log(`interrupted: cleanup ${JSON.stringify(leftovers)}; no results written`);
  process.exit(130);
}

const targets = evaluateTargets(sections);
const latest = {
  meta: {
    date: new Date(started).toISOString(),
    totalSeconds: round((Date.now() - started) / 1000, 1),
    sectionSeconds: sectionMs,
    node: process.version,
    docker: (await ctx.docker.version()).Version,
    cpus: cpus().length,
    loadavgAtEnd: loadavg().map((l) => round(l, 2)),
    commit: git(['rev-parse', '--short', 'HEAD']),
    dirtyWorkTree: git(['status', '--porcelain']) !== '',
    sdkWarnings: ctx.warnings,
    cleanup: leftovers,
  },
  headline: headline(sections),
  targets,
  errors,
  ...sections,
};

await mkdir(RESULTS, { recursive: true });
const previous = await readFile(`${RESULTS}latest.json`, 'utf8').then((t) => JSON.parse(t) as typeof latest, () => undefined);
if (previous) await copyFile(`${RESULTS}latest.json`, `${RESULTS}previous.json`);
await writeFile(`${RESULTS}latest.json`, `${JSON.stringify(latest, null, 2)}\n`);

console.log(formatReport(sections, targets, errors));
console.log('');
console.log(formatDeltas(latest.headline, previous?.headline, previous?.meta.date ?? ''));
console.log(`\n${targets.filter((t) => t.status === 'PASS').length}/${targets.length} targets PASS; ${latest.meta.totalSeconds} s; results in bench/results/latest.json`);
process.exitCode = Object.keys(errors).length > 0 ? 1 : 0; // a MISS is a finding, a crashed section is a failure

/** Runs one section; a failure is recorded (and the run goes on) so the other numbers still come out. */
async function section(ctx: BenchContext, name: string, body: () => Promise<unknown>): Promise<void> {
  if (ctx.signal.aborted) return;
  const t0 = Date.now();
  log(`${name}…`);
  try {
    await body();
  } catch (error) {
    errors[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`${name} FAILED: ${errors[name]}`);
  }
  sectionMs[name] = round((Date.now() - t0) / 1000, 1);
  log(`${name} done in ${sectionMs[name]} s`);
}

function log(message: string): void {
  process.stderr.write(`[bench ${round((Date.now() - started) / 1000, 1)}s] ${message}\n`);
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown'; // not a git checkout: the commit is then simply unknown
  }
}
