import { NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import { outcomeOfPollError, type Awaited, type PollLocation, type PollOutcome } from '../shared/poll-location.js';
import type { BatchJob, CloudBatchApi } from './cloudbatch-api.js';
import { isBeingDeleted, recordOfJob, stateOf, statusOf } from './cloudbatch-mapper.js';
import { awaitedJobsFilter, MAX_IDS_PER_FILTER } from './job-filter.js';
import type { JobLookup } from './job-lookup.js';

/**
 * Batch's poll of one location for the shared poller: one ListJobs whose label filter selects the awaited jobs,
 * paged until every one was seen, then GetJob only for an awaited job the listing missed (created after the
 * listing began, or deleted). A job that no longer exists is a NotFoundError, not a wait without end. A job seen
 * RUNNING is answered 'running' with its status from the same listing (the waits' onRunning), at no extra call.
 */
export function cloudBatchPollLocation(api: CloudBatchApi, lookup: JobLookup): PollLocation {
  return async (location, awaited, stillAwaited) => {
    const outcomes = new Map<string, PollOutcome>();
    let listed: Map<string, BatchJob>;
    try {
      listed = await listAwaited(api, lookup, location, awaited);
    } catch (error) {
      for (const { executionId } of awaited) outcomes.set(executionId, outcomeOfPollError(error, executionId));
      return outcomes;
    }
    await Promise.all(awaited.map(async (one) => {
      outcomes.set(one.executionId, await outcomeOf(api, lookup, one, listed.get(one.executionId), stillAwaited));
    }));
    return outcomes;
  };
}

async function listAwaited(api: CloudBatchApi, lookup: JobLookup, location: string, awaited: readonly Awaited[]): Promise<Map<string, BatchJob>> {
  const wanted = new Set(awaited.map((a) => a.executionId));
  const filter = awaitedJobsFilter(awaited.map(({ executionId }) => ({ executionId, namespace: lookup.namespaceOf(executionId) })));
  // A filter wider than the ids pages through other jobs too: the newest first, where the awaited ones are.
  const orderBy = awaited.length > MAX_IDS_PER_FILTER ? 'create_time desc' : '';
  const found = new Map<string, BatchJob>();
  for await (const job of api.listJobs(location, filter, orderBy)) {
    const executionId = recordOfJob(job)?.executionId;
    if (executionId === undefined || !wanted.has(executionId) || found.has(executionId)) continue;
    found.set(executionId, job);
    if (found.size === wanted.size) break; // the rest of the pages holds nothing awaited
  }
  return found;
}

async function outcomeOf(
  api: CloudBatchApi,
  lookup: JobLookup,
  { executionId, name }: Awaited,
  listed: BatchJob | undefined,
  stillAwaited: (executionId: string) => boolean,
): Promise<PollOutcome> {
  try {
    const job = listed ?? (name ? await api.getJob(name) : undefined);
    if (!job || isBeingDeleted(job)) {
      const cancelled = lookup.cancelledByDeletion(executionId);
      return cancelled ? { kind: 'final', status: cancelled } : { kind: 'failed', error: notFound(executionId, name ?? job?.name ?? undefined, job !== undefined) };
    }
    const record = recordOfJob(job);
    if (record) lookup.remember(executionId, job.name as string, record.jobNamespace);
    const state = stateOf(job);
    const running = state === 'RUNNING' ? statusOf(job) : undefined;
    if (running) return { kind: 'running', status: running };
    if (!isFinal(state) || !stillAwaited(executionId)) return { kind: 'pending' };
    const status = await lookup.statusOf(job); // an array's tasks: one ListTasks at the end
    return status ? { kind: 'final', status } : { kind: 'failed', error: notFound(executionId, name, false) };
  } catch (error) {
    return outcomeOfPollError(error, executionId);
  }
}

function notFound(executionId: string, name: string | undefined, beingDeleted: boolean): NotFoundError {
  const what = `execution '${executionId}'`;
  if (beingDeleted) return new NotFoundError(what, `${what}: its Batch job ${name} is being deleted`);
  return new NotFoundError(what, name ? `${what}: its Batch job ${name} no longer exists` : `${what} was not found on the cloudbatch backend`);
}
