import { NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { grpcCodeIn, isTransientWhilePolling, translateGaxError } from '../gax-errors.js';
import type { CloudRunClients, RunExecution } from './cloudrun-clients.js';
import type { ExecutionLookup } from './execution-lookup.js';
import { readRecord } from './execution-record.js';
import { stateOf } from './execution-status.js';

const NO_AUTO_PAGINATION = { autoPaginate: false } as const;

/** An execution being waited for: its name once known, else only its smartjob id. */
export interface Awaited {
  readonly executionId: string;
  readonly name: string | undefined;
}

/** What one poll learnt about an awaited execution. */
export type PollOutcome =
  | { readonly kind: 'final'; readonly status: ExecutionStatus }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'transient'; readonly code: number | undefined }
  | { readonly kind: 'pending' };

export interface PollDeps {
  readonly lookup: ExecutionLookup;
  readonly clients: () => Promise<CloudRunClients>;
}

/**
 * One poll of the awaited executions of one location (`projects/p/locations/r`): ListExecutions on `jobs/-`,
 * paged until every awaited execution was seen or the pages end, then GetExecution for an awaited one the
 * listing missed (created after the listing began, or not listed yet). ListExecutions has no filter or
 * order; Cloud Run lists the newest first, where the awaited executions usually are.
 * `stillAwaited` skips the ListTasks of an execution whose waits were all aborted meanwhile.
 */
export async function pollLocation(
  deps: PollDeps,
  location: string,
  awaited: readonly Awaited[],
  stillAwaited: (executionId: string) => boolean,
): Promise<Map<string, PollOutcome>> {
  const outcomes = new Map<string, PollOutcome>();
  let listed: Map<string, RunExecution>;
  try {
    listed = await listAwaited(await deps.clients(), location, awaited);
  } catch (error) {
    for (const { executionId } of awaited) outcomes.set(executionId, outcomeOfError(error, executionId));
    return outcomes;
  }
  await Promise.all(
    awaited.map(async (one) => outcomes.set(one.executionId, await outcomeOf(deps.lookup, one, listed.get(one.executionId), stillAwaited))),
  );
  return outcomes;
}

/** Awaited executions found in the listing, by smartjob id: by name when known, else by their record. */
async function listAwaited(clients: CloudRunClients, location: string, awaited: readonly Awaited[]): Promise<Map<string, RunExecution>> {
  const byName = new Map<string, string>();
  const unnamed = new Set<string>();
  for (const { executionId, name } of awaited) {
    if (name) byName.set(name, executionId);
    else unnamed.add(executionId);
  }
  const found = new Map<string, RunExecution>();
  for await (const execution of clients.executions.listExecutionsAsync({ parent: `${location}/jobs/-` }, NO_AUTO_PAGINATION)) {
    const recorded = readRecord(execution)?.executionId;
    const executionId = byName.get(execution.name ?? '') ?? (recorded !== undefined && unnamed.has(recorded) ? recorded : undefined);
    if (executionId === undefined || found.has(executionId)) continue;
    found.set(executionId, execution);
    if (found.size === awaited.length) break; // the rest of the pages holds nothing awaited
  }
  return found;
}

async function outcomeOf(
  lookup: ExecutionLookup,
  { executionId, name }: Awaited,
  listed: RunExecution | undefined,
  stillAwaited: (executionId: string) => boolean,
): Promise<PollOutcome> {
  try {
    const execution = listed ?? (name ? await lookup.get(name) : undefined);
    if (!execution) return { kind: 'failed', error: notFound(executionId, name) };
    if (!name) lookup.remember(executionId, execution.name as string);
    if (!isFinal(stateOf(execution)) || !stillAwaited(executionId)) return { kind: 'pending' };
    const status = await lookup.statusOf(execution); // for a failed one, ListTasks gives its exit code
    return status ? { kind: 'final', status } : { kind: 'failed', error: notFound(executionId, name) };
  } catch (error) {
    return outcomeOfError(error, executionId);
  }
}

/** A transient error (429, 503, deadline) means "no news": the execution is still whatever it was. */
function outcomeOfError(error: unknown, executionId: string): PollOutcome {
  if (isTransientWhilePolling(error)) return { kind: 'transient', code: grpcCodeIn(error) };
  return { kind: 'failed', error: translateGaxError(error, `waiting for execution ${executionId}`) };
}

function notFound(executionId: string, name: string | undefined): NotFoundError {
  const what = `execution '${executionId}'`;
  return new NotFoundError(what, name ? `${what} (${name}) no longer exists on Cloud Run` : `${what} was not found on the cloudrun backend`);
}
