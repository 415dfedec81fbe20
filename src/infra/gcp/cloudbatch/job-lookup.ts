import type { ExecutionStatus } from '../../../domain/result.js';
import type { BatchJob, BatchTask, CloudBatchApi } from './cloudbatch-api.js';
import { isArrayJob, recordOfJob, stateOf, statusOf, taskGroupOf } from './cloudbatch-mapper.js';
import { executionFilter } from './job-filter.js';
import { jobExitCodeOf } from './status-events.js';

const MAX_REMEMBERED = 10_000;

interface Known {
  readonly name: string;
  readonly namespace: string;
}

/**
 * Finds jobs by smartjob execution id. Jobs this process launched or saw are remembered (name and namespace);
 * any other id is one ListJobs with a label filter in the service's location.
 */
export class JobLookup {
  private readonly known = new Map<string, Known>();
  /** Executions cancelled by deleting their job (where CancelJob is not supported): what their waits report. */
  private readonly deletedToCancel = new Map<string, ExecutionStatus>();

  constructor(private readonly api: CloudBatchApi) {}

  remember(executionId: string, name: string, namespace: string): void {
    this.known.delete(executionId);
    this.known.set(executionId, { name, namespace });
    // A long-lived process launches without end: forget the oldest (they stay findable by their labels).
    if (this.known.size > MAX_REMEMBERED) this.known.delete(this.known.keys().next().value as string);
  }

  knownName(executionId: string): string | undefined {
    return this.known.get(executionId)?.name;
  }

  namespaceOf(executionId: string): string | undefined {
    return this.known.get(executionId)?.namespace;
  }

  forget(executionId: string): void {
    this.known.delete(executionId);
  }

  /** The job of an execution, or undefined when none carries that id (or it was deleted). */
  async find(executionId: string): Promise<BatchJob | undefined> {
    const known = this.known.get(executionId);
    if (known) {
      const job = await this.api.getJob(known.name);
      if (!job) this.known.delete(executionId);
      return job;
    }
    for await (const job of this.api.listJobs(this.api.location, executionFilter(executionId))) {
      const record = recordOfJob(job);
      if (record?.executionId !== executionId) continue;
      this.remember(executionId, job.name as string, record.jobNamespace);
      return job;
    }
    return undefined;
  }

  /**
   * The status of a job. One ListTasks when the job alone cannot tell: the tasks of a final array, or the exit
   * code of a failed job whose events do not give it.
   */
  async statusOf(job: BatchJob): Promise<ExecutionStatus | undefined> {
    const state = stateOf(job);
    const final = state !== 'PENDING' && state !== 'RUNNING';
    const needsTasks = isArrayJob(job) ? final : state === 'FAILED' && jobExitCodeOf(job) === undefined;
    return statusOf(job, needsTasks ? await this.tasksOf(job) : undefined);
  }

  /** The status an execution cancelled by deleting its job ends with. */
  cancelledByDeletion(executionId: string): ExecutionStatus | undefined {
    return this.deletedToCancel.get(executionId);
  }

  rememberCancelledByDeletion(status: ExecutionStatus): void {
    this.deletedToCancel.set(status.executionId, status);
    if (this.deletedToCancel.size > MAX_REMEMBERED) this.deletedToCancel.delete(this.deletedToCancel.keys().next().value as string);
  }

  private async tasksOf(job: BatchJob): Promise<BatchTask[]> {
    const tasks: BatchTask[] = [];
    for await (const task of this.api.listTasks(taskGroupOf(job))) tasks.push(task);
    return tasks;
  }
}
