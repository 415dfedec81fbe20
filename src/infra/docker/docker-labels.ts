import type { LaunchSpec } from '../../domain/ports/executor.port.js';

/** Everything needed to rebuild a result from an execution id lives in these labels (no local database). */
export const LABEL = {
  managed: 'smartjob',
  executionId: 'smartjob.execution-id',
  namespace: 'smartjob.namespace',
  name: 'smartjob.name',
  baseDir: 'smartjob.base-dir',
  timeoutSeconds: 'smartjob.timeout-seconds',
  created: 'smartjob.created',
} as const;

export interface ExecutionRecord {
  readonly executionId: string;
  readonly jobNamespace: string;
  readonly jobName: string;
  readonly baseDir: string;
  readonly timeoutSeconds: number;
  readonly created: Date;
}

export function labelsFor(spec: LaunchSpec): Record<string, string> {
  return {
    ...prefixed(spec.config.labels ?? {}),
    [LABEL.managed]: 'true',
    [LABEL.executionId]: spec.executionId,
    [LABEL.namespace]: spec.jobNamespace,
    [LABEL.name]: spec.jobName,
    [LABEL.baseDir]: spec.baseDir,
    [LABEL.timeoutSeconds]: String(spec.timeoutSeconds),
    [LABEL.created]: spec.created.toISOString(),
  };
}

/** undefined when the labels are not a complete smartjob record (a foreign or damaged container). */
export function recordFromLabels(labels: Readonly<Record<string, string>> | undefined): ExecutionRecord | undefined {
  if (!labels || labels[LABEL.managed] !== 'true') return undefined;
  const timeoutSeconds = Number(labels[LABEL.timeoutSeconds]);
  const created = new Date(labels[LABEL.created] ?? '');
  const { [LABEL.executionId]: executionId, [LABEL.namespace]: jobNamespace, [LABEL.name]: jobName, [LABEL.baseDir]: baseDir } = labels;
  if (!executionId || !jobNamespace || !jobName || !baseDir || !(timeoutSeconds > 0) || Number.isNaN(created.getTime())) return undefined;
  return { executionId, jobNamespace, jobName, baseDir, timeoutSeconds, created };
}

/** User labels are namespaced so they can never overwrite the SDK's own. */
function prefixed(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [`smartjob.user.${k}`, v]));
}

export function containerName(spec: Pick<LaunchSpec, 'jobNamespace' | 'jobName' | 'executionId'>): string {
  return `smartjob-${spec.jobNamespace}-${spec.jobName}-${spec.executionId}`;
}
