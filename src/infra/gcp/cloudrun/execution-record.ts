import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import { dateOf } from '../shared/protobuf.js';
import type { RunExecution } from './cloudrun-api.js';
import { MAIN_CONTAINER } from './cloudrun-options.js';

/**
 * What smartjob records on each execution, as env vars of the RunJob container override: Cloud Run copies
 * overrides into the Execution's task template, and RunJob overrides cannot set labels. This is how an
 * execution is found by our id alone (another process, or after a lost RunJob answer).
 */
export const RECORD_ENV = {
  executionId: 'SMARTJOB_EXECUTION_ID',
  namespace: 'SMARTJOB_NAMESPACE',
  name: 'SMARTJOB_NAME',
  baseDir: 'SMARTJOB_BASE_DIR',
  created: 'SMARTJOB_CREATED',
  timeoutSeconds: 'SMARTJOB_TIMEOUT_SECONDS',
} as const;

export interface ExecutionRecord {
  readonly executionId: string;
  readonly namespace: string;
  readonly name: string;
  readonly baseDir: string;
  readonly created: Date;
  readonly timeoutSeconds: number;
}

export function recordEnv(spec: LaunchSpec): Record<string, string> {
  return {
    [RECORD_ENV.executionId]: spec.executionId,
    [RECORD_ENV.namespace]: spec.jobNamespace,
    [RECORD_ENV.name]: spec.jobName,
    [RECORD_ENV.baseDir]: spec.baseDir,
    [RECORD_ENV.created]: spec.created.toISOString(),
    [RECORD_ENV.timeoutSeconds]: String(spec.timeoutSeconds),
  };
}

/** The record of a smartjob execution; undefined for executions smartjob did not launch. */
export function readRecord(execution: RunExecution): ExecutionRecord | undefined {
  const containers = execution.template?.containers ?? [];
  const main = containers.find((c) => c.name === MAIN_CONTAINER) ?? containers[0];
  const env = new Map((main?.env ?? []).map((e) => [e.name, e.value ?? '']));
  const executionId = env.get(RECORD_ENV.executionId);
  if (!executionId) return undefined;
  const created = new Date(env.get(RECORD_ENV.created) ?? '');
  return {
    executionId,
    namespace: env.get(RECORD_ENV.namespace) ?? '',
    name: env.get(RECORD_ENV.name) ?? '',
    baseDir: env.get(RECORD_ENV.baseDir) ?? '',
    created: Number.isNaN(created.getTime()) ? dateOf(execution.createTime) ?? new Date(0) : created,
    timeoutSeconds: Number(env.get(RECORD_ENV.timeoutSeconds) ?? 0),
  };
}
