import type { ExecutionConfig } from '../../src/domain/execution-config.js';
import type { SmartJob } from '../../src/domain/job.js';
import type { ExecutorPort, LaunchSpec } from '../../src/domain/ports/executor.port.js';
import type { RecordingLogger } from './recording-logger.js';

/** Calls a fake received of each counted method, from now on. */
export function callsFrom<M extends string>(fake: { callCount(method: M): number }, counted: readonly M[]): (method: M) => number {
  const start = new Map(counted.map((m) => [m, fake.callCount(m)]));
  return (method) => fake.callCount(method) - (start.get(method) ?? 0);
}

/** Ticks of the pollers logging to `logger`, from now on: each logs one debug line per poll. */
export function ticksFrom(logger: RecordingLogger): () => number {
  const start = logger.lines.length;
  return () => logger.lines.slice(start).filter((line) => line.startsWith('debug polling ')).length;
}

interface PolledBackend<M extends string> {
  readonly adapter: Pick<ExecutorPort, 'launch' | 'wait'>;
  readonly fake: { callCount(method: M): number };
  readonly logger: RecordingLogger;
  plan(job: Partial<SmartJob> & { readonly name: string }, executionConfig?: ExecutionConfig): Promise<LaunchSpec>;
}

/**
 * The polling tests' scenario: six executions awaited at once (four succeed, one exits 3, one meets its 1 s
 * timeout). Returns their specs and statuses, and the calls and poller ticks counted while they were awaited.
 */
export async function waitForSixAtOnce<M extends string>(b: PolledBackend<M>, counted: readonly M[]) {
  const sh = (name: string, script: string) => ({ name, overriddenArgs: ['sh', '-c', script] });
  const jobs: [ReturnType<typeof sh>, ExecutionConfig?][] = [
    ...[1, 2, 3, 4].map((i): [ReturnType<typeof sh>] => [sh('concurrent', `sleep ${1 + i / 2}`)]),
    [sh('concurrent-fails', 'sleep 1; exit 3')],
    [sh('concurrent-times-out', 'sleep 30'), { timeout: { timeoutSeconds: 1 } }],
  ];
  const specs = await Promise.all(jobs.map(([job, config]) => b.plan(job, config)));
  for (const spec of specs) await b.adapter.launch(spec);
  const calls = callsFrom(b.fake, counted);
  const ticks = ticksFrom(b.logger);
  const statuses = await Promise.all(specs.map((spec) => b.adapter.wait(spec.executionId)));
  const summary = `6 waits over ${ticks()} ticks: ${counted.map((m) => `${m} ${calls(m)}`).join(', ')}`;
  return { specs, statuses, calls, ticks: ticks(), summary };
}
