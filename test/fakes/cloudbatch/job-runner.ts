import { rm } from 'node:fs/promises';
import { killQuietly, removeContainers, stopOwner } from '../shared/containers.js';
import type { BatchState, JobRecord } from './batch-state.js';
import { isTerminal, jobState, setJobState, taskFailureDetail } from './job-status.js';
import { runTask, vmDirOf, type TaskEnding, type TaskRunnerDeps } from './task-runner.js';

export interface JobRunnerDeps extends TaskRunnerDeps {
  readonly state: BatchState;
  /** How long a new job stays QUEUED before it is SCHEDULED. */
  readonly queuedMs: number;
}

/**
 * Drives jobs: QUEUED → SCHEDULED → RUNNING (when a first task runs) → SUCCEEDED, or FAILED once every task
 * has ended and one of them failed; CancelJob gives CANCELLATION_IN_PROGRESS → CANCELLED, DeleteJob
 * DELETION_IN_PROGRESS and then the job is gone. Tasks run `parallelism` at a time.
 */
export class JobRunner {
  constructor(private readonly deps: JobRunnerDeps) {}

  start(record: JobRecord): void {
    record.finished = this.run(record).catch((error: unknown) => {
      console.error(`fake cloudbatch: the runner of ${record.name} failed`, error);
      record.runnerErrors.push(`runner: ${String(error)}`);
      if (!isTerminal(jobState(record)) && !record.stopRequested) setJobState(record, 'FAILED');
    });
  }

  /** CancelJob: stops every task; the runner then ends the job CANCELLED. */
  async cancel(record: JobRecord): Promise<void> {
    record.stopRequested ??= 'cancelled';
    setJobState(record, 'CANCELLATION_IN_PROGRESS');
    await this.stopTasks(record);
  }

  /** DeleteJob: stops the job, waits for its runner, removes its containers and forgets it. Idempotent. */
  remove(record: JobRecord): Promise<void> {
    record.removed ??= (async () => {
      record.stopRequested = 'deleted';
      setJobState(record, 'DELETION_IN_PROGRESS');
      await this.stopTasks(record);
      await record.finished;
      await Promise.all(record.tasks.map((task) => removeContainers(task)));
      await rm(vmDirOf(this.deps, record), { recursive: true, force: true });
      this.deps.state.jobs.delete(record.name);
    })();
    return record.removed;
  }

  private async run(record: JobRecord): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.deps.queuedMs));
    if (record.stopRequested) return this.conclude(record, []);
    setJobState(record, 'SCHEDULED');
    const group = record.job.taskGroups![0]!;
    const endings: TaskEnding[] = [];
    let next = 0;
    const worker = async () => {
      while (next < record.tasks.length) {
        const task = record.tasks[next++]!;
        endings[task.index] = await runTask(this.deps, record, task);
      }
    };
    const parallelism = Math.min(Number(group.parallelism) || record.tasks.length, record.tasks.length);
    await Promise.all(Array.from({ length: parallelism }, worker));
    this.conclude(record, endings);
  }

  private conclude(record: JobRecord, endings: readonly TaskEnding[]): void {
    if (record.stopRequested === 'deleted') return;
    if (record.stopRequested === 'cancelled') return setJobState(record, 'CANCELLED');
    const index = endings.findIndex((ending) => ending.kind === 'failed');
    const failed = endings[index];
    if (failed?.kind === 'failed') setJobState(record, 'FAILED', taskFailureDetail(index, failed.event));
    else setJobState(record, 'SUCCEEDED');
  }

  private async stopTasks(record: JobRecord): Promise<void> {
    await Promise.all(record.tasks.map(async (task) => {
      await stopOwner(task, record.stopRequested ?? 'cancelled');
      await Promise.all(task.background.map((container) => killQuietly(container)));
    }));
  }
}
