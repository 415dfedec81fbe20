import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutorService } from '../src/index.js';
import { RECORD_KEYS } from '../src/infra/shared/execution-record.js';
import type { ApiCall, ApiCounter } from './lib/api-counter.js';
import { BUSYBOX, type BenchContext } from './lib/context.js';
import { withRssSampling } from './lib/rss.js';
import { MiB, median, round } from './lib/stats.js';

export interface ForgetResult {
  readonly scheduled: number;
  readonly maxWorkers: number;
  /** From the first schedule() call until the last one resolved with its details. */
  readonly allDetailsMs: number;
  readonly firstDetailsMs: number;
  readonly medianDetailsMs: number;
  readonly jobsPerSec: number;
  readonly rssGrowthMiB: number;
  /** Executions whose getStatus() was SUCCEEDED once all had ended. */
  readonly succeeded: number;
  readonly notSucceeded: readonly string[];
  readonly cleanupMs: number;
  readonly cleanupRemoved: number;
  readonly containersLeft: number;
  /** Docker API calls per job while scheduling (list + inspect dominate; see the report). */
  readonly apiCallsPerJob: Record<string, ApiCall>;
}

export async function benchForget(ctx: BenchContext, counter: ApiCounter, count = 200, maxWorkers = 4): Promise<ForgetResult> {
  const service = ctx.service(maxWorkers);
  const job = { name: 'forget', namespace: ctx.namespace, dockerImage: BUSYBOX, overriddenArgs: ['true'] };
  counter.take();
  const t0 = performance.now();
  const { value: detailTimes, rss } = await withRssSampling(() =>
    Promise.all(
      Array.from({ length: count }, async () => {
        const { details } = await service.schedule(job, { forget: true, signal: ctx.signal });
        return { id: details.executionId, ms: performance.now() - t0 };
      }),
    ),
  );
  const allDetailsMs = performance.now() - t0;
  const calls = counter.take();
  const ids = detailTimes.map((d) => d.id);
  ctx.signal.throwIfAborted();
  const states = await finalStates(service, ids, ctx.signal);
  const notSucceeded = ids.filter((id) => states.get(id) !== 'SUCCEEDED').map((id) => `${id}:${states.get(id)}`);
  const c0 = performance.now();
  const { removed } = await service.cleanup({ namespace: ctx.namespace });
  const cleanupMs = performance.now() - c0;
  const left = await ctx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.namespace}=${ctx.namespace}`] } });
  const times = detailTimes.map((d) => d.ms);
  return {
    scheduled: count,
    maxWorkers,
    allDetailsMs: round(allDetailsMs, 0),
    firstDetailsMs: round(Math.min(...times), 0),
    medianDetailsMs: round(median(times), 0),
    jobsPerSec: round((count / allDetailsMs) * 1000, 2),
    rssGrowthMiB: round(rss.growthBytes / MiB, 1),
    succeeded: count - notSucceeded.length,
    notSucceeded,
    cleanupMs: round(cleanupMs, 0),
    cleanupRemoved: removed.length,
    containersLeft: left.length,
    apiCallsPerJob: Object.fromEntries(Object.entries(calls).map(([k, c]) => [k, { count: round(c.count / count, 2), totalMs: round(c.totalMs / count, 1) }])),
  };
}

/** getStatus() of every id, re-asked (a few at a time) until each is final or 60 s have passed. */
async function finalStates(service: ExecutorService, ids: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  const deadline = Date.now() + 60_000;
  let pending = [...ids];
  while (pending.length > 0 && Date.now() < deadline) {
    for (let i = 0; i < pending.length; i += 8) {
      signal.throwIfAborted();
      await Promise.all(pending.slice(i, i + 8).map(async (id) => states.set(id, (await service.getStatus(id)).state)));
    }
    pending = pending.filter((id) => ['PENDING', 'RUNNING'].includes(states.get(id)!));
    if (pending.length > 0) await sleep(250);
  }
  return states;
}
