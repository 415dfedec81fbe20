import pRetry from 'p-retry';
import { isRetryable } from '../errors.js';
import type { ExecutorPort, LaunchSpec } from '../ports/executor.port.js';
import type { LoggerPort } from '../ports/logger.port.js';

export interface LaunchRetryOptions {
  readonly maxAttempts: number;
  readonly attemptTimeoutSeconds: number;
  readonly signal: AbortSignal | undefined;
  /** @default 250 */
  readonly minBackoffMs?: number;
  /** Called before each retry, with the failed attempt's number. */
  readonly onRetry?: (error: Error, attempt: number, retriesLeft: number) => void;
}

/**
 * Launches with retries on transient errors. Before each retry it asks the backend whether the previous
 * attempt already started the execution (its answer may have been lost), so an execution never starts twice.
 */
export async function launchWithRetry(
  executor: ExecutorPort,
  spec: LaunchSpec,
  logger: LoggerPort,
  options: LaunchRetryOptions,
): Promise<{ logUrl: string }> {
  let inFlight: Promise<unknown> | undefined;
  try {
    return await pRetry(
      async (attempt) => {
        if (attempt > 1) {
          const existing = await executor.getStatus(spec.executionId);
          if (existing) return { logUrl: existing.logUrl };
        }
        const timeout = AbortSignal.timeout(options.attemptTimeoutSeconds * 1000);
        const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
        const launched = executor.launch(spec, signal);
        inFlight = launched.catch(() => undefined);
        return launched;
      },
      {
        retries: options.maxAttempts - 1,
        minTimeout: options.minBackoffMs ?? 250,
        factor: 2,
        signal: options.signal,
        shouldRetry: (error) => isRetryable(error) || (error.name === 'TimeoutError' && !options.signal?.aborted),
        onFailedAttempt: (error) => {
          if (error.retriesLeft > 0 && (isRetryable(error) || error.name === 'TimeoutError')) {
            logger.warn(`launch of ${spec.executionId} failed (attempt ${error.attemptNumber}), retrying: ${error.message}`);
            options.onRetry?.(error, error.attemptNumber, error.retriesLeft);
          }
        },
      },
    );
  } catch (error) {
    // An abort rejects at once, while the attempt may still be undoing a half-made start (Docker: removing the
    // container it created): whoever asks the backend about this execution next must see the outcome, not the race.
    await inFlight;
    throw error;
  }
}
