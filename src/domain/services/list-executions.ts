import type { ExecutorPort, ListFilter } from '../ports/executor.port.js';
import type { StoragePort } from '../ports/storage.port.js';
import type { ExecutionStatus } from '../result.js';
import { readArchivedStatus } from './archive.js';

/**
 * The backend's executions and, where the backend forgets a finished `run` (ExecutorPort.releaseDeletesRecord),
 * those kept in the staging area (status.json next to input/ and output/), so `list` shows what `getStatus`
 * finds. Costs one small read per kept directory of the asked namespace; `cleanup` removes them. Newest first.
 */
export async function listExecutions(executor: ExecutorPort, storage: StoragePort, filter: ListFilter): Promise<ExecutionStatus[]> {
  const live = await executor.list(filter);
  if (!executor.releaseDeletesRecord) return [...live];
  const seen = new Set(live.flatMap((status) => [status.executionId, status.baseDir]));
  const prefix = filter.namespace === undefined ? undefined : `${filter.namespace}-${filter.name ?? ''}`;
  const kept: ExecutionStatus[] = [];
  for (const dir of await storage.listExecutionDirectories({ prefix })) {
    if (seen.has(dir)) continue;
    const status = await readArchivedStatus(storage, dir);
    if (status && !seen.has(status.executionId) && matches(status, filter)) kept.push(status);
  }
  return [...live, ...kept].sort((a, b) => b.created.getTime() - a.created.getTime());
}

function matches(status: ExecutionStatus, filter: ListFilter): boolean {
  return (filter.namespace === undefined || status.jobNamespace === filter.namespace)
    && (filter.name === undefined || status.jobName === filter.name)
    && (filter.states === undefined || filter.states.includes(status.state));
}
