import type { ExecutionState } from '../../../domain/execution.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import type { RunCondition, RunExecution } from './cloudrun-clients.js';
import { CONSOLE_BASE } from './cloudrun-options.js';
import { readRecord, timestampToDate } from './execution-record.js';

/** The `Completed` condition message Cloud Run sets when a task hit its timeout. */
export const TIMEOUT_REACHED = 'The configured timeout was reached.';

/** Enum fields decode as names in gRPC answers and as numbers in operation metadata. */
function enumIs(value: unknown, name: string, number: number): boolean {
  return value === name || value === number;
}

function completedCondition(execution: RunExecution): RunCondition | undefined {
  return (execution.conditions ?? []).find((c) => c.type === 'Completed');
}

export function stateOf(execution: RunExecution): ExecutionState {
  const completed = completedCondition(execution);
  const cancelled = enumIs(completed?.executionReason, 'CANCELLED', 3) || Number(execution.cancelledCount ?? 0) > 0;
  const terminal = enumIs(completed?.state, 'CONDITION_SUCCEEDED', 4) || enumIs(completed?.state, 'CONDITION_FAILED', 3);
  if (!execution.completionTime && !terminal) return execution.startTime || Number(execution.runningCount ?? 0) > 0 ? 'RUNNING' : 'PENDING';
  if (cancelled) return 'CANCELLED';
  const taskCount = Number(execution.taskCount ?? 1) || 1;
  if (enumIs(completed?.state, 'CONDITION_SUCCEEDED', 4) || Number(execution.succeededCount ?? 0) >= taskCount) return 'SUCCEEDED';
  if ((completed?.message ?? '').includes(TIMEOUT_REACHED)) return 'TIMED_OUT';
  return 'FAILED';
}

/** `projects/p/locations/r/jobs/j/executions/e` → its parts. */
export function parseExecutionName(name: string): { project: string; region: string; job: string; execution: string } {
  const parts = name.split('/');
  return { project: parts[1] ?? '', region: parts[3] ?? '', job: parts[5] ?? '', execution: parts[7] ?? '' };
}

/** The execution's page in the Cloud Console (its tasks and their logs). */
export function consoleUrlOf(executionName: string): string {
  const { project, region, execution } = parseExecutionName(executionName);
  return `${CONSOLE_BASE}/run/jobs/executions/details/${region}/${execution}/tasks?project=${project}`;
}

/** Undefined when the execution carries no smartjob record (not launched by smartjob). */
export function statusOf(execution: RunExecution, exitCode: number | undefined): ExecutionStatus | undefined {
  const record = readRecord(execution);
  if (!record) return undefined;
  const state = stateOf(execution);
  const final = state !== 'PENDING' && state !== 'RUNNING';
  return {
    executionId: record.executionId,
    jobName: record.name,
    jobNamespace: record.namespace,
    state,
    created: record.created,
    started: timestampToDate(execution.startTime),
    stopped: final ? (timestampToDate(execution.completionTime) ?? timestampToDate(execution.updateTime) ?? new Date()) : undefined,
    exitCode: state === 'SUCCEEDED' ? 0 : exitCode,
    message: messageOf(execution, state, record.timeoutSeconds),
    logUrl: consoleUrlOf(execution.name ?? ''),
    baseDir: record.baseDir,
    timeoutSeconds: record.timeoutSeconds,
  };
}

function messageOf(execution: RunExecution, state: ExecutionState, timeoutSeconds: number): string | undefined {
  const detail = completedCondition(execution)?.message || undefined;
  switch (state) {
    case 'TIMED_OUT':
      return `timeout of ${timeoutSeconds}s reached (${detail ?? TIMEOUT_REACHED})`;
    case 'FAILED':
      return detail ?? 'the execution failed';
    case 'CANCELLED':
      return detail ?? 'the execution was cancelled';
    default:
      return undefined;
  }
}
