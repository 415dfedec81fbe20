import { randomUUID } from 'node:crypto';
import { condition, type ExecutionRecord, type FakeState } from './fake-state.js';
import { timestamp, type IEnvVar } from './protos.js';

export interface SeedOptions {
  /** `projects/p/locations/l/jobs/j`; created (empty template) when the fake does not hold it. */
  readonly jobName: string;
  readonly count: number;
  /** Creation time of the newest; the others are `spacingMs` apart before it. */
  readonly newest: Date;
  readonly spacingMs: number;
  /** The env of execution `index` (0 is the oldest): where smartjob's record goes, if any. */
  readonly env: (index: number) => IEnvVar[];
}

/**
 * Puts `count` executions that ended long ago into the fake, without running anything: a region as busy as a
 * real one, to count what a listing costs. Each succeeded, with one task; the fake lists them by creation time.
 */
export function seedFinishedExecutions(state: FakeState, options: SeedOptions): string[] {
  const { jobName, count, newest, spacingMs } = options;
  const jobId = jobName.split('/').pop() as string;
  if (!state.jobs.has(jobName)) state.jobs.set(jobName, { name: jobName, uid: randomUUID(), executionCount: 0, template: { template: { containers: [{ name: 'job', image: 'seeded' }] } } });
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    const created = timestamp(new Date(newest.getTime() - (count - 1 - index) * spacingMs));
    const name = `${jobName}/executions/${jobId}-s${index}`;
    const record: ExecutionRecord = {
      name, jobName, operationName: `${jobName}/operations/${randomUUID()}`, tasks: [], containers: [], peakRunning: 0,
      execution: {
        name, uid: randomUUID(), job: jobId, createTime: created, startTime: created, completionTime: created, updateTime: created,
        taskCount: 1, parallelism: 1, succeededCount: 1, failedCount: 0, cancelledCount: 0, runningCount: 0,
        template: { containers: [{ name: 'job', image: 'seeded', env: options.env(index) }] },
        conditions: [condition('Completed', 'CONDITION_SUCCEEDED', { message: 'Execution completed successfully.' })],
      },
    };
    state.executions.set(name, record);
    names.push(name);
  }
  return names;
}
