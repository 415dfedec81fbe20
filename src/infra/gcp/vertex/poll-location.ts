import { NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import { outcomeOfPollError, type Awaited, type PollLocation, type PollOutcome } from '../shared/poll-location.js';
import type { CustomJobLookup } from './custom-job-lookup.js';
import type { CustomJob, VertexApi } from './vertex-api.js';
import { executionIdsFilter, MAX_IDS_PER_FILTER } from './vertex-filters.js';
import { recordOfJob, statusOf } from './vertex-mapper.js';

/**
 * Vertex's poll of one location for the shared poller: one ListCustomJobs whose filter names every awaited
 * execution by its label (one per 50 of them), so the number of calls per tick does not grow with the waits:
 * Vertex allows 600 resource-management requests per minute per project and region. A job the listing misses
 * although its name is known is read with GetCustomJob (gone: NotFoundError). A failed listing is an outcome
 * for every execution it would have answered (transient: still running, the poller backs off), and ends the tick.
 */
export function vertexPollLocation(api: VertexApi, lookup: CustomJobLookup): PollLocation {
  return async (location, awaited, stillAwaited) => {
    const outcomes = new Map<string, PollOutcome>();
    for (let start = 0; start < awaited.length; start += MAX_IDS_PER_FILTER) {
      const chunk = awaited.slice(start, start + MAX_IDS_PER_FILTER);
      let listed: Map<string, CustomJob>;
      try {
        listed = await listAwaited(api, location, chunk);
      } catch (error) {
        // Throttled or refused: the calls left in this tick would be too.
        for (const { executionId } of awaited.slice(start)) outcomes.set(executionId, outcomeOfPollError(error, executionId));
        return outcomes;
      }
      for (const one of chunk) {
        outcomes.set(one.executionId, await outcomeOf(api, lookup, location, one, listed.get(one.executionId), stillAwaited));
      }
    }
    return outcomes;
  };
}

async function listAwaited(api: VertexApi, location: string, awaited: readonly Awaited[]): Promise<Map<string, CustomJob>> {
  const found = new Map<string, CustomJob>();
  const filter = executionIdsFilter(awaited.map((a) => a.executionId));
  for await (const job of api.listCustomJobs(location, filter, awaited.length)) {
    const executionId = recordOfJob(job)?.executionId;
    if (executionId !== undefined && !found.has(executionId)) found.set(executionId, job);
  }
  return found;
}

async function outcomeOf(
  api: VertexApi,
  lookup: CustomJobLookup,
  location: string,
  { executionId, name }: Awaited,
  listed: CustomJob | undefined,
  stillAwaited: (executionId: string) => boolean,
): Promise<PollOutcome> {
  try {
    if (!listed && name && !stillAwaited(executionId)) return { kind: 'pending' }; // every wait was aborted: no read
    const job = listed ?? (name ? await api.getCustomJob(name) : undefined);
    const status = job && statusOf(job);
    if (!job || !status) return { kind: 'failed', error: notFound(executionId, name) };
    if (!name) lookup.remember(executionId, job.name as string, location);
    if (isFinal(status.state)) return { kind: 'final', status };
    return status.state === 'RUNNING' ? { kind: 'running', status } : { kind: 'pending' }; // 'running': the waits' onRunning
  } catch (error) {
    return outcomeOfPollError(error, executionId);
  }
}

function notFound(executionId: string, name: string | undefined): NotFoundError {
  const what = `execution '${executionId}'`;
  return new NotFoundError(what, name ? `${what} (${name}) no longer exists on Vertex AI` : `${what} was not found on the vertex backend`);
}
