import { mkdirSync } from 'node:fs';
import type Docker from 'dockerode';
import { grpc } from 'google-gax';
import { fakeLabels, killQuietly, removeContainers, runAttempt, type AttemptOutcome, type BucketDirs } from '../shared/containers.js';
import { durationSeconds, timestamp } from '../shared/protos.js';
import type { JobState } from './protos.js';
import type { CustomJobRecord, VertexState } from './vertex-state.js';

export const FAKE_BACKEND = 'vertex';
/** "The maximum job running time. The default is 7 days." (custom_job.proto Scheduling.timeout) */
const DEFAULT_TIMEOUT_SECONDS = 7 * 24 * 3600;
const TERMINAL: readonly JobState[] = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED', 'JOB_STATE_PARTIALLY_SUCCEEDED'];

/**
 * The error of a replica's non-zero exit, in the form Vertex documents ("The replica REPLICA_NAME exited with
 * a non-zero status of EXIT_CODE. Termination reason: REASON.",
 * https://cloud.google.com/vertex-ai/docs/training/understanding-training-service#common-errors) followed by
 * the logs sentence seen in real job errors. The code (3, INVALID_ARGUMENT) is believed, not confirmed.
 */
export function nonZeroExitError(record: CustomJobRecord, exitCode: number): { code: number; message: string } {
  const project = record.name.split('/')[1];
  const logs = `https://console.cloud.google.com/logs/viewer?project=${project}&resource=ml_job%2Fjob_id%2F${record.id}`
    + `&advancedFilter=resource.type%3D%22ml_job%22%0Aresource.labels.job_id%3D%22${record.id}%22`;
  return {
    code: grpc.status.INVALID_ARGUMENT,
    message: `The replica workerpool0-0 exited with a non-zero status of ${exitCode}. Termination reason: Error. To find out more about why your job exited please check the logs: ${logs}`,
  };
}
/** The failure of a job stopped by `scheduling.timeout`. Not confirmed against a real project: the adapter should key on the code. */
export const TIMEOUT_ERROR_CODE = grpc.status.DEADLINE_EXCEEDED;
export const timeoutMessage = (seconds: number) => `The job exceeded its scheduling.timeout of ${seconds}s and was stopped.`;
/** "…a CustomJob.error value with a google.rpc.Status.code of 1, corresponding to Code.CANCELLED" (job_service.proto CancelCustomJob). */
export const CANCELLED_ERROR = { code: grpc.status.CANCELLED, message: 'CANCELED' };

export interface CustomJobRunnerDeps {
  readonly state: VertexState;
  readonly docker: Docker;
  readonly bucketDirs: BucketDirs;
  /** Buckets seen at /gcs/<bucket> in every job, as through Cloud Storage FUSE. */
  readonly buckets: readonly string[];
  readonly instanceId: string;
  /** How long a created job stays JOB_STATE_QUEUED before JOB_STATE_PENDING. */
  readonly queuedMs: number;
}

export function isTerminal(record: CustomJobRecord): boolean {
  return TERMINAL.includes(record.job.state as JobState);
}

/**
 * Drives CustomJobs: QUEUED → PENDING → RUNNING (once workerpool0-0's container runs) → SUCCEEDED, or
 * FAILED with `error` (non-zero exit, scheduling.timeout); CancelCustomJob gives CANCELLING → CANCELLED.
 */
export class CustomJobRunner {
  constructor(private readonly deps: CustomJobRunnerDeps) {}

  start(record: CustomJobRecord): void {
    record.finished = this.run(record).catch((error: unknown) => {
      console.error(`fake vertex: the runner of ${record.name} failed`, error);
      record.runnerErrors.push(`runner: ${String(error)}`);
      if (!isTerminal(record)) end(record, 'JOB_STATE_FAILED', { code: grpc.status.INTERNAL, message: `fake runner error: ${String(error)}` });
    });
  }

  async cancel(record: CustomJobRecord): Promise<void> {
    record.stopRequested ??= 'cancelled';
    setState(record, 'JOB_STATE_CANCELLING');
    if (record.current) await killQuietly(record.current);
  }

  /** DeleteCustomJob of a finished job: waits for its runner, removes its container, forgets it. Idempotent. */
  remove(record: CustomJobRecord): Promise<void> {
    record.removed ??= (async () => {
      record.stopRequested = 'deleted';
      if (record.current) await killQuietly(record.current);
      await record.finished;
      await removeContainers(record);
      this.deps.state.jobs.delete(record.name);
    })();
    return record.removed;
  }

  private async run(record: CustomJobRecord): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.deps.queuedMs));
    if (!record.stopRequested) setState(record, 'JOB_STATE_PENDING');
    const timeoutSeconds = durationSeconds(record.job.jobSpec?.scheduling?.timeout) || DEFAULT_TIMEOUT_SECONDS;
    const outcome = await runAttempt(this.deps.docker, record, this.containerSpec(record), {
      timeoutSeconds, label: 'fake vertex',
      onRunning: () => {
        record.job.startTime = timestamp(new Date());
        if (record.job.state === 'JOB_STATE_PENDING') setState(record, 'JOB_STATE_RUNNING');
      },
    });
    this.conclude(record, outcome, timeoutSeconds);
  }

  private conclude(record: CustomJobRecord, outcome: AttemptOutcome, timeoutSeconds: number): void {
    if (record.stopRequested === 'deleted') return;
    if (record.stopRequested === 'cancelled' || outcome.kind === 'stopped') return end(record, 'JOB_STATE_CANCELLED', CANCELLED_ERROR);
    switch (outcome.kind) {
      case 'exited':
        return outcome.exitCode === 0 ? end(record, 'JOB_STATE_SUCCEEDED') : end(record, 'JOB_STATE_FAILED', nonZeroExitError(record, outcome.exitCode));
      case 'timedOut':
        return end(record, 'JOB_STATE_FAILED', { code: TIMEOUT_ERROR_CODE, message: timeoutMessage(timeoutSeconds) });
      case 'error':
        record.runnerErrors.push(outcome.message);
        return end(record, 'JOB_STATE_FAILED', { code: grpc.status.INTERNAL, message: `Internal error occurred for the current attempt. (fake: ${outcome.message})` });
    }
  }

  /** workerpool0-0: the container spec's image, command (ENTRYPOINT), args (CMD) and env, the buckets at /gcs/<bucket>. */
  private containerSpec(record: CustomJobRecord): Docker.ContainerCreateOptions {
    const container = record.job.jobSpec!.workerPoolSpecs![0]!.containerSpec!;
    const clusterSpec = { cluster: { workerpool0: ['workerpool0-0:2222'] }, environment: 'cloud', task: { type: 'workerpool0', index: 0 } };
    const env = [...(container.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`), `CLOUD_ML_JOB_ID=${record.id}`, `CLUSTER_SPEC=${JSON.stringify(clusterSpec)}`];
    const binds = this.deps.buckets.map((bucket) => {
      const hostDir = this.deps.bucketDirs(bucket);
      mkdirSync(hostDir, { recursive: true });
      return `${hostDir}:/gcs/${bucket}`;
    });
    return {
      Image: container.imageUri as string,
      Entrypoint: container.command && container.command.length > 0 ? [...container.command] : undefined,
      Cmd: container.args && container.args.length > 0 ? [...container.args] : undefined,
      Env: env,
      Labels: fakeLabels(FAKE_BACKEND, this.deps.instanceId, record.name),
      HostConfig: { NetworkMode: 'none', Binds: binds },
    };
  }
}

function setState(record: CustomJobRecord, state: JobState): void {
  record.job.state = state;
  record.states.push(state);
  record.job.updateTime = timestamp(new Date());
}

function end(record: CustomJobRecord, state: JobState, error?: { code: number; message: string }): void {
  setState(record, state);
  record.job.endTime = record.job.updateTime;
  if (error) record.job.error = error;
}
