import { isFinal, type ExecutionState, type FinalState } from '../../../domain/execution.js';
import type { ExecutionStatus, TaskStatus } from '../../../domain/result.js';
import { dateOf, enumIs } from '../shared/protobuf.js';
import type { RunExecution, RunTask } from './cloudrun-api.js';
import { completedCondition, envOfExecution, exitCodeOf, messageOf } from './cloudrun-mapper.js';
import { taskTimedOut } from './cloudrun-timeout.js';
import { ARRAY_MARKER } from './cloudrun-options.js';

/**
 * A native array's tasks, pure: Cloud Run's Task messages (from one ListTasks at the end) → one TaskStatus per
 * index, and the array's status. Unit-tested in test/unit/cloudrun/.
 */

/** Whether smartjob launched this execution as a native array (its env carries the marker). */
export function isArrayExecution(execution: RunExecution): boolean {
  return envOfExecution(execution)[ARRAY_MARKER] === 'true';
}

/**
 * A task's state from its `Completed` condition: the execution reason tells a cancelled task, taskTimedOut a
 * timed-out one. A task that completed without a terminal condition succeeded only if its last attempt says
 * so (exit code 0, status OK); one that never got to run is pending.
 */
export function taskStateOf(task: RunTask): ExecutionState {
  const completed = completedCondition(task);
  const succeeded = enumIs(completed?.state, 'CONDITION_SUCCEEDED', 4);
  const failed = enumIs(completed?.state, 'CONDITION_FAILED', 3);
  if (!succeeded && !failed && !task.completionTime) return task.startTime ? 'RUNNING' : 'PENDING';
  if (enumIs(completed?.executionReason, 'CANCELLED', 3)) return 'CANCELLED';
  if (succeeded) return 'SUCCEEDED';
  if (taskTimedOut(task)) return 'TIMED_OUT';
  const last = task.lastAttemptResult;
  if (!failed && last && !exitCodeOf(task) && !Number(last.status?.code ?? 0)) return 'SUCCEEDED';
  return 'FAILED';
}

/**
 * One final TaskStatus per index 0 … count-1 of a final execution. A task still pending or missing from the
 * listing never ran: CANCELLED. One still running in an ended execution ended with it (never as a success).
 */
export function taskStatusesOf(count: number, tasks: readonly RunTask[], array: Pick<ExecutionStatus, 'state' | 'timeoutSeconds'>): TaskStatus[] {
  const byIndex = new Map(tasks.map((task) => [Number(task.index ?? 0), task]));
  const endedWith: FinalState = array.state === 'SUCCEEDED' || !isFinal(array.state) ? 'FAILED' : array.state;
  return Array.from({ length: count }, (_, index): TaskStatus => {
    const task = byIndex.get(index);
    if (!task) return { index, state: 'CANCELLED', started: undefined, stopped: undefined, exitCode: undefined, message: 'the task never ran' };
    const listed = taskStateOf(task);
    const state = isFinal(listed) ? listed : listed === 'PENDING' ? 'CANCELLED' : endedWith;
    const detail = listed === 'PENDING' ? 'the task never ran' : completedCondition(task)?.message || undefined;
    return {
      index,
      state,
      started: dateOf(task.startTime),
      stopped: dateOf(task.completionTime) ?? (state === 'CANCELLED' ? undefined : dateOf(task.updateTime)),
      exitCode: state === 'SUCCEEDED' ? 0 : exitCodeOf(task),
      message: messageOf(detail, state, array.timeoutSeconds, 'task'),
    };
  });
}

/**
 * A final array execution's status with its tasks: SUCCEEDED only if every task is. Its exit code is that of
 * the first failed task that has one.
 */
export function arrayStatusOf(status: ExecutionStatus, execution: RunExecution, tasks: readonly RunTask[]): ExecutionStatus {
  const count = Number(execution.taskCount ?? 0) || tasks.length;
  const statuses = taskStatusesOf(count, tasks, status);
  const firstUnsuccessful = statuses.find((task) => task.state !== 'SUCCEEDED');
  if (!firstUnsuccessful) return { ...status, tasks: statuses };
  if (timedOutByTasks(status, statuses)) {
    return { ...status, state: 'TIMED_OUT', exitCode: undefined, message: messageOf(status.message, 'TIMED_OUT', status.timeoutSeconds, 'execution'), tasks: statuses };
  }
  const state = status.state === 'SUCCEEDED' ? 'FAILED' : status.state;
  const message = status.state === 'SUCCEEDED' ? `task ${firstUnsuccessful.index} ended ${firstUnsuccessful.state}` : status.message;
  const exitCode = statuses.find((task) => task.state !== 'SUCCEEDED' && task.exitCode !== undefined)?.exitCode;
  return { ...status, state, exitCode, message, tasks: statuses };
}

/** A FAILED array none of whose tasks failed but one timed out: a timeout, however Cloud Run worded its message. */
function timedOutByTasks(status: ExecutionStatus, tasks: readonly TaskStatus[]): boolean {
  return status.state === 'FAILED' && tasks.some((t) => t.state === 'TIMED_OUT') && !tasks.some((t) => t.state === 'FAILED');
}
