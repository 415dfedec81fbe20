import { BackendError, NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import type { CloudRunApi } from './cloudrun-api.js';
import { stateOf } from './cloudrun-mapper.js';
import type { ExecutionLookup } from './execution-lookup.js';

/** CancelExecution, idempotent: an execution that already ended is left as it is. */
export async function cancelExecution(api: CloudRunApi, lookup: ExecutionLookup, executionId: string): Promise<void> {
  const execution = await lookup.find(executionId);
  if (!execution) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the cloudrun backend`);
  if (isFinal(stateOf(execution))) return;
  if (await api.cancelExecution(execution.name as string)) return; // wait() reports the outcome
  // Refused (FAILED_PRECONDITION): it ended meanwhile, and then there is nothing left to cancel.
  const now = await lookup.find(executionId);
  if (now && !isFinal(stateOf(now))) {
    throw new BackendError(`Cloud Run refused to cancel execution ${execution.name} although it has not ended`);
  }
}
