import type { ExecutionState } from '../../../domain/execution.js';
import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import { parseSecretVersion } from '../../../domain/secret-refs.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { attemptTimeoutSeconds } from '../shared/attempt-timeout.js';
import { CONSOLE_BASE } from '../shared/gcp-options.js';
import type { StagingBucket } from '../shared/gcp-settings.js';
import { parseRecord, RECORD_KEYS, recordOf, type ExecutionRecord } from '../../shared/execution-record.js';
import { dateOf, enumIs, wholeSecondsDuration } from '../shared/protobuf.js';
import type { RunCondition, RunContainer, RunEnvVar, RunExecution, RunJob, RunJobRequest, RunTask, RunTaskTemplate } from './cloudrun-api.js';
import { ARRAY_MARKER, MAIN_CONTAINER, SHARED_MOUNT, STAGING_MOUNT, TASK_WRAPPER } from './cloudrun-options.js';
import type { JobDefinition } from './job-definition.js';

/**
 * Cloud Run's messages, pure: a job definition → its Job, a launch → its RunJob request, an Execution → its
 * status. No client, no I/O: unit-tested on their own (test/unit/cloudrun/).
 */

/** The `Completed` condition message Cloud Run sets when a task hit its timeout. */
export const TIMEOUT_REACHED = 'The configured timeout was reached.';

const STAGING_VOLUME = 'staging';
const SHARED_VOLUME = 'shared';

/** Labels of the Job and of its executions: ours cannot be overridden by the user's; values lowercase. */
export function jobLabels(definition: JobDefinition): Record<string, string> {
  const user = Object.fromEntries(Object.entries(definition.labels).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  return { ...user, [RECORD_KEYS.managed]: 'true', [RECORD_KEYS.namespace]: definition.namespace, [RECORD_KEYS.name]: definition.name };
}

/**
 * The Cloud Run Job of a definition: one task, the staging bucket mounted at /staging, explicit task retries
 * (unset means 3 on Cloud Run), and sidecars sharing an in-memory volume with the job. Args, env, the task
 * count and the timeout of each run come from RunJob overrides. An array's Job adds what RunJob cannot
 * override: its parallelism (the template's task count too, keeping parallelism ≤ task count) and the task
 * wrapper as the job container's command.
 */
export function buildJob(definition: JobDefinition, stagingBucket: StagingBucket, initialTimeoutSeconds: number): RunJob {
  const labels = jobLabels(definition);
  const hasSidecars = definition.sidecars.length > 0;
  const mounts = [{ name: STAGING_VOLUME, mountPath: STAGING_MOUNT }, ...(hasSidecars ? [{ name: SHARED_VOLUME, mountPath: SHARED_MOUNT }] : [])];
  const main: RunContainer = {
    name: MAIN_CONTAINER, image: definition.image, volumeMounts: mounts, resources: resourcesOf(definition),
    ...(definition.array && { command: [...TASK_WRAPPER] }),
  };
  const sidecars: RunContainer[] = definition.sidecars.map((s) => ({
    name: s.name,
    image: s.dockerImage,
    args: [...(s.args ?? [])],
    env: Object.entries(s.env ?? {}).map(([name, value]) => ({ name, value })),
    volumeMounts: mounts,
  }));
  const template: RunTaskTemplate = {
    containers: [main, ...sidecars],
    volumes: [
      { name: STAGING_VOLUME, gcs: { bucket: stagingBucket.bucket, readOnly: false, mountOptions: stagingBucket.prefix ? [`only-dir=${stagingBucket.prefix}`] : [] } },
      ...(hasSidecars ? [{ name: SHARED_VOLUME, emptyDir: { medium: 'MEMORY' as const } }] : []),
    ],
    maxRetries: definition.maxRetries,
    timeout: wholeSecondsDuration(initialTimeoutSeconds),
    serviceAccount: definition.serviceAccount,
    vpcAccess: vpcAccessOf(definition),
  };
  const parallelism = definition.array?.parallelism ?? 1;
  return { labels, client: 'smartjob', template: { labels, taskCount: parallelism, parallelism, template } };
}

/**
 * RunJob with this execution's args, env, task count (1, or the array's) and its timeout per task attempt (the
 * execution's timeout shared out over its attempts: attemptTimeoutSeconds). The
 * execution record goes into the env: Cloud Run copies overrides into the Execution's task template, and
 * RunJob overrides cannot set labels.
 */
export function runJobRequest(jobName: string, spec: LaunchSpec): RunJobRequest {
  const plain = { ...spec.env, ...recordOf(spec), ...(spec.array && { [ARRAY_MARKER]: 'true' }) };
  const env = [...Object.entries(plain).map(([name, value]) => ({ name, value })), ...secretRefEnv(spec.secretRefs)];
  return {
    name: jobName,
    overrides: {
      // Empty args keep the image's own command: a single run's template sets none (an array needs args).
      containerOverrides: [{ name: MAIN_CONTAINER, args: [...spec.args], env }],
      taskCount: spec.array?.count ?? 1,
      timeout: wholeSecondsDuration(attemptTimeoutSeconds(spec.config)),
    },
  };
}

/** Secret Manager references as env variables Cloud Run resolves when the task starts: the value never passes through here. */
function secretRefEnv(refs: Readonly<Record<string, string>>): RunEnvVar[] {
  return Object.entries(refs).map(([name, ref]) => {
    const { project, secret, version } = parseSecretVersion(ref);
    return { name, valueSource: { secretKeyRef: { secret: `projects/${project}/secrets/${secret}`, version } } };
  });
}

function resourcesOf(definition: JobDefinition): RunContainer['resources'] {
  const limits: Record<string, string> = {};
  if (definition.cpu !== undefined) limits.cpu = String(definition.cpu);
  if (definition.memoryGb !== undefined) limits.memory = `${Math.ceil(definition.memoryGb * 1024)}Mi`;
  return Object.keys(limits).length > 0 ? { limits } : undefined;
}

/** Direct VPC egress through the given network/subnetwork (Cloud Run looks up the one not given). */
function vpcAccessOf(definition: JobDefinition): RunTaskTemplate['vpcAccess'] {
  if (!definition.vpcNetwork && !definition.vpcSubnetwork) return undefined;
  return { networkInterfaces: [{ network: definition.vpcNetwork, subnetwork: definition.vpcSubnetwork }], egress: 'PRIVATE_RANGES_ONLY' };
}

/** The `Completed` condition of an execution or a task: whether and how it ended. */
export function completedCondition(resource: RunExecution | RunTask): RunCondition | undefined {
  return (resource.conditions ?? []).find((c) => c.type === 'Completed');
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

/** The exit code of a task's last attempt; 0 on a failed task means none was recorded (e.g. the container never started). */
export function exitCodeOf(task: RunTask | undefined): number | undefined {
  const result = task?.lastAttemptResult;
  return result && result.exitCode ? Number(result.exitCode) : undefined;
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

/** The env of the execution's job container (where smartjob puts its record). */
export function envOfExecution(execution: RunExecution): Record<string, string> {
  const containers = execution.template?.containers ?? [];
  const main = containers.find((c) => c.name === MAIN_CONTAINER) ?? containers[0];
  return Object.fromEntries((main?.env ?? []).map((e) => [e.name ?? '', e.value ?? '']));
}

/** The smartjob record in the env of the execution's main container; undefined when smartjob did not launch it. */
export function recordOfExecution(execution: RunExecution): ExecutionRecord | undefined {
  return parseRecord(envOfExecution(execution));
}

/** Undefined when the execution carries no smartjob record (not launched by smartjob). */
export function statusOf(execution: RunExecution, exitCode: number | undefined): ExecutionStatus | undefined {
  const record = recordOfExecution(execution);
  if (!record) return undefined;
  const state = stateOf(execution);
  const final = state !== 'PENDING' && state !== 'RUNNING';
  return {
    ...record,
    state,
    started: dateOf(execution.startTime),
    stopped: final ? (dateOf(execution.completionTime) ?? dateOf(execution.updateTime) ?? new Date()) : undefined,
    exitCode: state === 'SUCCEEDED' ? 0 : exitCode,
    message: messageOf(completedCondition(execution)?.message || undefined, state, record.timeoutSeconds, 'execution'),
    logUrl: consoleUrlOf(execution.name ?? ''),
  };
}

/** Why an execution or a task did not succeed, from the message of its `Completed` condition. */
export function messageOf(detail: string | undefined, state: ExecutionState, timeoutSeconds: number, what: 'execution' | 'task'): string | undefined {
  switch (state) {
    case 'TIMED_OUT':
      return `timeout of ${timeoutSeconds}s reached (${detail ?? TIMEOUT_REACHED})`;
    case 'FAILED':
      return detail ?? `the ${what} failed`;
    case 'CANCELLED':
      return detail ?? `the ${what} was cancelled`;
    default:
      return undefined;
  }
}
