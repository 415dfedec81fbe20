import { dateOf, enumIs } from '../shared/protobuf.js';
import type { BatchJob, BatchStatusEvent, BatchTask } from './cloudbatch-api.js';

/**
 * What Batch's status events tell, read structurally first (a task event's `taskState` and
 * `taskExecution.exitCode`), then from their wording:
 *   Job state is set from SCHEDULED to RUNNING for job projects/…/jobs/j.
 *   Task state is updated from RUNNING to FAILED on zones/Z/instances/I with exit code 3.
 *   Job state is set from RUNNING to FAILED for job projects/…/jobs/j.Job failed due to task failure. Specifically, …
 */

/** Batch's exit code for a task that ran over its max run duration. */
export const TIMEOUT_EXIT_CODE = 50005;

/** Exit codes Batch reserves for failures of its own (https://cloud.google.com/batch/docs/troubleshooting#reserved-exit-codes). */
export const RESERVED_EXIT_CODES: Readonly<Record<number, string>> = {
  50000: 'the task failed for a reason Batch does not detail',
  50001: 'the VM was preempted',
  50002: 'Batch stopped receiving updates from the VM',
  50003: 'the VM rebooted while the task ran',
  50004: 'the VM and the task stopped responding',
  50005: 'the task ran over its maximum run duration',
  50006: 'the VM was recreated while the task ran',
};

const JOB_TRANSITION = /^Job state is set from \w+ to (\w+)/;
const TASK_TRANSITION = /^Task state is updated from \w+ to (\w+)/;
const EXIT_CODE = /with exit code (-?\d+)/;
const FINAL_JOB_STATES = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

function eventsOf(holder: { status?: { statusEvents?: BatchStatusEvent[] | null } | null }): readonly BatchStatusEvent[] {
  return holder.status?.statusEvents ?? [];
}

/** The exit code of the last failed attempt an event list reports, structured first, then from its wording. */
export function failedExitCodeIn(events: readonly BatchStatusEvent[]): number | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const event = events[i]!;
    const code = event.taskExecution?.exitCode;
    if (enumIs(event.taskState, 'FAILED', 4) && code !== undefined && code !== null) return Number(code);
  }
  for (let i = events.length - 1; i >= 0; i--) {
    const match = EXIT_CODE.exec(events[i]!.description ?? '');
    if (match) return Number(match[1]);
  }
  return undefined;
}

/** The exit code a failed job's own events report (its failed task's), if any. */
export function jobExitCodeOf(job: BatchJob): number | undefined {
  return failedExitCodeIn(eventsOf(job));
}

/** When the job first ran and when it ended, from its transitions; the run duration or the update time fill in. */
export function jobTimesOf(job: BatchJob, final: boolean): { readonly started: Date | undefined; readonly stopped: Date | undefined } {
  const events = eventsOf(job);
  const to = (event: BatchStatusEvent) => JOB_TRANSITION.exec(event.description ?? '')?.[1];
  const running = events.find((event) => to(event) === 'RUNNING');
  const ended = [...events].reverse().find((event) => FINAL_JOB_STATES.includes(to(event) ?? ''));
  const stopped = final ? (dateOf(ended?.eventTime) ?? dateOf(job.updateTime) ?? new Date()) : undefined;
  const runSeconds = Number(job.status?.runDuration?.seconds ?? 0) + Number(job.status?.runDuration?.nanos ?? 0) / 1e9;
  const started = dateOf(running?.eventTime) ?? (stopped && runSeconds > 0 ? new Date(stopped.getTime() - runSeconds * 1000) : undefined);
  return { started, stopped };
}

/** A task's state (as an enum name), the exit code of its last attempt, when it first ran and when it ended. */
export function taskFactsOf(task: BatchTask): {
  readonly state: string;
  readonly exitCode: number | undefined;
  readonly started: Date | undefined;
  readonly stopped: Date | undefined;
} {
  const events = eventsOf(task);
  const toState = (event: BatchStatusEvent, name: string, number: number) =>
    enumIs(event.taskState, name, number) || TASK_TRANSITION.exec(event.description ?? '')?.[1] === name;
  const state = TASK_STATE_NAMES[task.status?.state as string | number] ?? String(task.status?.state ?? 'STATE_UNSPECIFIED');
  const firstRun = events.find((event) => toState(event, 'RUNNING', 3));
  const ended = [...events].reverse().find((event) => toState(event, 'FAILED', 4) || toState(event, 'SUCCEEDED', 5));
  return {
    state,
    exitCode: state === 'SUCCEEDED' ? 0 : state === 'FAILED' ? failedExitCodeIn(events) : undefined,
    started: dateOf(firstRun?.eventTime),
    stopped: state === 'SUCCEEDED' || state === 'FAILED' ? dateOf(ended?.eventTime) : undefined,
  };
}

/** TaskStatus.State by name and by number (operation metadata and some decoders give numbers). */
const TASK_STATE_NAMES: Readonly<Record<string | number, string>> = Object.fromEntries(
  ['STATE_UNSPECIFIED', 'PENDING', 'ASSIGNED', 'RUNNING', 'FAILED', 'SUCCEEDED', 'UNEXECUTED'].flatMap((name, i) => [[name, name], [i, name]]),
);
