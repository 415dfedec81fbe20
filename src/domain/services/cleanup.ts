import { ValidationError } from '../errors.js';
import { FINAL_STATES, isFinal } from '../execution.js';
import type { ExecutorPort } from '../ports/executor.port.js';
import type { StoragePort } from '../ports/storage.port.js';
import type { ExecutionStatus } from '../result.js';
import { readArchivedStatus } from './archive.js';

export interface CleanupOptions {
  /** Only executions that stopped at least this long ago. @default 0 */
  readonly olderThanSeconds?: number;
  readonly namespace?: string;
}

/**
 * A staging directory with no backend record and no archived status is left alone this long after its
 * creation: it may belong to an execution being launched right now.
 */
const UNRECORDED_GRACE_MS = 3_600_000;

/**
 * Removes finished executions: their backend objects and staging directories, then (where the backend forgets
 * executions, see ExecutorPort.releaseDeletesRecord) the staging directories no backend object speaks for.
 * Never a running execution.
 */
export async function cleanupExecutions(executor: ExecutorPort, storage: StoragePort, options: CleanupOptions, now: Date): Promise<string[]> {
  const olderThan = options.olderThanSeconds ?? 0;
  if (typeof olderThan !== 'number' || !(olderThan >= 0)) throw new ValidationError('olderThanSeconds', 'must be a number >= 0', olderThan);
  const cutoff = now.getTime() - olderThan * 1000;
  const { namespace } = options;
  const scanStaging = executor.releaseDeletesRecord === true;
  // the staging scan needs every backend record, of every namespace and state, to know which directories are spoken for
  const known = await executor.list(scanStaging ? {} : { namespace, states: FINAL_STATES });
  const removed: string[] = [];
  for (const status of known) {
    if ((namespace && status.jobNamespace !== namespace) || !finishedBefore(status, cutoff)) continue;
    await executor.remove(status.executionId);
    await storage.remove(status.baseDir);
    removed.push(status.executionId);
  }
  if (!scanStaging) return removed;
  const spokenFor = new Set(known.map((s) => s.baseDir));
  const dirs = await storage.listExecutionDirectories({ prefix: namespace && `${namespace}-`, modifiedBefore: new Date(cutoff) });
  for (const dir of dirs) {
    if (spokenFor.has(dir) || !(await removable(storage, dir, namespace, cutoff, now))) continue;
    await storage.remove(dir);
    removed.push(dir.slice(dir.lastIndexOf('/') + 1));
  }
  return removed;
}

function finishedBefore(status: ExecutionStatus, cutoff: number): boolean {
  return isFinal(status.state) && (status.stopped?.getTime() ?? Infinity) <= cutoff;
}

/**
 * An archived status tells the namespace and the stop time. Without one, `<namespace>-<name>` cannot say the
 * namespace (both may hold hyphens): such a directory goes only when no namespace is asked for.
 */
async function removable(storage: StoragePort, dir: string, namespace: string | undefined, cutoff: number, now: Date): Promise<boolean> {
  const archived = await readArchivedStatus(storage, dir);
  if (archived) return (!namespace || archived.jobNamespace === namespace) && finishedBefore(archived, cutoff);
  const created = createdOf(dir);
  return !namespace && created !== undefined && created < now.getTime() - UNRECORDED_GRACE_MS;
}

/** The creation minute an execution directory's path records (`…/<YYYY-MM-DD>/<HHMM>/<id>`, UTC). */
function createdOf(dir: string): number | undefined {
  const [, day, hhmm] = dir.split('/');
  const time = Date.parse(`${day}T${hhmm?.slice(0, 2)}:${hhmm?.slice(2)}:00Z`);
  return Number.isNaN(time) ? undefined : time;
}
