import { randomBytes, randomUUID } from 'node:crypto';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { durationSeconds, timestamp } from '../shared/protos.js';
import { checkLabels, requireLocation } from '../shared/resources.js';
import type { JobRecord, TaskRecord } from './batch-state.js';
import type { ICreateJobRequest, IJob, IRunnable, ITaskSpec } from './protos.js';
import { volumeBinds } from './runnable-container.js';

/** Batch job ids (batch.proto CreateJobRequest.job_id): lowercase letters, digits and '-', a letter first, no '-' last, ≤ 63. */
export const JOB_ID = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Kept low so a test cannot start hundreds of containers by mistake (Batch itself allows far more). */
export const MAX_TASKS = 64;

const invalid = (message: string) => new RpcError(grpc.status.INVALID_ARGUMENT, message);
const unsupported = (message: string) => new RpcError(grpc.status.UNIMPLEMENTED, `the fake does not support ${message}`);

/** The record of a job CreateJob accepts, after the checks Batch makes (and refusals of what the fake cannot run). */
export function newJobRecord(request: ICreateJobRequest): JobRecord {
  const parent = requireLocation(request.parent);
  const jobId = request.jobId || `job-${randomBytes(6).toString('hex')}`;
  if (!JOB_ID.test(jobId)) throw invalid(`job_id '${jobId}' must match ^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$`);
  const job: IJob = structuredClone(request.job ?? {});
  checkJob(job);
  const name = `${parent}/jobs/${jobId}`;
  const now = timestamp(new Date());
  const group = job.taskGroups![0]!;
  const taskCount = Number(group.taskCount ?? 0) || 1;
  Object.assign(group, { name: `${name}/taskGroups/group0`, taskCount, parallelism: Number(group.parallelism ?? 0) || taskCount });
  Object.assign(job, {
    name, uid: `j-${randomUUID()}`, createTime: now, updateTime: now,
    status: { state: 'QUEUED', statusEvents: [], taskGroups: { group0: { counts: { PENDING: taskCount } } } },
  });
  const tasks: TaskRecord[] = Array.from({ length: taskCount }, (_, index) => ({
    index, containers: [], background: [],
    task: { name: `${name}/taskGroups/group0/tasks/${index}`, status: { state: 'PENDING', statusEvents: [] } },
  }));
  return { name, job, tasks, requestId: request.requestId || undefined, runnerErrors: [] };
}

function checkJob(job: IJob): void {
  const groups = job.taskGroups ?? [];
  if (groups.length !== 1) throw invalid(`a job needs exactly one task group (Batch supports one), got ${groups.length}`);
  const group = groups[0]!;
  const spec = group.taskSpec;
  if (!spec) throw invalid('task_groups[0].task_spec is required');
  const taskCount = Number(group.taskCount ?? 1);
  const parallelism = Number(group.parallelism ?? 0);
  if (taskCount < 0 || parallelism < 0) throw invalid('task_count and parallelism must not be negative');
  if (taskCount > MAX_TASKS) throw unsupported(`more than ${MAX_TASKS} tasks per job, got ${taskCount}`);
  if (group.schedulingPolicy === 'IN_ORDER' && parallelism > 1) throw invalid('parallelism must be 1 when scheduling_policy is IN_ORDER');
  if (group.taskEnvironments?.length && group.taskEnvironments.length !== (taskCount || 1)) {
    throw invalid(`task_environments must have one entry per task (${taskCount || 1}), got ${group.taskEnvironments.length}`);
  }
  const priority = Number(job.priority ?? 0);
  if (priority < 0 || priority >= 100) throw invalid(`priority must be in [0, 100), got ${priority}`);
  checkBatchLabels(job.labels ?? {}, 'labels');
  checkBatchLabels(job.allocationPolicy?.labels ?? {}, 'allocation_policy.labels');
  checkTaskSpec(spec);
}

function checkTaskSpec(spec: ITaskSpec): void {
  const retries = spec.maxRetryCount ?? 0;
  if (!Number.isInteger(retries) || retries < 0 || retries > 10) throw invalid(`max_retry_count must be in [0, 10], got ${retries}`);
  if ((durationSeconds(spec.maxRunDuration) ?? 0) < 0) throw invalid('max_run_duration must not be negative');
  checkSecretVariables(spec.environment?.secretVariables, 'task_spec.environment');
  if (spec.environment?.encryptedVariables) throw unsupported('encrypted_variables');
  for (const volume of spec.volumes ?? []) {
    if (!volume.gcs) throw unsupported('NFS or disk volumes (GCS volumes only)');
    if (!volume.gcs.remotePath) throw invalid('a GCS volume needs a remote_path (a bucket name, or bucket/directory)');
    if (!volume.mountPath?.startsWith('/')) throw invalid(`volume mount_path must be absolute, got '${volume.mountPath ?? ''}'`);
  }
  const runnables = spec.runnables ?? [];
  if (runnables.length === 0) throw invalid('task_spec.runnables must not be empty');
  runnables.forEach((runnable, i) => checkRunnable(spec, runnable, i));
}

function checkRunnable(spec: ITaskSpec, runnable: IRunnable, i: number): void {
  checkBatchLabels(runnable.labels ?? {}, `runnables[${i}].labels`);
  if (runnable.script) throw unsupported(`script runnables (runnables[${i}]): the fake runs container runnables only`);
  if (runnable.barrier) return;
  const container = runnable.container;
  if (!container?.imageUri) throw invalid(`runnables[${i}].container.image_uri is required`);
  if (container.options) throw unsupported(`docker run options (runnables[${i}].container.options '${container.options}')`);
  checkSecretVariables(runnable.environment?.secretVariables, `runnables[${i}].environment`);
  if ((durationSeconds(runnable.timeout) ?? 0) < 0) throw invalid(`runnables[${i}].timeout must not be negative`);
  volumeBinds(spec, runnable); // refuses malformed volumes now rather than when the task runs
}

/** Batch's secret variables name Secret Manager versions (task.proto Environment.secret_variables). */
function checkSecretVariables(secrets: Record<string, string> | null | undefined, field: string): void {
  for (const [name, version] of Object.entries(secrets ?? {})) {
    if (!/^projects\/[^/]+\/secrets\/[^/]+\/versions\/[^/]+$/.test(version)) {
      throw invalid(`${field}.secret_variables.${name} must be a Secret Manager version projects/*/secrets/*/versions/*`);
    }
  }
}

/** GCP label rules, and Batch's reserved prefixes (job.proto Job.labels). */
function checkBatchLabels(labels: Record<string, string>, field: string): void {
  checkLabels(labels, field);
  const reserved = Object.keys(labels).find((key) => key.startsWith('goog-') || key.startsWith('google-'));
  if (reserved) throw invalid(`${field}: label names starting with goog- or google- are reserved, got '${reserved}'`);
}
