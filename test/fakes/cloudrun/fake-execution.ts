import { randomBytes, randomUUID } from 'node:crypto';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { condition, setCondition, type ExecutionRecord, type FakeState } from './fake-state.js';
import { timestamp, type ICondition, type IEnvVar, type IJob, type IRunJobRequest, type ITaskTemplate } from './protos.js';

export const TIMEOUT_MESSAGE = 'The configured timeout was reached.';

/** The execution RunJob creates: the job's task template with the request's overrides applied. */
export function newExecutionRecord(job: IJob, request: IRunJobRequest, consoleBase: string): ExecutionRecord {
  const jobName = job.name as string;
  const jobId = jobName.split('/').pop() as string;
  const shortId = `${jobId}-${randomSuffix()}`;
  const name = `${jobName}/executions/${shortId}`;
  const template = applyOverrides(structuredClone(job.template?.template ?? {}), request.overrides ?? undefined);
  const taskCount = request.overrides?.taskCount || job.template?.taskCount || 1;
  if (taskCount !== 1) throw new RpcError(grpc.status.UNIMPLEMENTED, `the fake runs one task per execution, got taskCount ${taskCount}`);
  const now = timestamp(new Date());
  const [project, , region] = jobName.split('/').slice(1);
  const logUri = `${consoleBase}/run/jobs/executions/details/${region}/${shortId}/logs?project=${project}`;
  return {
    name,
    jobName,
    operationName: `projects/${project}/locations/${region}/operations/${randomUUID()}`,
    execution: {
      name, uid: randomUUID(), generation: 1, observedGeneration: 1, job: jobName,
      labels: { ...(job.template?.labels ?? {}) }, annotations: { ...(job.template?.annotations ?? {}) },
      createTime: now, updateTime: now, parallelism: 1, taskCount, template, reconciling: true, logUri,
      runningCount: 0, succeededCount: 0, failedCount: 0, cancelledCount: 0, retriedCount: 0,
      conditions: [condition('ResourcesAvailable', 'CONDITION_RECONCILING'), condition('Started', 'CONDITION_PENDING'), condition('Completed', 'CONDITION_PENDING')],
    },
    task: {
      name: `${name}/tasks/${shortId}-task0`, uid: randomUUID(), job: jobName, execution: name, index: 0, retried: 0,
      createTime: now, containers: template.containers ?? [], volumes: template.volumes ?? [], maxRetries: template.maxRetries ?? 3,
      timeout: template.timeout ?? { seconds: 600 }, serviceAccount: template.serviceAccount ?? '', logUri, conditions: [],
    },
    containers: [],
  };
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

export function markRunning(record: ExecutionRecord, attempt: number): void {
  const { execution, task } = record;
  const now = timestamp(new Date());
  execution.startTime ??= now;
  task.startTime ??= now;
  execution.runningCount = 1;
  execution.updateTime = now;
  setCondition(execution.conditions as ICondition[], condition('ResourcesAvailable', 'CONDITION_SUCCEEDED'));
  setCondition(execution.conditions as ICondition[], condition('Started', 'CONDITION_SUCCEEDED'));
  setCondition(execution.conditions as ICondition[], condition('Completed', 'CONDITION_RECONCILING'));
  task.retried = attempt;
  if (attempt > 0) execution.retriedCount = 1;
}

export type Ending =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly exitCode: number | undefined; readonly message: string }
  | { readonly kind: 'timedOut' }
  | { readonly kind: 'cancelled' };

/** Final counts, the `Completed` condition and the RunJob operation's error, as Cloud Run reports them. */
export function finish(record: ExecutionRecord, ending: Ending): void {
  const { execution, task } = record;
  const now = timestamp(new Date());
  Object.assign(execution, { completionTime: now, updateTime: now, runningCount: 0, reconciling: false });
  task.completionTime = now;
  const conditions = execution.conditions as ICondition[];
  switch (ending.kind) {
    case 'succeeded':
      execution.succeededCount = 1;
      setCondition(conditions, condition('Completed', 'CONDITION_SUCCEEDED', { message: 'Execution completed successfully.' }));
      break;
    case 'failed':
      execution.failedCount = 1;
      setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: ending.message, executionReason: 'NON_ZERO_EXIT_CODE', severity: 'ERROR' }));
      record.failure = { code: grpc.status.ABORTED, message: ending.message };
      break;
    case 'timedOut':
      execution.failedCount = 1;
      setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: TIMEOUT_MESSAGE, severity: 'ERROR' }));
      record.failure = { code: grpc.status.DEADLINE_EXCEEDED, message: TIMEOUT_MESSAGE };
      break;
    case 'cancelled':
      execution.cancelledCount = 1;
      setCondition(conditions, condition('Completed', 'CONDITION_FAILED', { message: 'The execution was cancelled.', executionReason: 'CANCELLED' }));
      record.failure = { code: grpc.status.CANCELLED, message: 'The execution was cancelled.' };
      break;
  }
  task.conditions = [conditions.find((c) => c.type === 'Completed') as ICondition];
}

/** The job's `latestCreatedExecution` follows the end of that execution. */
export function updateJobReference(state: FakeState, record: ExecutionRecord): void {
  const latest = state.jobs.get(record.jobName)?.latestCreatedExecution;
  if (latest?.name !== record.name) return;
  const e = record.execution;
  latest.completionTime = e.completionTime;
  latest.completionStatus = e.succeededCount ? 'EXECUTION_SUCCEEDED' : e.cancelledCount ? 'EXECUTION_CANCELLED' : 'EXECUTION_FAILED';
}

/** Cloud Run names executions `<job>-<5 lowercase letters or digits>`. */
function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}
