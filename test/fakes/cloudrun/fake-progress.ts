import { grpc } from 'google-gax';
import { killQuietly } from '../shared/containers.js';
import { condition, setCondition, type Ending, type ExecutionRecord, type TaskRecord } from './fake-state.js';
import { timestamp, type ICondition } from './protos.js';

export { TIMEOUT_MESSAGE } from './fake-state.js';

export type { Ending } from './fake-state.js';

/** An attempt's container runs: the task and the execution are started, the running count goes up. */
export function attemptStarted(record: ExecutionRecord, { task }: TaskRecord, attempt: number): void {
  const { execution } = record;
  const now = timestamp(new Date());
  execution.startTime ??= now;
  task.startTime ??= now;
  execution.updateTime = task.updateTime = now;
  execution.runningCount = Number(execution.runningCount ?? 0) + 1;
  record.peakRunning = Math.max(record.peakRunning, execution.runningCount);
  setCondition(execution.conditions as ICondition[], condition('ResourcesAvailable', 'CONDITION_SUCCEEDED'));
  setCondition(execution.conditions as ICondition[], condition('Started', 'CONDITION_SUCCEEDED'));
  setCondition(execution.conditions as ICondition[], condition('Completed', 'CONDITION_RECONCILING'));
  setCondition(task.conditions as ICondition[], condition('Started', 'CONDITION_SUCCEEDED'));
  setCondition(task.conditions as ICondition[], condition('Completed', 'CONDITION_RECONCILING'));
  task.retried = attempt;
  execution.retriedCount = record.tasks.filter((t) => Number(t.task.retried ?? 0) > 0).length;
}

/** An attempt that ran has ended (a retry may follow). */
export function attemptEnded(record: ExecutionRecord): void {
  record.execution.runningCount = Math.max(0, Number(record.execution.runningCount ?? 0) - 1);
}

/** A task's end: its `Completed` condition and the execution's counts, as Cloud Run reports them. */
export function finishTask(record: ExecutionRecord, taskRecord: TaskRecord, ending: Ending): void {
  const { execution } = record;
  const { task } = taskRecord;
  taskRecord.ending = ending;
  const now = timestamp(new Date());
  task.completionTime = task.updateTime = execution.updateTime = now;
  const conditions = task.conditions as ICondition[];
  switch (ending.kind) {
    case 'succeeded':
      execution.succeededCount = Number(execution.succeededCount ?? 0) + 1;
      setCondition(conditions, condition('Completed', 'CONDITION_SUCCEEDED', { message: 'Task completed successfully.' }));
      break;
    case 'failed':
      execution.failedCount = Number(execution.failedCount ?? 0) + 1;
      setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: ending.message, executionReason: 'NON_ZERO_EXIT_CODE', severity: 'ERROR' }));
      break;
    case 'timedOut':
      execution.failedCount = Number(execution.failedCount ?? 0) + 1;
      setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: ending.message, severity: 'ERROR' }));
      break;
    case 'cancelled':
      execution.cancelledCount = Number(execution.cancelledCount ?? 0) + 1;
      setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: 'The task was cancelled.', executionReason: 'CANCELLED' }));
      break;
  }
}

/**
 * The execution's end once every task has ended: cancelled when stopped, else failed with the message of its
 * first failed task (or of the fake's own error), else succeeded. Sets the `Completed` condition and the
 * RunJob operation's error.
 */
export function finishExecution(record: ExecutionRecord, runnerError?: string): void {
  const { execution } = record;
  const now = timestamp(new Date());
  Object.assign(execution, { completionTime: now, updateTime: now, runningCount: 0, reconciling: false });
  const conditions = execution.conditions as ICondition[];
  const failed: Ending | undefined = runnerError !== undefined
    ? { kind: 'failed', exitCode: undefined, message: runnerError }
    : record.tasks.map((t) => t.ending).find((e) => e?.kind === 'failed' || e?.kind === 'timedOut');
  if (record.stopRequested && runnerError === undefined) {
    setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: 'The execution was cancelled.', executionReason: 'CANCELLED' }));
    record.failure = { code: grpc.status.CANCELLED, message: 'The execution was cancelled.' };
  } else if (failed?.kind === 'failed') {
    setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: failed.message, executionReason: 'NON_ZERO_EXIT_CODE', severity: 'ERROR' }));
    record.failure = { code: grpc.status.ABORTED, message: failed.message };
  } else if (failed?.kind === 'timedOut') {
    setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: failed.message, severity: 'ERROR' }));
    record.failure = { code: grpc.status.DEADLINE_EXCEEDED, message: failed.message };
  } else {
    setCondition(conditions, condition('Completed', 'CONDITION_SUCCEEDED', { message: 'Execution completed successfully.' }));
  }
}

/** Marks the execution stopped and kills every running task's container: their attempts then end as stopped. */
export async function stopExecution(record: ExecutionRecord, reason: 'cancelled' | 'deleted'): Promise<void> {
  record.stopRequested ??= reason;
  await Promise.all(record.tasks.map((t) => (t.current ? killQuietly(t.current) : undefined)));
}
