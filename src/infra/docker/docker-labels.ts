import type { LaunchSpec } from '../../domain/ports/executor.port.js';
import { recordOf } from '../shared/execution-record.js';

/** The container's labels: the execution record (the only one there is: no local database) and the user's labels. */
export function labelsFor(spec: LaunchSpec): Record<string, string> {
  return { ...prefixed(spec.config.labels ?? {}), ...recordOf(spec) };
}

/** User labels are namespaced so they can never overwrite the SDK's own. */
function prefixed(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [`smartjob.user.${k}`, v]));
}

export function containerName(spec: Pick<LaunchSpec, 'jobNamespace' | 'jobName' | 'executionId'>): string {
  return `smartjob-${spec.jobNamespace}-${spec.jobName}-${spec.executionId}`;
}
