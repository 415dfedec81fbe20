import { NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import { GrpcCode, hasGrpcCode, translateGaxError } from '../gax-errors.js';
import type { CloudRunClients } from './cloudrun-clients.js';
import type { ExecutionLookup } from './execution-lookup.js';
import { stateOf } from './execution-status.js';

/** CancelExecution, idempotent: an execution that already ended is left as it is. */
export async function cancelExecution(clients: () => Promise<CloudRunClients>, lookup: ExecutionLookup, executionId: string): Promise<void> {
  const execution = await lookup.find(executionId);
  if (!execution) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the cloudrun backend`);
  if (isFinal(stateOf(execution))) return;
  try {
    // Its operation ends with the execution: not awaited, wait() reports the outcome.
    await (await clients()).executions.cancelExecution({ name: execution.name });
  } catch (error) {
    // FAILED_PRECONDITION when it ended meanwhile: then there is nothing left to cancel.
    if (hasGrpcCode(error, GrpcCode.FAILED_PRECONDITION)) {
      const now = await lookup.find(executionId);
      if (!now || isFinal(stateOf(now))) return;
    }
    throw translateGaxError(error, `cancelling execution ${executionId}`);
  }
}
