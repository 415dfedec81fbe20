import { createHash } from 'node:crypto';
import type { ExecutionState } from '../../../domain/execution.js';
import type { SidecarContainer } from '../../../domain/execution-config.js';
import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import type { ExecutionStatus, TaskStatus } from '../../../domain/result.js';
import { TASK_INDEX_ENV, taskOutputDir } from '../../../domain/services/array-tasks.js';
import { parseRecord, RECORD_KEYS, recordOf, type ExecutionRecord } from '../../shared/execution-record.js';
import { attemptTimeoutSeconds } from '../shared/attempt-timeout.js';
import { CONSOLE_BASE } from '../shared/gcp-options.js';
import { locationOf, type GcpSettings } from '../shared/gcp-settings.js';
import { enumIs, wholeSecondsDuration } from '../shared/protobuf.js';
import type { BatchAllocationPolicy, BatchJob, BatchRunnable, BatchTask, BatchTaskGroup, CreateJobRequest } from './cloudbatch-api.js';
import { SHARED_MOUNT, STAGING_MOUNT, VM_SHARED_DIR, VM_STAGING_MOUNT } from './cloudbatch-options.js';
import { computeResourceOf } from './machine-types.js';
import { jobExitCodeOf, jobTimesOf, RESERVED_EXIT_CODES, taskFactsOf, TIMEOUT_EXIT_CODE } from './status-events.js';

/**
 * Cloud Batch's messages, pure: a launch → its CreateJob request, a Job (and, for arrays, its tasks) → its
 * status. No client, no I/O: unit-tested on their own (test/unit/cloudbatch/).
 */

const MAX_JOB_ID = 63;
/** RFC 4122 name-based (v5) UUIDs of smartjob's CreateJob request ids. */
const REQUEST_ID_NAMESPACE = Buffer.from('6f1c2a4e9b7d4c31a0e5d2b8c4f7e913', 'hex');

/**
 * `<namespace>-<name>-<execution id>`: a DNS label (lowercase letters, digits and '-', a letter first, ≤ 63), the
 * execution id kept whole so that it is unique, the namespace and name cut to fit. An unusual id is hashed.
 */
export function jobIdOf(spec: Pick<LaunchSpec, 'jobNamespace' | 'jobName' | 'executionId'>): string {
  const id = /^[a-z0-9]{1,32}$/.test(spec.executionId) ? spec.executionId : createHash('sha256').update(spec.executionId).digest('hex').slice(0, 16);
  let head = `${spec.jobNamespace}-${spec.jobName}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (!/^[a-z]/.test(head)) head = `sj-${head}`;
  return `${head.slice(0, MAX_JOB_ID - id.length - 1).replace(/-+$/, '')}-${id}`;
}

/** The same UUID for every attempt at creating one execution's job: Batch ignores a repeat of a request it completed. */
export function requestIdOf(executionId: string): string {
  const hash = createHash('sha1').update(REQUEST_ID_NAMESPACE).update(`smartjob:${executionId}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The job's labels: the user's, then the execution record (which the user's cannot override). */
export function jobLabels(spec: LaunchSpec): Record<string, string> {
  return { ...(spec.config.labels ?? {}), ...recordOf(spec) };
}

/**
 * One job of one task group: the job's container after its sidecars (background runnables), the staging bucket
 * mounted on the VM at /mnt/disks/staging and given to each container as /staging, the timeout as the task's max
 * run duration, `maxAttemptsExecute - 1` task retries, the compute resource, and the VM's allocation policy. A
 * native array runs `count` tasks, each with its own SMARTJOB_TASK_INDEX and OUTPUT_PATH (task environments).
 */
export function createJobRequest(spec: LaunchSpec, settings: GcpSettings, options: { readonly noExternalIpAddress: boolean }): CreateJobRequest {
  const labels = jobLabels(spec);
  const sidecars = spec.config.sidecarsContainers ?? [];
  const volumes = [`${VM_STAGING_MOUNT}:${STAGING_MOUNT}`, ...(sidecars.length > 0 ? [`${VM_SHARED_DIR}:${SHARED_MOUNT}`] : [])];
  const { OUTPUT_PATH: _perTask, ...shared } = spec.env;
  const main: BatchRunnable = {
    container: { imageUri: spec.image, commands: [...spec.args], volumes },
    // Per-task variables live only in the task environments, whatever precedence Batch gives a runnable's.
    environment: { variables: spec.array ? shared : { ...spec.env }, ...secretVariablesOf(spec.secretRefs) },
  };
  const { bucket, prefix } = settings.stagingBucket;
  const group: BatchTaskGroup = {
    taskCount: spec.array?.count ?? 1,
    parallelism: spec.array?.parallelism ?? 1,
    taskEnvironments: spec.array && Array.from({ length: spec.array.count }, (_, i) => ({
      variables: { [TASK_INDEX_ENV]: String(i), OUTPUT_PATH: taskOutputDir(spec.env.OUTPUT_PATH ?? '', i) },
    })),
    taskSpec: {
      runnables: [...sidecars.map((s) => sidecarRunnable(s, volumes)), main],
      computeResource: computeResourceOf(spec.config).resource,
      volumes: [{ gcs: { remotePath: prefix ? `${bucket}/${prefix}/` : bucket }, mountPath: VM_STAGING_MOUNT }],
      maxRunDuration: wholeSecondsDuration(attemptTimeoutSeconds(spec.config)), // per attempt: the timeout shared out
      maxRetryCount: spec.config.retry.maxAttemptsExecute - 1,
    },
  };
  return {
    parent: locationOf(settings),
    jobId: jobIdOf(spec),
    requestId: requestIdOf(spec.executionId),
    job: { labels, taskGroups: [group], allocationPolicy: allocationPolicyOf(spec, settings, options, labels), logsPolicy: { destination: 'CLOUD_LOGGING' } },
  };
}

/**
 * Secret Manager references as the runnable's `secret_variables`: Batch reads each version when the task starts,
 * so the job records the reference and never the value.
 */
export function secretVariablesOf(refs: Readonly<Record<string, string>>): { secretVariables?: Record<string, string> } {
  return Object.keys(refs).length > 0 ? { secretVariables: { ...refs } } : {};
}

/** A sidecar: started before the job, left running beside it, stopped when it ends; its exit status never fails the task. */
function sidecarRunnable(sidecar: SidecarContainer, volumes: readonly string[]): BatchRunnable {
  return {
    displayName: sidecar.name,
    background: true,
    ignoreExitStatus: true,
    container: { imageUri: sidecar.dockerImage, commands: [...(sidecar.args ?? [])], volumes: [...volumes] },
    environment: { variables: { ...(sidecar.env ?? {}) } },
  };
}

/** The VMs: labels, service account, machine type, boot disk and Ops agent, network (short names expanded in the job's project and region). */
function allocationPolicyOf(spec: LaunchSpec, settings: GcpSettings, options: { readonly noExternalIpAddress: boolean }, labels: Record<string, string>): BatchAllocationPolicy {
  const { machineType, bootDiskSizeGb, installOpsAgent, vpcConnectorNetwork: network, vpcConnectorSubnetwork: subnetwork } = spec.config;
  const policy = { ...(machineType && { machineType }), ...(bootDiskSizeGb && { bootDisk: { sizeGb: bootDiskSizeGb } }) };
  const hasPolicy = Object.keys(policy).length > 0;
  const instances = hasPolicy || installOpsAgent ? [{ ...(hasPolicy && { policy }), ...(installOpsAgent && { installOpsAgent: true }) }] : undefined;
  const networkInterface = {
    ...(network && { network: network.includes('/') ? network : `projects/${settings.project}/global/networks/${network}` }),
    ...(subnetwork && { subnetwork: subnetwork.includes('/') ? subnetwork : `projects/${settings.project}/regions/${settings.region}/subnetworks/${subnetwork}` }),
    ...(options.noExternalIpAddress && { noExternalIpAddress: true }),
  };
  return {
    labels,
    ...(settings.serviceAccount && { serviceAccount: { email: settings.serviceAccount } }),
    ...(instances && { instances }),
    ...(Object.keys(networkInterface).length > 0 && { network: { networkInterfaces: [networkInterface] } }),
  };
}

/** The job's logs in Cloud Logging: Batch puts the job's labels on every entry it writes, the execution id among them. */
export function logUrlOf(project: string, executionId: string): string {
  const query = `labels.${RECORD_KEYS.executionId}=${JSON.stringify(executionId)}`;
  return `${CONSOLE_BASE}/logs/query;query=${encodeURIComponent(query)}?project=${encodeURIComponent(project)}`;
}

export function recordOfJob(job: BatchJob): ExecutionRecord | undefined {
  return parseRecord(job.labels ?? undefined);
}

/** Whether a DeleteJob is removing it: it will be gone, and has no outcome to report. */
export function isBeingDeleted(job: BatchJob): boolean {
  return enumIs(job.status?.state, 'DELETION_IN_PROGRESS', 6);
}

/** A native array's job: one task environment per task. */
export function isArrayJob(job: BatchJob): boolean {
  return (job.taskGroups?.[0]?.taskEnvironments?.length ?? 0) > 0;
}

/** The task group whose tasks ListTasks lists. */
export function taskGroupOf(job: BatchJob): string {
  return job.taskGroups?.[0]?.name || `${job.name}/taskGroups/group0`;
}

/** A FAILED job whose task ran over its max run duration (exit code 50005) TIMED_OUT. */
export function stateOf(job: BatchJob, exitCode: number | undefined = jobExitCodeOf(job)): ExecutionState {
  const state = job.status?.state;
  if (enumIs(state, 'SUCCEEDED', 4)) return 'SUCCEEDED';
  if (enumIs(state, 'FAILED', 5)) return exitCode === TIMEOUT_EXIT_CODE ? 'TIMED_OUT' : 'FAILED';
  if (enumIs(state, 'CANCELLED', 8)) return 'CANCELLED';
  if (enumIs(state, 'RUNNING', 3) || enumIs(state, 'CANCELLATION_IN_PROGRESS', 7)) return 'RUNNING';
  return 'PENDING'; // QUEUED, SCHEDULED
}

/**
 * The status of a job smartjob launched; undefined for any other job, and for one being deleted. `tasks` (one
 * ListTasks) gives a failed job's exit code when its own events do not, and an array's tasks.
 */
export function statusOf(job: BatchJob, tasks?: readonly BatchTask[]): ExecutionStatus | undefined {
  const record = recordOfJob(job);
  if (!record || isBeingDeleted(job)) return undefined;
  const exitCode = jobExitCodeOf(job) ?? (tasks && !isArrayJob(job) && tasks[0] ? taskFactsOf(tasks[0]).exitCode : undefined);
  const state = stateOf(job, exitCode);
  const final = state !== 'PENDING' && state !== 'RUNNING';
  const project = (job.name ?? '').split('/')[1] ?? '';
  return {
    ...record,
    state,
    ...jobTimesOf(job, final),
    exitCode: state === 'SUCCEEDED' ? 0 : containerExitCode(state, exitCode),
    message: messageOf(state, exitCode, record.timeoutSeconds),
    logUrl: logUrlOf(project, record.executionId),
    ...(tasks && isArrayJob(job) && { tasks: taskStatusesOf(job, tasks, record.timeoutSeconds, final) }),
  };
}

/** A Batch reserved code (50000-50006) is not the container's: no exit code then, the message says why. */
function containerExitCode(state: ExecutionState, exitCode: number | undefined): number | undefined {
  return (state === 'FAILED' || state === 'TIMED_OUT') && exitCode !== undefined && !(exitCode in RESERVED_EXIT_CODES) ? exitCode : undefined;
}

function messageOf(state: ExecutionState, exitCode: number | undefined, timeoutSeconds: number): string | undefined {
  switch (state) {
    case 'TIMED_OUT':
      return `timeout of ${timeoutSeconds}s reached (the task ran over its max run duration: Batch exit code ${TIMEOUT_EXIT_CODE})`;
    case 'FAILED':
      if (exitCode === undefined) return 'the job failed (Batch reported no exit code)';
      return RESERVED_EXIT_CODES[exitCode] ? `${RESERVED_EXIT_CODES[exitCode]} (Batch exit code ${exitCode})` : `the task exited with code ${exitCode}`;
    case 'CANCELLED':
      return 'the job was cancelled';
    default:
      return undefined;
  }
}

/** One status per index of the array; a task that never ran (or was stopped) in a job that ended is CANCELLED. */
function taskStatusesOf(job: BatchJob, tasks: readonly BatchTask[], timeoutSeconds: number, final: boolean): TaskStatus[] {
  const byIndex = new Map(tasks.map((task) => [Number((task.name ?? '').split('/').pop()), task]));
  const group = job.taskGroups?.[0];
  const count = Number(group?.taskCount ?? 0) || group?.taskEnvironments?.length || tasks.length;
  const jobStopped = final ? jobTimesOf(job, true).stopped : undefined;
  return Array.from({ length: count }, (_, index) => {
    const task = byIndex.get(index);
    const facts = task ? taskFactsOf(task) : undefined;
    const state = taskStateOf(facts, final);
    const neverRan = state === 'CANCELLED' && !facts?.started;
    return {
      index,
      state,
      started: facts?.started,
      stopped: facts?.stopped ?? jobStopped,
      exitCode: state === 'SUCCEEDED' ? 0 : containerExitCode(state, facts?.exitCode),
      message: neverRan ? 'never ran: the job ended first' : messageOf(state, facts?.exitCode, timeoutSeconds),
    };
  });
}

function taskStateOf(facts: ReturnType<typeof taskFactsOf> | undefined, jobFinal: boolean): ExecutionState {
  if (facts?.state === 'SUCCEEDED') return 'SUCCEEDED';
  if (facts?.state === 'FAILED') return facts.exitCode === TIMEOUT_EXIT_CODE ? 'TIMED_OUT' : 'FAILED';
  if (jobFinal) return 'CANCELLED';
  return facts?.state === 'RUNNING' ? 'RUNNING' : 'PENDING';
}
