import type { ExecutionState } from '../../../domain/execution.js';
import type { ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { parseRecord, type ExecutionRecord } from '../../shared/execution-record.js';
import { GrpcCode } from '../shared/gax-errors.js';
import { CONSOLE_BASE } from '../shared/gcp-options.js';
import type { GcpSettings, StagingBucket } from '../shared/gcp-settings.js';
import { dateOf, wholeSecondsDuration } from '../shared/protobuf.js';
import type { CustomJob, WorkerPoolSpec } from './vertex-api.js';
import { jobStateOf } from './vertex-filters.js';
import { DEFAULT_MACHINE_TYPE, GCS_FUSE_ROOT } from './vertex-options.js';

/**
 * Vertex AI's messages, pure: a launch → its CustomJob, a CustomJob → its status. No client, no I/O:
 * unit-tested on their own (test/unit/vertex/).
 */

/** How Vertex reports a replica's non-zero exit: "The replica workerpool0-0 exited with a non-zero status of 7. …". */
const NON_ZERO_EXIT = /exited with a non-zero status of (\d+)/;
/** Words of a scheduling.timeout failure, the last resort when neither its code nor the run time tells. */
const TIMEOUT_WORDS = /scheduling\.timeout|timed out|deadline exceeded/i;
const ENDED: readonly string[] = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED', 'JOB_STATE_EXPIRED', 'JOB_STATE_PARTIALLY_SUCCEEDED'];

/** The staging root as the container sees it: the bucket (and prefix) through Cloud Storage FUSE. */
export function fuseRootOf(bucket: StagingBucket): string {
  return bucket.prefix ? `${GCS_FUSE_ROOT}/${bucket.bucket}/${bucket.prefix}` : `${GCS_FUSE_ROOT}/${bucket.bucket}`;
}

/** `<namespace>-<name>-<execution id>`: at most 78 characters (Vertex allows 128). */
export function displayNameOf(spec: Pick<LaunchSpec, 'jobNamespace' | 'jobName' | 'executionId'>): string {
  return `${spec.jobNamespace}-${spec.jobName}-${spec.executionId}`;
}

/** Batch spells accelerators `nvidia-tesla-t4`, Vertex `NVIDIA_TESLA_T4`: either is taken. */
export function acceleratorTypeName(type: string): string {
  return type.toUpperCase().replaceAll('-', '_');
}

/**
 * The CustomJob of a launch: one worker pool of one replica (machine, accelerators, boot disk, the container
 * with the launch's args and env), the timeout as `scheduling.timeout`, the service account and the network.
 */
export function customJobOf(spec: LaunchSpec, settings: Pick<GcpSettings, 'serviceAccount'>, labels: Record<string, string>): CustomJob {
  const pool: WorkerPoolSpec = {
    replicaCount: 1,
    machineSpec: machineSpecOf(spec.config),
    diskSpec: diskSpecOf(spec.config),
    // No command: the image's entrypoint stays; args replace its CMD, as on the other backends (empty keeps it).
    containerSpec: { imageUri: spec.image, args: [...spec.args], env: Object.entries(spec.env).map(([name, value]) => ({ name, value })) },
  };
  return {
    displayName: displayNameOf(spec),
    labels,
    jobSpec: {
      workerPoolSpecs: [pool],
      scheduling: { timeout: wholeSecondsDuration(spec.config.timeout.timeoutSeconds) },
      serviceAccount: settings.serviceAccount,
      network: spec.config.vpcConnectorNetwork,
    },
  };
}

function machineSpecOf(config: ResolvedExecutionConfig): WorkerPoolSpec['machineSpec'] {
  const machineType = config.machineType ?? DEFAULT_MACHINE_TYPE;
  if (config.acceleratorType === undefined) return { machineType };
  return { machineType, acceleratorType: acceleratorTypeName(config.acceleratorType) as never, acceleratorCount: config.acceleratorCount ?? 1 };
}

function diskSpecOf(config: ResolvedExecutionConfig): WorkerPoolSpec['diskSpec'] {
  if (config.bootDiskType === undefined && config.bootDiskSizeGb === undefined) return undefined; // Vertex's default: pd-ssd, 100 GB
  return { bootDiskType: config.bootDiskType, bootDiskSizeGb: config.bootDiskSizeGb };
}

/** Whether the job has ended (CANCELLING has not: the replica may still run). */
export function hasEnded(job: CustomJob): boolean {
  return ENDED.includes(jobStateOf(job.state));
}

/**
 * The domain state of a job. A FAILED job stopped by its `scheduling.timeout` is TIMED_OUT: told by its error
 * code (DEADLINE_EXCEEDED), else by its run time reaching the timeout, else by the words of its error.
 */
export function stateOf(job: CustomJob, timeoutSeconds: number): ExecutionState {
  switch (jobStateOf(job.state)) {
    case 'JOB_STATE_SUCCEEDED':
      return 'SUCCEEDED';
    case 'JOB_STATE_FAILED':
      return isTimeout(job, timeoutSeconds) ? 'TIMED_OUT' : 'FAILED';
    case 'JOB_STATE_EXPIRED':
    case 'JOB_STATE_PARTIALLY_SUCCEEDED':
      return 'FAILED';
    case 'JOB_STATE_CANCELLED':
      return 'CANCELLED';
    case 'JOB_STATE_RUNNING':
    case 'JOB_STATE_UPDATING':
      return 'RUNNING';
    case 'JOB_STATE_CANCELLING':
      return job.startTime ? 'RUNNING' : 'PENDING';
    default:
      return 'PENDING'; // QUEUED, PENDING, PAUSED
  }
}

function isTimeout(job: CustomJob, timeoutSeconds: number): boolean {
  if (job.error?.code === GrpcCode.DEADLINE_EXCEEDED) return true;
  const started = dateOf(job.startTime);
  const ended = dateOf(job.endTime);
  if (started && ended && ended.getTime() - started.getTime() >= wholeSecondsDuration(timeoutSeconds).seconds * 1000) return true;
  return TIMEOUT_WORDS.test(job.error?.message ?? '');
}

/** The replica's exit code, when the job's error reports it; 0 for a success. */
export function exitCodeOf(job: CustomJob): number | undefined {
  if (jobStateOf(job.state) === 'JOB_STATE_SUCCEEDED') return 0;
  const match = NON_ZERO_EXIT.exec(job.error?.message ?? '');
  return match ? Number(match[1]) : undefined;
}

/** The smartjob record in the job's labels; undefined when smartjob did not launch it. */
export function recordOfJob(job: CustomJob): ExecutionRecord | undefined {
  return parseRecord(job.labels ?? undefined);
}

/** Undefined when the job carries no smartjob record (not launched by smartjob). */
export function statusOf(job: CustomJob): ExecutionStatus | undefined {
  const record = recordOfJob(job);
  if (!record) return undefined;
  const state = stateOf(job, record.timeoutSeconds);
  const final = state !== 'PENDING' && state !== 'RUNNING';
  return {
    ...record,
    state,
    started: dateOf(job.startTime),
    stopped: final ? (dateOf(job.endTime) ?? dateOf(job.updateTime) ?? new Date()) : undefined,
    exitCode: exitCodeOf(job),
    message: messageOf(job, state, record.timeoutSeconds),
    logUrl: logUrlOf(job.name ?? ''),
  };
}

function messageOf(job: CustomJob, state: ExecutionState, timeoutSeconds: number): string | undefined {
  const detail = job.error?.message || undefined;
  switch (state) {
    case 'TIMED_OUT':
      return `timeout of ${timeoutSeconds}s reached (${detail ?? 'stopped by scheduling.timeout'})`;
    case 'FAILED':
      if (jobStateOf(job.state) === 'JOB_STATE_EXPIRED') return `the CustomJob expired before it could run${detail ? ` (${detail})` : ''}`;
      if (jobStateOf(job.state) === 'JOB_STATE_PARTIALLY_SUCCEEDED') return `the CustomJob only partially succeeded${detail ? ` (${detail})` : ''}`;
      return detail ?? 'the CustomJob failed';
    case 'CANCELLED':
      return 'the execution was cancelled';
    default:
      return undefined;
  }
}

/** `projects/p/locations/r/customJobs/123` → its parts (Vertex answers with the project number). */
export function parseCustomJobName(name: string): { project: string; region: string; id: string } {
  const parts = name.split('/');
  return { project: parts[1] ?? '', region: parts[3] ?? '', id: parts[5] ?? '' };
}

/** The job's logs in Cloud Logging (Vertex writes them under the `ml_job` resource). */
export function logUrlOf(jobName: string): string {
  const { project, id } = parseCustomJobName(jobName);
  const query = encodeURIComponent(`resource.type="ml_job"\nresource.labels.job_id="${id}"`);
  return `${CONSOLE_BASE}/logs/query;query=${query}?project=${project}`;
}
