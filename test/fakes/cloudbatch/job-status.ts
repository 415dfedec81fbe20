import { randomInt } from 'node:crypto';
import { duration, timestamp } from '../shared/protos.js';
import type { JobRecord, TaskRecord } from './batch-state.js';
import type { IStatusEvent, JobState, TaskState } from './protos.js';

/**
 * Status events worded the way Batch words them (https://cloud.google.com/batch/docs/troubleshooting, the
 * reserved exit codes section, and job status events seen in the field):
 *   Job state is set from QUEUED to SCHEDULED for job projects/…/jobs/j.
 *   Task state is updated from RUNNING to FAILED on zones/Z/instances/I with exit code 1.
 *   Task state is updated from RUNNING to FAILED on zones/Z/instances/I due to task runs over the maximum runtime with exit code 50005.
 *   Job state is set from RUNNING to FAILED for job projects/…/jobs/j.Job failed due to task failure. Specifically, task with index 0 failed due to the following task event: "Task state is updated …"
 */
export const TIMEOUT_EXIT_CODE = 50005;
export const TIMEOUT_REASON = 'task runs over the maximum runtime';
/** Batch's exit code for a task that failed for a reason of its own (here: the fake could not run the container). */
export const UNKNOWN_FAILURE_EXIT_CODE = 50000;

const TERMINAL: readonly JobState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function isTerminal(state: JobState | null | undefined): boolean {
  return TERMINAL.includes(state as JobState);
}

export function jobState(record: JobRecord): JobState {
  return record.job.status?.state as JobState;
}

/** Moves the job to `next` (no-op when already there) and records the event. */
export function setJobState(record: JobRecord, next: JobState, detail = ''): void {
  const status = record.job.status!;
  const previous = status.state as JobState;
  if (previous === next) return;
  status.state = next;
  if (next === 'RUNNING') record.runningSince ??= Date.now();
  if (isTerminal(next) && record.runningSince !== undefined) status.runDuration = duration((Date.now() - record.runningSince) / 1000);
  pushEvent(record, { type: 'STATUS_CHANGED', description: `Job state is set from ${previous} to ${next} for job ${record.name}.${detail}`, eventTime: timestamp(new Date()) });
}

export interface TaskTransition {
  /** `zones/Z/instances/I`: where the attempt runs. */
  readonly instance: string;
  readonly exitCode?: number;
  /** Batch's wording of why, e.g. TIMEOUT_REASON. */
  readonly reason?: string;
}

/** Moves a task to `next`, records the event on the task (and on the job when an attempt ends), updates the counts. */
export function setTaskState(record: JobRecord, task: TaskRecord, next: TaskState, transition: TaskTransition): IStatusEvent {
  const status = task.task.status!;
  const previous = status.state as TaskState;
  status.state = next;
  const why = transition.reason ? ` due to ${transition.reason}` : '';
  const code = transition.exitCode !== undefined && next === 'FAILED' ? ` with exit code ${transition.exitCode}` : '';
  const event: IStatusEvent = {
    type: 'STATUS_CHANGED',
    description: `Task state is updated from ${previous} to ${next} on ${transition.instance}${why}${code}.`,
    eventTime: timestamp(new Date()),
    taskState: next,
    ...(transition.exitCode !== undefined ? { taskExecution: { exitCode: transition.exitCode } } : {}),
  };
  (status.statusEvents ??= []).push(event);
  if (next === 'FAILED' || next === 'SUCCEEDED') pushEvent(record, event);
  refreshCounts(record);
  return event;
}

/** The job's FAILED detail, pointing at the task event that failed it, as Batch writes it. */
export function taskFailureDetail(index: number, event: IStatusEvent): string {
  return `Job failed due to task failure. Specifically, task with index ${index} failed due to the following task event: "${event.description}"`;
}

/** A made-up VM for one attempt, in a zone of the job's region. */
export function newInstance(record: JobRecord): string {
  const region = record.name.split('/')[3];
  return `zones/${region}-b/instances/${randomInt(1e9, 1e10 - 1)}${randomInt(1e8, 1e9 - 1)}`;
}

/** `status.taskGroups.group0.counts`: how many tasks are in each state. */
export function refreshCounts(record: JobRecord): void {
  const counts: Record<string, number> = {};
  for (const task of record.tasks) {
    const state = task.task.status?.state as string;
    counts[state] = (counts[state] ?? 0) + 1;
  }
  record.job.status!.taskGroups = { group0: { counts } };
  record.job.updateTime = timestamp(new Date());
}

function pushEvent(record: JobRecord, event: IStatusEvent): void {
  (record.job.status!.statusEvents ??= []).push(event);
  record.job.updateTime = timestamp(new Date());
}
