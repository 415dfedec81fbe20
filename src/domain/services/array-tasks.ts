import pLimit from 'p-limit';
import { isFinal, type FinalState } from '../execution.js';
import type { ResolvedExecutionConfig } from '../execution-config.js';
import type { StoragePort } from '../ports/storage.port.js';
import type { ExecutionResult, ExecutionStatus, TaskResult, TaskStatus } from '../result.js';
import { readJsonOutput } from './collect-result.js';
import { settleAll } from './settle-all.js';

/** What every task of an array sees, on every backend. */
export const TASK_INDEX_ENV = 'SMARTJOB_TASK_INDEX';
export const TASK_COUNT_ENV = 'SMARTJOB_TASK_COUNT';
/** Cloud Run's limit on a job's task count, kept on every backend so an array behaves the same everywhere. */
export const MAX_ARRAY_COUNT = 10_000;
/** Directories created and outputs read at once for a native array's tasks. */
const STORAGE_CONCURRENCY = 16;

/** Where task `index` of a native array writes (its OUTPUT_PATH), relative to the staging root. */
export function taskOutputDir(outputDir: string, index: number): string {
  return `${outputDir}/tasks/${index}`;
}

/** Creates each task's output directory before launch: on a mounted bucket a task can only write into existing ones. */
export async function createTaskDirectories(storage: StoragePort, outputDir: string, count: number): Promise<void> {
  const limit = pLimit(STORAGE_CONCURRENCY);
  await settleAll(Array.from({ length: count }, (_, i) => limit(() => storage.createDirectory(taskOutputDir(outputDir, i)))));
}

/** One entry per task of a final native array status, with each task's own smartjob.json. */
export async function readTaskResults(storage: StoragePort, status: ExecutionStatus, config: ResolvedExecutionConfig): Promise<TaskResult[]> {
  const limit = pLimit(STORAGE_CONCURRENCY);
  const outputDir = `${status.baseDir}/output`;
  return Promise.all((status.tasks ?? []).map((task) => limit(async () => {
    const dir = taskOutputDir(outputDir, task.index);
    const output = await readJsonOutput(storage, dir, config);
    return { ...taskOf(task, status), executionId: status.executionId, outputPath: storage.location(dir), ...output };
  })));
}

function taskOf(task: TaskStatus, array: ExecutionStatus) {
  // A task left non-final in a final array (an adapter's gap) counts as the array's own end, never as success.
  const state: FinalState = isFinal(task.state) ? task.state : array.state === 'SUCCEEDED' || !isFinal(array.state) ? 'FAILED' : array.state;
  return { index: task.index, success: state === 'SUCCEEDED', state, exitCode: task.exitCode, message: task.message, started: task.started, stopped: task.stopped };
}

/** A task of the N-executions fallback: its execution's result. */
export function taskFromResult(index: number, result: ExecutionResult): TaskResult {
  const { success, state, exitCode, message, executionId, started, stopped, outputPath, jsonOutput, jsonOutputError } = result;
  return { index, success, state, exitCode, message, executionId, started, stopped, outputPath, jsonOutput, jsonOutputError };
}

/** A task with no status of its own: never started (cancelled first), or missing from the backend's answer. */
export function taskWithoutStatus(index: number, state: FinalState, message: string, array?: ExecutionResult): TaskResult {
  return {
    index, success: false, state, exitCode: undefined, message, executionId: array?.executionId, started: undefined, stopped: undefined,
    outputPath: undefined, jsonOutput: undefined, jsonOutputError: undefined,
  };
}
