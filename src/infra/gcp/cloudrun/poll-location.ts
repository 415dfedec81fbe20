import { NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import { outcomeOfPollError, type Awaited, type PollLocation, type PollOutcome } from '../shared/poll-location.js';
import type { CloudRunApi, RunExecution } from './cloudrun-api.js';
import { recordOfExecution, stateOf, statusOf } from './cloudrun-mapper.js';
import type { ExecutionLookup } from './execution-lookup.js';

/**
 * Cloud Run's poll of one location for the shared poller: ListExecutions on `jobs/-`, paged until every
 * awaited execution was seen or the pages end, then GetExecution for an awaited one the listing missed
 * (created after the listing began, or not listed yet). ListExecutions has no filter or order; Cloud Run
 * lists the newest first, where the awaited executions usually are.
 */
export function cloudRunPollLocation(api: CloudRunApi, lookup: ExecutionLookup): PollLocation {
  return async (location, awaited, stillAwaited) => {
    const outcomes = new Map<string, PollOutcome>();
    let listed: Map<string, RunExecution>;
    try {
      listed = await listAwaited(api, location, awaited);
    } catch (error) {
      for (const { executionId } of awaited) outcomes.set(executionId, outcomeOfPollError(error, executionId));
      return outcomes;
    }
    await Promise.all(
      awaited.map(async (one) => outcomes.set(one.executionId, await outcomeOf(api, lookup, one, listed.get(one.executionId), stillAwaited))),
    );
    return outcomes;
  };
}

/** Awaited executions found in the listing, by smartjob id: by name when known, else by their record. */
async function listAwaited(api: CloudRunApi, location: string, awaited: readonly Awaited[]): Promise<Map<string, RunExecution>> {
  const byName = new Map<string, string>();
  const unnamed = new Set<string>();
  for (const { executionId, name } of awaited) {
    if (name) byName.set(name, executionId);
    else unnamed.add(executionId);
  }
  const found = new Map<string, RunExecution>();
  for await (const execution of api.listExecutions(`${location}/jobs/-`)) {
    const recorded = recordOfExecution(execution)?.executionId;
    const executionId = byName.get(execution.name ?? '') ?? (recorded !== undefined && unnamed.has(recorded) ? recorded : undefined);
    if (executionId === undefined || found.has(executionId)) continue;
    found.set(executionId, execution);
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
