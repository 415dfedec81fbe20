import type Docker from 'dockerode';
import { grpc } from 'google-gax';
import type { ContainerOwner } from '../shared/containers.js';
import type { RunLifecycle } from '../shared/fake-backend.js';
import { RpcError } from '../shared/faults.js';
import { OperationStore } from '../shared/operations.js';
import type { IJob, ITask } from './protos.js';

/** One task of a job: its API object and the containers of its attempts. */
export interface TaskRecord extends ContainerOwner {
  readonly index: number;
  /** Mutated in place as the task progresses. */
  readonly task: ITask;
  /** Background runnables of the attempt in progress, killed once its foreground runnables end. */
  readonly background: Docker.Container[];
  /** Exit code of the last finished attempt. */
  exitCode?: number;
}

/** One job and what the fake needs to run, stop and report it. */
export interface JobRecord extends RunLifecycle {
  readonly name: string;
  /** Mutated in place as the job progresses: every read sees the latest state. */
  readonly job: IJob;
  readonly tasks: readonly TaskRecord[];
  readonly requestId?: string;
  /** When the first task started running (for `status.runDuration`). */
  runningSince?: number;
}

/** Everything the fake server knows: jobs (by resource name) and operations. */
export class BatchState {
  readonly jobs = new Map<string, JobRecord>();
  readonly operations = new OperationStore();
  /** Largest page ListJobs and ListTasks answer, whatever page_size asks. */
  maxPageSize: number | undefined;

  requireJob(name: string): JobRecord {
    const record = this.jobs.get(name);
    if (!record) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${name}' was not found`);
    return record;
  }

  /** The record and task a task name (`…/jobs/J/taskGroups/group0/tasks/N`) designates. */
  requireTask(name: string): { record: JobRecord; task: TaskRecord } {
    const match = /^(.+\/jobs\/[^/]+)\/taskGroups\/group0\/tasks\/(\d+)$/.exec(name);
    const record = match ? this.jobs.get(match[1]!) : undefined;
    const task = record?.tasks[Number(match?.[2])];
    if (!record || !task) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${name}' was not found`);
    return { record, task };
  }
}
