import { ValidationError } from '../errors.js';
import { validateJob, type SmartJob } from '../job.js';
import type { ArrayLaunch } from '../ports/executor.port.js';
import type { ExecutionResult, TaskResult } from '../result.js';
import { optionalPositiveInteger, optionalSignal, validateEnvMap } from '../validation.js';
import { MAX_ARRAY_COUNT, TASK_COUNT_ENV, TASK_INDEX_ENV, taskFromResult, taskWithoutStatus } from './array-tasks.js';
import type { MapItem, MapOptions, MapOutcome } from './map-runs.js';
import type { RunOptions } from './plan.js';

export interface ArrayOptions extends RunOptions {
  /** How many tasks, 1-10,000. Each sees SMARTJOB_TASK_INDEX (0 … count-1) and SMARTJOB_TASK_COUNT. */
  readonly count: number;
  /** Tasks running at once. @default the service's maxWorkers (at most `count`) */
  readonly parallelism?: number;
}

/** One entry per task, by index. A task's failure is in its entry; `success` says whether every task succeeded. */
export interface ArrayResult {
  readonly success: boolean;
  readonly count: number;
  /** True when one backend object ran every task (Cloud Run, Batch); false when each task was an execution of its own. */
  readonly native: boolean;
  /** The array's execution on a native backend; undefined otherwise (each task has its own). */
  readonly executionId: string | undefined;
  readonly tasks: readonly TaskResult[];
}

export interface ArrayDeps {
  readonly nativeArrays: boolean;
  readonly defaultParallelism: number;
  readonly map: (items: Iterable<MapItem>, options: MapOptions) => AsyncIterable<MapOutcome>;
  /** Runs the whole array as one execution with `spec.array` set (ports with `nativeArrays`). */
  readonly runNative: (options: RunOptions, array: ArrayLaunch) => Promise<ExecutionResult>;
}

/** Runs `count` tasks of the job: natively where the backend can, else as `count` executions. */
export async function runArray(job: SmartJob, options: ArrayOptions, deps: ArrayDeps): Promise<ArrayResult> {
  const { count, parallelism, runOptions } = validateArray(job, options, deps.defaultParallelism);
  const common: RunOptions = { ...runOptions, addEnvs: { ...runOptions.addEnvs, [TASK_COUNT_ENV]: String(count) } };
  if (deps.nativeArrays) {
    const result = await deps.runNative(common, { count, parallelism });
    const tasks = Array.from({ length: count }, (_, i) => result.tasks?.[i] ?? missingTask(i, result));
    return { success: tasks.every((t) => t.success), count, native: true, executionId: result.executionId, tasks };
  }
  const tasks = await runAsExecutions(common, count, parallelism, deps);
  return { success: tasks.every((t) => t.success), count, native: false, executionId: undefined, tasks };
}

/**
 * The fallback: one execution per task through `map`. A task that cannot be scheduled (an SDK error, not a
 * job failure) cancels the others and is rethrown, as a native array's launch failure would be.
 * After an abort the tasks in flight come back CANCELLED and those never launched are CANCELLED too.
 */
async function runAsExecutions(common: RunOptions, count: number, parallelism: number, deps: ArrayDeps): Promise<TaskResult[]> {
  const { signal, ...shared } = common;
  const tasks: (TaskResult | undefined)[] = new Array<TaskResult | undefined>(count);
  function* items(): Generator<MapItem> {
    for (let i = 0; i < count; i++) yield { ...shared, addEnvs: { ...shared.addEnvs, [TASK_INDEX_ENV]: String(i) } };
  }
  let failure: { readonly error: unknown } | undefined;
  try {
    for await (const outcome of deps.map(items(), { concurrency: parallelism, signal })) {
      if (outcome.result) tasks[outcome.index] = taskFromResult(outcome.index, outcome.result);
      else if (!signal?.aborted) {
        failure = { error: outcome.error };
        break; // leaving the map cancels the tasks still running and waits for them
      }
    }
  } catch (error) {
    if (!signal?.aborted) throw error; // after an abort the map throws its reason: the tasks say CANCELLED instead
  }
  if (failure) throw failure.error;
  return Array.from(tasks, (task, i) => task ?? taskWithoutStatus(i, 'CANCELLED', 'cancelled before it started'));
}

function missingTask(index: number, array: ExecutionResult): TaskResult {
  if (array.state === 'SUCCEEDED') return taskWithoutStatus(index, 'FAILED', 'the backend reported no status for this task', array);
  return taskWithoutStatus(index, array.state, array.message ?? `the array ended ${array.state}`, array);
}

function validateArray(job: SmartJob, options: ArrayOptions, defaultParallelism: number) {
  validateJob(job);
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'must be an object with a `count`', options);
  const { count, parallelism, ...runOptions } = options;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_ARRAY_COUNT) {
    throw new ValidationError('count', `must be an integer from 1 to ${MAX_ARRAY_COUNT}`, count);
  }
  const wanted = optionalPositiveInteger('parallelism', parallelism) ?? defaultParallelism;
  optionalSignal('signal', runOptions.signal);
  for (const [field, envs] of [['job.addEnvs', job.addEnvs], ['addEnvs', runOptions.addEnvs]] as const) {
    if (envs === undefined) continue;
    validateEnvMap(field, envs);
    for (const name of [TASK_INDEX_ENV, TASK_COUNT_ENV]) {
      if (name in envs) throw new ValidationError(`${field}.${name}`, 'is set by smartjob for each task of an array and cannot be overridden');
    }
  }
  return { count, parallelism: Math.min(wanted, count), runOptions };
}
