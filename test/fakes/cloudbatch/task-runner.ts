import { join } from 'node:path';
import type Docker from 'dockerode';
import { killQuietly, runAttempt, startContainer, type BucketDirs } from '../shared/containers.js';
import { durationSeconds } from '../shared/protos.js';
import type { FakeSecretStore } from '../shared/secret-store.js';
import type { JobRecord, TaskRecord } from './batch-state.js';
import {
  jobState, newInstance, setJobState, setTaskState, TIMEOUT_EXIT_CODE, TIMEOUT_REASON, UNKNOWN_FAILURE_EXIT_CODE,
} from './job-status.js';
import type { IStatusEvent, ITaskSpec } from './protos.js';
import { runnableContainerSpec, secretValuesOf } from './runnable-container.js';

/** Batch runs a job for at most 14 days (https://cloud.google.com/batch/quotas): the deadline when none is set. */
const MAX_RUN_SECONDS = 14 * 24 * 3600;

export interface TaskRunnerDeps {
  readonly docker: Docker;
  readonly bucketDirs: BucketDirs;
  readonly instanceId: string;
  /** Host directory holding a directory per attempt that stands for its VM's disk. */
  readonly vmRoot: string;
  /** Secret Manager, read for the runnables' secret variables. */
  readonly secrets: FakeSecretStore;
}

/** The made-up VM disk of one attempt of a task (runnables' volumes outside GCS mounts live there). */
export function vmDirOf(deps: Pick<TaskRunnerDeps, 'vmRoot'>, record: JobRecord, task?: TaskRecord, attempt?: number): string {
  return join(deps.vmRoot, record.job.uid ?? 'job', ...(task ? [String(task.index), String(attempt ?? 0)] : []));
}

export type TaskEnding = { readonly kind: 'succeeded' } | { readonly kind: 'failed'; readonly event: IStatusEvent } | { readonly kind: 'stopped' };
type AttemptEnding = { readonly kind: 'succeeded' } | { readonly kind: 'stopped' } | { readonly kind: 'failed'; readonly exitCode: number; readonly reason?: string };

/**
 * Runs one task: attempts up to 1 + max_retry_count (a lifecycle policy may fail or retry an exit code at
 * once), each attempt on a made-up VM running the runnables in order.
 */
export async function runTask(deps: TaskRunnerDeps, record: JobRecord, task: TaskRecord): Promise<TaskEnding> {
  const spec = record.job.taskGroups![0]!.taskSpec!;
  for (let attempt = 0; ; attempt++) {
    if (record.stopRequested) return { kind: 'stopped' };
    const instance = newInstance(record);
    setTaskState(record, task, 'ASSIGNED', { instance });
    const ending = await runAttemptOfTask(deps, record, task, attempt, instance);
    if (ending.kind === 'stopped') return ending;
    if (ending.kind === 'succeeded') {
      task.exitCode = 0;
      setTaskState(record, task, 'SUCCEEDED', { instance, exitCode: 0 });
      return ending;
    }
    task.exitCode = ending.exitCode;
    const event = setTaskState(record, task, 'FAILED', { instance, exitCode: ending.exitCode, reason: ending.reason });
    if (attempt >= (spec.maxRetryCount ?? 0) || !retries(spec, ending.exitCode)) return { kind: 'failed', event };
  }
}

/**
 * One attempt: foreground runnables one after the other (after a failure only the `always_run` ones),
 * background runnables left running beside them and killed at the end; the task's max_run_duration and each
 * runnable's timeout end it with exit code 50005. The first failure gives the attempt's exit code.
 */
async function runAttemptOfTask(deps: TaskRunnerDeps, record: JobRecord, task: TaskRecord, attempt: number, instance: string): Promise<AttemptEnding> {
  const spec = record.job.taskGroups![0]!.taskSpec!;
  const deadline = Date.now() + (durationSeconds(spec.maxRunDuration) || MAX_RUN_SECONDS) * 1000;
  let failure: { exitCode: number; reason?: string } | undefined;
  let running = false;
  const onRunning = () => {
    if (running) return;
    running = true;
    setTaskState(record, task, 'RUNNING', { instance });
    if (jobState(record) === 'SCHEDULED') setJobState(record, 'RUNNING');
  };
  try {
    for (const runnable of spec.runnables ?? []) {
      if (record.stopRequested) return { kind: 'stopped' };
      if ((failure && !runnable.alwaysRun) || runnable.barrier) continue;
      const remainingSeconds = (deadline - Date.now()) / 1000;
      if (remainingSeconds <= 0) {
        failure ??= { exitCode: TIMEOUT_EXIT_CODE, reason: TIMEOUT_REASON };
        break;
      }
      // Runnables of a VM share its network; here they share the (isolated) namespace of a running background one.
      const networkMode = task.background[0] ? `container:${task.background[0].id}` : 'none';
      const secrets = secretValuesOf(deps.secrets, record, task, runnable);
      if ('missing' in secrets) {
        failure ??= { exitCode: UNKNOWN_FAILURE_EXIT_CODE, reason: secrets.missing };
        continue;
      }
      const vmDir = vmDirOf(deps, record, task, attempt);
      const containerSpec = runnableContainerSpec({ ...deps, record, task, runnable, attempt, networkMode, vmDir, secretValues: secrets.values });
      if (runnable.background) {
        try {
          task.background.push(await startContainer(deps.docker, task, containerSpec));
          onRunning();
        } catch (error) {
          record.runnerErrors.push(`task ${task.index}: a background runnable could not start: ${(error as Error).message}`);
          failure ??= { exitCode: UNKNOWN_FAILURE_EXIT_CODE };
        }
        continue;
      }
      const runnableTimeout = durationSeconds(runnable.timeout) || Infinity;
      const timeoutSeconds = Math.min(remainingSeconds, runnableTimeout);
      const outcome = await runAttempt(deps.docker, task, containerSpec, { timeoutSeconds, onRunning, label: 'fake cloudbatch' });
      if (outcome.kind === 'stopped') return outcome;
      if (outcome.kind === 'exited' && outcome.exitCode !== 0 && !runnable.ignoreExitStatus) failure ??= { exitCode: outcome.exitCode };
      if (outcome.kind === 'error') {
        record.runnerErrors.push(`task ${task.index}: ${outcome.message}`);
        failure ??= { exitCode: UNKNOWN_FAILURE_EXIT_CODE };
      }
      if (outcome.kind === 'timedOut') {
        failure ??= { exitCode: TIMEOUT_EXIT_CODE, reason: TIMEOUT_REASON };
        if (runnableTimeout >= remainingSeconds) break; // the task's own deadline: nothing more runs
      }
    }
  } finally {
    await Promise.all(task.background.map((container) => killQuietly(container)));
    task.background.length = 0;
  }
  if (record.stopRequested) return { kind: 'stopped' };
  return failure ? { kind: 'failed', ...failure } : { kind: 'succeeded' };
}

/** Batch's default policy retries any failure; a lifecycle policy naming the exit code decides instead. */
function retries(spec: ITaskSpec, exitCode: number): boolean {
  const policy = (spec.lifecyclePolicies ?? []).find((p) => p.actionCondition?.exitCodes?.includes(exitCode));
  return policy ? policy.action === 'RETRY_TASK' : true;
}
