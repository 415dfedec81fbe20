import { NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import { outcomeOfPollError, type Awaited, type PollLocation, type PollOutcome } from '../shared/poll-location.js';
import type { CloudRunApi, RunExecution } from './cloudrun-api.js';
import { stateOf, statusOf } from './cloudrun-mapper.js';
import { executionPages } from './execution-pages.js';
import type { ExecutionLookup } from './execution-lookup.js';

/** ListExecutions calls one poll of a location makes at most (README, Cloud Run): the awaited ones are usually the newest. */
export const POLL_MAX_PAGES = 3;

/**
 * Cloud Run's poll of one location for the shared poller: ListExecutions on `jobs/-`, paged until every
 * awaited execution was seen, the pages end or POLL_MAX_PAGES were read, then GetExecution for an awaited one
 * the listing missed (older than those pages, or not listed yet). An id known by no name yet (launched by
 * another process) is searched once by the lookup (bounded, see ExecutionLookup); found, it has a name from
 * then on, else its wait ends NotFound. ListExecutions has no filter or order; Cloud Run lists the newest first.
 */
export function cloudRunPollLocation(api: CloudRunApi, lookup: ExecutionLookup): PollLocation {
  return async (location, awaited, stillAwaited) => {
    const outcomes = new Map<string, PollOutcome>();
    const found = new Map<string, RunExecution>();
    const named: Awaited[] = [];
    for (const one of awaited) {
      const name = one.name ?? lookup.knownName(one.executionId);
      if (name) named.push({ ...one, name });
      else await searchFor(lookup, one, found, outcomes); // one after the other: a second search reads only what is new
    }
    try {
      for (const [executionId, execution] of await listAwaited(api, location, named)) found.set(executionId, execution);
    } catch (error) {
      for (const { executionId } of named) outcomes.set(executionId, outcomeOfPollError(error, executionId));
    }
    const names = new Map(named.map((one) => [one.executionId, one.name]));
    const open = awaited.filter((one) => !outcomes.has(one.executionId)).map((one) => ({ ...one, name: names.get(one.executionId) }));
    await Promise.all(open.map(async (one) => outcomes.set(one.executionId, await outcomeOf(api, lookup, one, found.get(one.executionId), stillAwaited))));
    return outcomes;
  };
}

/** An id known by no name: the lookup's bounded search, found or NotFound (a failed search: per its error). */
async function searchFor(lookup: ExecutionLookup, { executionId }: Awaited, found: Map<string, RunExecution>, outcomes: Map<string, PollOutcome>): Promise<void> {
  try {
    const execution = await lookup.find(executionId);
    if (execution) found.set(executionId, execution);
    else outcomes.set(executionId, { kind: 'failed', error: notFound(executionId, undefined) });
  } catch (error) {
    outcomes.set(executionId, outcomeOfPollError(error, executionId));
  }
}

/** Awaited executions (each named) found in at most POLL_MAX_PAGES pages of the listing, by smartjob id. */
async function listAwaited(api: CloudRunApi, location: string, awaited: readonly Awaited[]): Promise<Map<string, RunExecution>> {
  const found = new Map<string, RunExecution>();
  if (awaited.length === 0) return found;
  const byName = new Map(awaited.map(({ executionId, name }) => [name as string, executionId]));
  for await (const page of executionPages(api, `${location}/jobs/-`, POLL_MAX_PAGES)) {
    for (const execution of page) {
      const executionId = byName.get(execution.name ?? '');
      if (executionId !== undefined) found.set(executionId, execution);
    }
    if (found.size === awaited.length) break; // the rest of the pages holds nothing awaited
  }
  return found;
}

async function outcomeOf(
  api: CloudRunApi,
  lookup: ExecutionLookup,
  { executionId, name }: Awaited,
  listed: RunExecution | undefined,
  stillAwaited: (executionId: string) => boolean,
): Promise<PollOutcome> {
  try {
    const execution = listed ?? (name ? await api.getExecution(name) : undefined);
    if (!execution) return { kind: 'failed', error: notFound(executionId, name) };
    if (!name) lookup.remember(executionId, execution.name as string);
    const state = stateOf(execution);
    if (state === 'RUNNING') return runningOutcome(execution);
    if (!isFinal(state) || !stillAwaited(executionId)) return { kind: 'pending' };
    const status = await lookup.statusOf(execution); // for a failed one, ListTasks gives its exit code
    return status ? { kind: 'final', status } : { kind: 'failed', error: notFound(executionId, name) };
  } catch (error) {
    return outcomeOfPollError(error, executionId);
  }
}

/** The status of a running execution comes from the listing itself: telling `onRunning` costs no call. */
function runningOutcome(execution: RunExecution): PollOutcome {
  const status = statusOf(execution, undefined);
  return status ? { kind: 'running', status } : { kind: 'pending' };
}

function notFound(executionId: string, name: string | undefined): NotFoundError {
  const what = `execution '${executionId}'`;
  return new NotFoundError(what, name ? `${what} (${name}) no longer exists on Cloud Run` : `${what} was not found on the cloudrun backend`);
}
