import { daemonUnreachable, statusCodeOf } from './docker-errors.js';
import { BackendUnavailableError, ImageUnavailableError, PermissionDeniedError, SmartJobError, StorageError } from '../../domain/errors.js';

/**
 * A dockerode failure during a staging call as a domain error. An unreachable daemon is BackendUnavailable
 * (retryable); 502-504 are retryable StorageErrors; a 500 is not (the daemon says 500 for "not a directory"
 * and the like, which another attempt will not fix).
 */
export function translateVolumeError(error: unknown, action: string): unknown {
  if (error instanceof SmartJobError || (error as Error | null)?.name === 'AbortError') return error;
  const status = statusCodeOf(error);
  const message = ((error as Error | null)?.message ?? String(error)).trim();
  if (daemonUnreachable(error, status)) {
    return new BackendUnavailableError(`Docker daemon unreachable while trying to ${action}: ${message}`, { cause: error });
  }
  if (status === 401 || status === 403) return new PermissionDeniedError(`permission denied to ${action}: ${message}`, { cause: error });
  return new StorageError(`cannot ${action}: ${message}`, { cause: error, retryable: status === 502 || status === 503 || status === 504 });
}

/** A missing helper image surfaces as the image's problem, not as a storage one. */
export function translateCreateError(error: unknown, image: string, action: string): unknown {
  if (statusCodeOf(error) === 404 && /no such image/i.test((error as Error).message)) return new ImageUnavailableError(image, { cause: error });
  return translateVolumeError(error, action);
}
