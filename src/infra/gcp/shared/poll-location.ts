import type { ExecutionStatus } from '../../../domain/result.js';
import { grpcCodeIn, isTransientWhilePolling, translateGaxError } from './gax-errors.js';

/** An execution being waited for: its backend resource name once known, else only its smartjob id. */
export interface Awaited {
  readonly executionId: string;
  readonly name: string | undefined;
}

/**
 * What one poll learnt about an awaited execution. 'running' is 'pending' plus the news that it runs (its
 * status from the same answer, no extra call): the poller passes it to each wait's `onRunning`, once per wait.
 * A backend that cannot tell may answer 'pending' throughout; the service then reports the start at the end.
 */
export type PollOutcome =
  | { readonly kind: 'final'; readonly status: ExecutionStatus }
  | { readonly kind: 'failed'; readonly error: Error }
  | { readonly kind: 'transient'; readonly code: number | undefined }
  | { readonly kind: 'running'; readonly status: ExecutionStatus }
  | { readonly kind: 'pending' };

/**
 * What a backend plugs into the shared poller: one poll of the awaited executions of one location
 * (`projects/p/locations/r`), in as few calls as its API allows (one paged list call, with a filter where the
 * API has one). Answers an outcome per awaited id; an id it does not answer is still pending. It should not
 * throw: a failed call becomes a 'transient' or 'failed' outcome (see `outcomeOfPollError`).
 * `stillAwaited` lets it skip extra reads (e.g. an exit code) for an execution whose waits were all aborted.
 */
export type PollLocation = (
  location: string,
  awaited: readonly Awaited[],
  stillAwaited: (executionId: string) => boolean,
) => Promise<ReadonlyMap<string, PollOutcome>>;

/** A transient error (429, 503, deadline) means "no news": the execution is still whatever it was. */
export function outcomeOfPollError(error: unknown, executionId: string): PollOutcome {
  if (isTransientWhilePolling(error)) return { kind: 'transient', code: grpcCodeIn(error) };
  return { kind: 'failed', error: translateGaxError(error, `waiting for execution ${executionId}`) };
}

/** The location of a GCP resource name: `projects/p/locations/r/...` → `projects/p/locations/r`. */
export function locationOfName(name: string): string {
  return name.split('/').slice(0, 4).join('/');
}
