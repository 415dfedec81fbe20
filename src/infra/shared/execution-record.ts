import { baseDirOf } from '../../domain/execution.js';
import type { LaunchSpec } from '../../domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../domain/result.js';

/**
 * What smartjob records on each backend object, so that a process holding only an execution id finds it and
 * rebuilds its status and result (no local database): Docker container labels, the env of Cloud Run's RunJob
 * override, Batch and Vertex job labels. One set of keys and values for all of them: keys and values are
 * lowercase `[a-z0-9_]`, at most 63 characters, keys starting with a letter (GCP label rules), and the
 * underscores keep the keys valid environment variable names and plain filter fields (`labels.smartjob_name="x"`).
 * Times are epoch milliseconds (a label value cannot hold ':' or '.'); the staging directory is not recorded
 * but derived (`baseDirOf`).
 */
export const RECORD_KEYS = {
  /** 'true' on every object smartjob created: list filters select on it. */
  managed: 'smartjob',
  executionId: 'smartjob_execution_id',
  namespace: 'smartjob_namespace',
  name: 'smartjob_name',
  created: 'smartjob_created_ms',
  timeout: 'smartjob_timeout_ms',
} as const;

/** What the record gives back: the fields of a status a backend cannot know by itself. */
export type ExecutionRecord = Pick<ExecutionStatus, 'executionId' | 'jobNamespace' | 'jobName' | 'created' | 'timeoutSeconds' | 'baseDir'>;

const ID_RULE = /^[a-z0-9][a-z0-9-]{0,62}$/;
const NAME_RULE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const MILLIS_RULE = /^[1-9][0-9]{0,15}$/;

/** The record of a launch, as string pairs every backend can store. */
export function recordOf(spec: Pick<LaunchSpec, 'executionId' | 'jobNamespace' | 'jobName' | 'created' | 'config'>): Record<string, string> {
  return {
    [RECORD_KEYS.managed]: 'true',
    [RECORD_KEYS.executionId]: spec.executionId,
    [RECORD_KEYS.namespace]: spec.jobNamespace,
    [RECORD_KEYS.name]: spec.jobName,
    [RECORD_KEYS.created]: String(spec.created.getTime()),
    [RECORD_KEYS.timeout]: String(Math.ceil(spec.config.timeout.timeoutSeconds * 1000)),
  };
}

/**
 * The record in a backend object's labels (or env); undefined unless every field is there and well formed
 * (an object smartjob did not create, or a damaged one). Other keys are ignored.
 */
export function parseRecord(pairs: Readonly<Record<string, string | undefined>> | undefined): ExecutionRecord | undefined {
  if (!pairs || pairs[RECORD_KEYS.managed] !== 'true') return undefined;
  const executionId = pairs[RECORD_KEYS.executionId] ?? '';
  const jobNamespace = pairs[RECORD_KEYS.namespace] ?? '';
  const jobName = pairs[RECORD_KEYS.name] ?? '';
  const created = pairs[RECORD_KEYS.created] ?? '';
  const timeout = pairs[RECORD_KEYS.timeout] ?? '';
  const valid = ID_RULE.test(executionId) && jobNamespace.length <= 20 && NAME_RULE.test(jobNamespace) && jobName.length <= 40
    && NAME_RULE.test(jobName) && MILLIS_RULE.test(created) && MILLIS_RULE.test(timeout);
  const createdAt = new Date(Number(created));
  if (!valid || Number.isNaN(createdAt.getTime())) return undefined;
  return {
    executionId,
    jobNamespace,
    jobName,
    created: createdAt,
    timeoutSeconds: Number(timeout) / 1000,
    baseDir: baseDirOf({ namespace: jobNamespace, name: jobName, id: executionId, created: createdAt }),
  };
}
