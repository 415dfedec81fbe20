import { BackendError, BackendUnavailableError, NotFoundError, SchedulingError, SmartJobError } from '../../domain/errors.js';

const UNREACHABLE = /ECONNREFUSED|ENOENT|EPIPE|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|socket hang up|ERR_STREAM_PREMATURE_CLOSE/i;
const HINT = 'is the Docker daemon running? (`npm run setup` starts one here; otherwise set DOCKER_HOST)';

export function statusCodeOf(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The daemon did not answer at all (no socket, refused, reset, an answer cut short): worth a retry, and worth the hint. */
export function daemonUnreachable(error: unknown, status = statusCodeOf(error)): boolean {
  const { message = String(error), code = '' } = (error ?? {}) as { message?: string; code?: unknown };
  return status === undefined && UNREACHABLE.test(`${String(code)} ${message}`);
}

/**
 * dockerode errors → domain errors: unreachable daemon and 5xx are retryable, 404 is NotFound; any other
 * failure is a SchedulingError while starting an execution (`launch`), else a BackendError.
 */
export function translateDockerError(error: unknown, doing: string, kind: 'launch' | 'call' = 'call'): Error {
  if (error instanceof SmartJobError || (error as Error)?.name === 'AbortError') return error as Error;
  const status = statusCodeOf(error);
  const message = (error as Error)?.message ?? String(error);
  if (daemonUnreachable(error, status)) {
    return new BackendUnavailableError(`Docker daemon unreachable while ${doing}: ${message}; ${HINT}`, { cause: error });
  }
  if (status === 404) return new NotFoundError(doing, `not found while ${doing}: ${message}`, { cause: error });
  const options = { cause: error, retryable: status !== undefined && status >= 500 };
  return kind === 'launch' ? new SchedulingError(`Docker refused ${doing}: ${message}`, options) : new BackendError(`Docker failed ${doing}: ${message}`, options);
}

/** Runs a call where "already in that state" answers (304 not modified, 404 gone, 409 conflict) are success. */
export async function tolerating<T>(codes: readonly number[], call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (codes.includes(statusCodeOf(error) ?? -1)) return undefined;
    throw error;
  }
}
