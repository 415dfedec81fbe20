import type { ExecutionConfig } from '../../src/domain/execution-config.js';
import type { SmartJob } from '../../src/domain/job.js';
import type { LaunchSpec } from '../../src/domain/ports/executor.port.js';
import type { RecordingLogger } from './recording-logger.js';
import { shellJob } from './shell-job.js';

/** Calls of `methods` a fake receives from now on: the returned function reads one method's count. */
export function callsSince<M extends string>(fake: { callCount(method: M): number }, methods: readonly M[]): (method: M) => number {
  const start = new Map(methods.map((m) => [m, fake.callCount(m)]));
  return (method) => fake.callCount(method) - (start.get(method) ?? 0);
}

/** Ticks of a GCP adapter's poller from now on: it logs one debug line per poll. */
export function ticksSince(logger: RecordingLogger): () => number {
  const start = logger.lines.length;
  return () => logger.lines.slice(start).filter((line) => line.startsWith('debug polling ')).length;
}

export type JobArgs = [job: Partial<SmartJob> & { readonly name: string }, executionConfig?: ExecutionConfig];

/** What the polling tests of a GCP backend drive: plan like the service, launch through the adapter. */
interface LaunchingHarness {
  plan(...args: JobArgs): Promise<LaunchSpec>;
  readonly adapter: { launch(spec: LaunchSpec): Promise<unknown> };
}

/** Plans every job, then launches them one by one (in order): their waits can then start together. */
export async function launchAll(h: LaunchingHarness, jobs: readonly JobArgs[]): Promise<LaunchSpec[]> {
  const specs = await Promise.all(jobs.map((args) => h.plan(...args)));
  for (const spec of specs) await h.adapter.launch(spec);
  return specs;
}

/** The scenario the call counts are measured with: four successes of different lengths, a failure (exit 3), a timeout. */
export const SIX_CONCURRENT_JOBS: readonly JobArgs[] = [
  ...[1, 2, 3, 4].map((i): JobArgs => [shellJob('concurrent', `sleep ${1 + i / 2}`)]),
  [shellJob('concurrent-fails', 'sleep 1; exit 3')],
  [shellJob('concurrent-times-out', 'sleep 30'), { timeout: { timeoutSeconds: 1 } }],
];
