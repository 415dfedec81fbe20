import { isFinal } from '../../../domain/execution.js';
import { NotFoundError } from '../../../domain/errors.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { grpcCodeIn, isTransientWhilePolling, translateGaxError } from '../gax-errors.js';
import { abortable, delay } from './abortable.js';
import type { ExecutionLookup } from './execution-lookup.js';

export interface PollSettings {
  readonly pollIntervalMs: number;
  readonly maxPollBackoffMs: number;
  readonly logger: LoggerPort;
}

/**
 * Polls GetExecution until the execution is final. No total budget: an execution may run for hours
 * (Cloud Run allows 7 days), so only the task timeout ends it. A transient error (429, 503, deadline)
 * means "still running": poll again later, backing off up to `maxPollBackoffMs`.
 */
export async function pollUntilFinal(
  lookup: ExecutionLookup,
  executionId: string,
  settings: PollSettings,
  signal: AbortSignal | undefined,
): Promise<ExecutionStatus> {
  let wait = settings.pollIntervalMs;
  let executionName = lookup.knownName(executionId);
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    try {
      executionName ??= await abortable(nameOf(lookup, executionId), signal);
      const status = await abortable(readStatus(lookup, executionName, executionId), signal);
      if (isFinal(status.state)) return status;
      wait = settings.pollIntervalMs;
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (!isTransientWhilePolling(error)) throw translateGaxError(error, `waiting for execution ${executionId}`);
      wait = Math.min(wait * 2, settings.maxPollBackoffMs);
      settings.logger.debug(`transient error while polling ${executionId} (code ${grpcCodeIn(error)}); next poll in ${wait} ms`);
    }
    await delay(wait, signal);
  }
}

/** The remembered name, else a search (which may also meet a transient error). */
async function nameOf(lookup: ExecutionLookup, executionId: string): Promise<string> {
  const execution = await lookup.find(executionId);
  if (!execution) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the cloudrun backend`);
  return execution.name as string;
}

async function readStatus(lookup: ExecutionLookup, executionName: string, executionId: string): Promise<ExecutionStatus> {
  const execution = await lookup.get(executionName);
  const status = execution && (await lookup.statusOf(execution));
  if (!status) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' (${executionName}) no longer exists on Cloud Run`);
  return status;
}
