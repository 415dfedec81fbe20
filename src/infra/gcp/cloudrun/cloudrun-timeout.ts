import type { ExecutionStatus } from '../../../domain/result.js';
import { dateOf } from '../shared/protobuf.js';
import type { RunExecution, RunTask } from './cloudrun-api.js';
import { completedCondition, exitCodeOf, messageOf, statusOf, TIMEOUT_REACHED } from './cloudrun-mapper.js';

/**
 * Whether a failed Cloud Run task ended at its timeout, pure. Cloud Run has no timeout reason among its
 * execution reasons, so the facts it does structure come first, its English wording last (a reworded message
 * must not turn a timeout into a failure):
 * 1. the last attempt's status is DEADLINE_EXCEEDED;
 * 2. the task ran (start to completion) for at least its timeout (per attempt). A retried task's start may be
 *    that of its first attempt, so there the last attempt must also have left no exit code of its own;
 * 3. the `Completed` condition says "The configured timeout was reached.".
 */
export function taskTimedOut(task: RunTask, fallbackTimeout?: RunTask['timeout']): boolean {
  if (Number(task.lastAttemptResult?.status?.code ?? 0) === DEADLINE_EXCEEDED) return true;
  const timeoutMs = durationMs(task.timeout ?? fallbackTimeout);
  const ranMs = ranForMs(task);
  const ownExit = Number(task.retried ?? 0) > 0 && exitCodeOf(task) !== undefined;
  if (timeoutMs !== undefined && ranMs !== undefined && ranMs >= timeoutMs * RAN_FULL_TIMEOUT && !ownExit) return true;
  return (completedCondition(task)?.message ?? '').includes(TIMEOUT_REACHED);
}

/**
 * The status of a single (non-array) execution with its task: the exit code of the task's last attempt, and
 * TIMED_OUT when the execution looks FAILED but its task timed out by the facts above.
 */
export function singleStatusOf(execution: RunExecution, task: RunTask | undefined): ExecutionStatus | undefined {
  const status = statusOf(execution, exitCodeOf(task));
  if (status?.state !== 'FAILED' || !task || !taskTimedOut(task, execution.template?.timeout)) return status;
  const detail = completedCondition(execution)?.message || undefined;
  return { ...status, state: 'TIMED_OUT', message: messageOf(detail, 'TIMED_OUT', status.timeoutSeconds, 'execution') };
}

/** google.rpc.Code DEADLINE_EXCEEDED. */
const DEADLINE_EXCEEDED = 4;
/** Timestamps and the kill are not to the millisecond: 1% short of the timeout still counts as reaching it. */
const RAN_FULL_TIMEOUT = 0.99;

function ranForMs(task: RunTask): number | undefined {
  const start = dateOf(task.startTime);
  const end = dateOf(task.completionTime);
  return start && end ? end.getTime() - start.getTime() : undefined;
}

function durationMs(duration: RunTask['timeout']): number | undefined {
  if (!duration) return undefined;
  const ms = Number(duration.seconds ?? 0) * 1000 + Math.floor(Number(duration.nanos ?? 0) / 1e6);
  return ms > 0 ? ms : undefined;
}
