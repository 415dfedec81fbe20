import type { ResolvedExecutionConfig } from '../../../domain/execution-config.js';

/**
 * The timeout each attempt gets on a platform that times attempts, not executions (Cloud Run's task timeout, Batch's
 * maxRunDuration): `timeoutSeconds` bounds the whole execution, so with N attempts each gets floor(timeout / N)
 * whole seconds (at least 1 s), and N attempts that all time out end within the timeout. One attempt keeps the
 * timeout as given (rounded up to a whole second by the platform's duration).
 */
export function attemptTimeoutSeconds(config: Pick<ResolvedExecutionConfig, 'timeout' | 'retry'>): number {
  const total = config.timeout.timeoutSeconds;
  const attempts = config.retry.maxAttemptsExecute;
  return attempts <= 1 ? total : Math.max(1, Math.floor(total / attempts));
}
