import { deepStrictEqual } from 'node:assert/strict';
import { JsonInput, type ExecutorService } from '../src/index.js';
import type { ApiCall, ApiCounter } from './lib/api-counter.js';
import { BUSYBOX, type BenchContext } from './lib/context.js';
import { COPY_JSON_CMD, rawRun, rawRunWithJson } from './lib/raw-docker.js';
import { median, medianCI95, round, summarize, type LatencySummary } from './lib/stats.js';

/** a: raw dockerode `true`; a': raw dockerode doing the JSON job by hand; b: SDK `true`; c: SDK JSON job. */
export const VARIANTS = ['a', "a'", 'b', 'c'] as const;
export type VariantKey = (typeof VARIANTS)[number];

export interface VariantResult extends LatencySummary {
  readonly jobsPerSec: number;
}

type Ratios = { readonly 'b/a': number; readonly 'c/a': number; readonly "c/a'": number };

export interface ModeResult {
  readonly variants: Record<VariantKey, VariantResult>;
  /**
   * Median over rounds of (variant time / raw time) within the same round: a job's latency when sequential,
   * a batch's wall time at concurrency 4. Pairing neighbours cancels the drift of a shared, busy machine.
   */
  readonly ratios: Ratios;
  /** 95% bootstrap interval of each paired ratio. */
  readonly ratiosCI95: Record<keyof Ratios, [number, number]>;
  /** Plain ratio of totals (sum of time per variant): drift-sensitive, shown as a cross-check. */
  readonly totalRatios: Ratios;
}

export interface OverheadResult {
  readonly jobsPerVariant: { readonly sequential: number; readonly concurrent4: number };
  readonly sequential: ModeResult;
  readonly concurrent4: ModeResult;
  /** Docker API calls per job, per variant (sequential pass, so each call belongs to exactly one job). */
  readonly apiCallsPerJob: Record<VariantKey, Record<string, ApiCall>>;
  /** The same at concurrency 4 (batches never overlap, so calls still belong to one variant); ms = latency. */
  readonly apiCallsPerJobConcurrent4: Record<VariantKey, Record<string, ApiCall>>;
}

type Runner = (i: number) => Promise<void>;

function runners(ctx: BenchContext, service: ExecutorService): Record<VariantKey, Runner> {
  const { docker, namespace, stagingDir, signal } = ctx;
  return {
    a: async () => expectZero(await rawRun(docker, namespace, stagingDir, ['true'])),
    "a'": async (i) => deepStrictEqual(await rawRunWithJson(docker, namespace, stagingDir, { i }), { i }),
    b: async () => {
      const r = await service.run({ name: 'noop', namespace, dockerImage: BUSYBOX, overriddenArgs: ['true'] }, { signal });
      if (!r.success) throw new Error(`SDK noop job failed: ${r.message}`);
    },
    c: async (i) => {
      const job = { name: 'json', namespace, dockerImage: BUSYBOX, overriddenArgs: [...COPY_JSON_CMD] };
      const r = await service.run(job, { inputs: [new JsonInput('in.json', { i })], signal });
      if (!r.success) throw new Error(`SDK json job failed: ${r.message}`);
      deepStrictEqual(r.jsonOutput, { i });
    },
  };
}

function expectZero(code: number): void {
  if (code !== 0) throw new Error(`raw job exited with ${code}`);
}

/** The order of round r: rotated each round so no variant always follows the same one. */
const orderOf = (r: number): VariantKey[] => VARIANTS.map((_, k) => VARIANTS[(k + r) % VARIANTS.length]!);

export async function benchOverhead(ctx: BenchContext, counter: ApiCounter, n = 40): Promise<OverheadResult> {
  const byVariant = runners(ctx, ctx.service(4));
  const run = (v: VariantKey, i: number) => {
    ctx.signal.throwIfAborted(); // raw jobs have no signal of their own: stop between jobs
    return byVariant[v](i);
  };
  for (let r = 0; r < 3; r += 1) for (const v of orderOf(r)) await run(v, -1); // warm-up: caches, JIT, daemon
  counter.take();

  const seq = emptyLatencies();
  const calls = {} as Record<VariantKey, Record<string, ApiCall>>;
  const callsTotal = emptyCalls();
  for (let r = 0; r < n; r += 1) {
    for (const v of orderOf(r)) {
      const t0 = performance.now();
      await run(v, r);
      seq[v].push(performance.now() - t0);
      mergeCalls(callsTotal[v], counter.take());
    }
  }
  for (const v of VARIANTS) calls[v] = perJob(callsTotal[v], n);

  // Concurrency 4: four closed-loop clients per batch, batches alternated between variants. Each round holds one
  // batch of every variant, back to back: the per-round ratio compares batches that saw the same machine load.
  const conc = emptyLatencies();
  const wallMs = { a: [], "a'": [], b: [], c: [] } as Record<VariantKey, number[]>;
  const concCalls = emptyCalls();
  const perClient = 2;
  const rounds = Math.ceil((2 * n) / (4 * perClient));
  for (let r = 0; r < rounds; r += 1) {
    for (const v of orderOf(r)) {
      const t0 = performance.now();
      await Promise.all([0, 1, 2, 3].map(async (c) => {
        for (let k = 0; k < perClient; k += 1) {
          const s = performance.now();
          await run(v, r * 100 + c * 10 + k);
          conc[v].push(performance.now() - s);
        }
      }));
      wallMs[v].push(performance.now() - t0);
      mergeCalls(concCalls[v], counter.take());
    }
  }
  return {
    jobsPerVariant: { sequential: n, concurrent4: conc.a.length },
    sequential: modeResult(seq, (v) => sum(seq[v]), seq),
    concurrent4: modeResult(conc, (v) => sum(wallMs[v]), wallMs),
    apiCallsPerJob: calls,
    apiCallsPerJobConcurrent4: Object.fromEntries(VARIANTS.map((v) => [v, perJob(concCalls[v], conc[v].length)])) as Record<VariantKey, Record<string, ApiCall>>,
  };
}

/** `paired[v][i]` is variant v's time in round i (a job's latency, or a batch's wall time). */
function modeResult(lat: Record<VariantKey, number[]>, wall: (v: VariantKey) => number, paired: Record<VariantKey, number[]>): ModeResult {
  const variants = {} as Record<VariantKey, VariantResult>;
  for (const v of VARIANTS) variants[v] = { ...summarize(lat[v]), jobsPerSec: round((lat[v].length / wall(v)) * 1000, 2) };
  const perRound = (x: VariantKey, y: VariantKey) => paired[x].map((t, i) => t / paired[y][i]!);
  const pairs = { 'b/a': perRound('b', 'a'), 'c/a': perRound('c', 'a'), "c/a'": perRound('c', "a'") };
  const total = (x: VariantKey, y: VariantKey) => round(variants[y].jobsPerSec / variants[x].jobsPerSec, 3);
  return {
    variants,
    ratios: { 'b/a': round(median(pairs['b/a']), 3), 'c/a': round(median(pairs['c/a']), 3), "c/a'": round(median(pairs["c/a'"]), 3) },
    ratiosCI95: { 'b/a': medianCI95(pairs['b/a']), 'c/a': medianCI95(pairs['c/a']), "c/a'": medianCI95(pairs["c/a'"]) },
    totalRatios: { 'b/a': total('b', 'a'), 'c/a': total('c', 'a'), "c/a'": total('c', "a'") },
  };
}

const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
const emptyLatencies = (): Record<VariantKey, number[]> => ({ a: [], "a'": [], b: [], c: [] });
const emptyCalls = (): Record<VariantKey, Record<string, ApiCall>> => ({ a: {}, "a'": {}, b: {}, c: {} });

function mergeCalls(into: Record<string, ApiCall>, add: Record<string, ApiCall>): void {
  for (const [k, { count, totalMs }] of Object.entries(add)) {
    const prev = into[k] ?? { count: 0, totalMs: 0 };
    into[k] = { count: prev.count + count, totalMs: prev.totalMs + totalMs };
  }
}

function perJob(calls: Record<string, ApiCall>, n: number): Record<string, ApiCall> {
  return Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, { count: round(c.count / n, 2), totalMs: round(c.totalMs / n, 1) }]));
}
