import { randomBytes, randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { condition, type ExecutionRecord, type FakeState, type TaskRecord } from './fake-state.js';
import { timestamp, type IEnvVar, type IJob, type IRunJobRequest, type ITask, type ITaskTemplate } from './protos.js';

/** Cloud Run's limit on an execution's task count. */
export const MAX_TASK_COUNT = 10_000;

/**
 * The execution RunJob creates: the job's task template with the request's overrides applied, and its tasks
 * (the override's task count, else the template's), all pending. Parallelism comes from the job template
 * (RunJob cannot override it); 0 or unset means every task at once.
 */
export function newExecutionRecord(job: IJob, request: IRunJobRequest, consoleBase: string): ExecutionRecord {
  const jobName = job.name as string;
  const jobId = jobName.split('/').pop() as string;
  const shortId = `${jobId}-${randomSuffix()}`;
  const name = `${jobName}/executions/${shortId}`;
  const template = applyOverrides(structuredClone(job.template?.template ?? {}), request.overrides ?? undefined);
  const taskCount = request.overrides?.taskCount || job.template?.taskCount || 1;
  if (taskCount < 1 || taskCount > MAX_TASK_COUNT) throw new RpcError(grpc.status.INVALID_ARGUMENT, `task_count must be 1-${MAX_TASK_COUNT}, got ${taskCount}`);
  const parallelism = Math.min(job.template?.parallelism || taskCount, taskCount);
  const now = timestamp(new Date());
  const [project, , region] = jobName.split('/').slice(1);
  const logUri = `${consoleBase}/run/jobs/executions/details/${region}/${shortId}/logs?project=${project}`;
  const containers: Docker.Container[] = [];
  const newTask = (index: number): ITask => ({
    name: `${name}/tasks/${shortId}-task${index}`, uid: randomUUID(), job: jobId, execution: shortId, index, retried: 0,
    createTime: now, containers: template.containers ?? [], volumes: template.volumes ?? [], maxRetries: template.maxRetries ?? 3,
    timeout: template.timeout ?? { seconds: 600 }, serviceAccount: template.serviceAccount ?? '', logUri,
    conditions: [condition('Started', 'CONDITION_PENDING'), condition('Completed', 'CONDITION_PENDING')],
  });
  const record: ExecutionRecord = {
    name,
    jobName,
    operationName: `projects/${project}/locations/${region}/operations/${randomUUID()}`,
    execution: {
      // `job` is the parent job's short id, as Cloud Run answers it (not its resource name).
      name, uid: randomUUID(), generation: 1, observedGeneration: 1, job: jobId,
      labels: { ...(job.template?.labels ?? {}) }, annotations: { ...(job.template?.annotations ?? {}) },
      createTime: now, updateTime: now, parallelism, taskCount, template, reconciling: true, logUri,
      runningCount: 0, succeededCount: 0, failedCount: 0, cancelledCount: 0, retriedCount: 0,
      conditions: [condition('ResourcesAvailable', 'CONDITION_RECONCILING'), condition('Started', 'CONDITION_PENDING'), condition('Completed', 'CONDITION_PENDING')],
    },
    tasks: Array.from({ length: taskCount }, (_, index): TaskRecord => ({
      task: newTask(index),
      containers,
      get stopRequested() {
        return record.stopRequested;
      },
    })),
    containers,
    peakRunning: 0,
  };
  return record;
}

function applyOverrides(template: ITaskTemplate, overrides: IRunJobRequest['overrides'] | undefined): ITaskTemplate {
  if (overrides?.timeout) template.timeout = overrides.timeout;
  for (const override of overrides?.containerOverrides ?? []) {
    const containers = template.containers ?? [];
    const target = override.name ? containers.find((c) => c.name === override.name) : containers[0];
    if (!target) throw new RpcError(grpc.status.INVALID_ARGUMENT, `no container named '${override.name}' to override`);
    if (override.clearArgs) target.args = [];
    if (override.args && override.args.length > 0) target.args = [...override.args];
    target.env = mergeEnv(target.env ?? [], override.env ?? []);
  }
  return template;
}

function mergeEnv(base: readonly IEnvVar[], overrides: readonly IEnvVar[]): IEnvVar[] {
  const names = new Set(overrides.map((e) => e.name));
  return [...base.filter((e) => !names.has(e.name)), ...overrides];
}

/** The job's `latestCreatedExecution` follows the end of that execution. */
export function updateJobReference(state: FakeState, record: ExecutionRecord): void {
  const latest = state.jobs.get(record.jobName)?.latestCreatedExecution;
  if (latest?.name !== record.name) return;
  const e = record.execution;
  latest.completionTime = e.completionTime;
  latest.completionStatus = !record.failure ? 'EXECUTION_SUCCEEDED' : record.failure.code === grpc.status.CANCELLED ? 'EXECUTION_CANCELLED' : 'EXECUTION_FAILED';
}

/** Cloud Run names executions `<job>-<5 lowercase letters or digits>`. */
function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}
