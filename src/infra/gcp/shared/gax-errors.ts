import {
  BackendError,
  BackendUnavailableError,
  NotFoundError,
  PermissionDeniedError,
  SchedulingError,
  SmartJobError,
} from '../../../domain/errors.js';

/**
 * gRPC status codes, as numbers: importing them from google-gax would load it (and its protos)
 * before any Google call is needed.
 */
export const GrpcCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

const RETRYABLE_CODES: readonly number[] = [
  GrpcCode.UNAVAILABLE,
  GrpcCode.RESOURCE_EXHAUSTED,
  GrpcCode.DEADLINE_EXCEEDED,
  GrpcCode.INTERNAL,
];

/** While polling, these mean "no news": the execution is still whatever it was. */
const TRANSIENT_WHILE_POLLING: readonly number[] = [GrpcCode.UNAVAILABLE, GrpcCode.RESOURCE_EXHAUSTED, GrpcCode.DEADLINE_EXCEEDED];

/** The gRPC status code of a google-gax error, or undefined for anything else. */
export function grpcCodeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** The gRPC code of an error or of its `cause`, so an already translated error still tells it. */
export function grpcCodeIn(error: unknown): number | undefined {
  return grpcCodeOf(error) ?? grpcCodeOf((error as { cause?: unknown } | null)?.cause);
}

export function isTransientWhilePolling(error: unknown): boolean {
  return TRANSIENT_WHILE_POLLING.includes(grpcCodeIn(error) ?? -1);
}

/** Whether the failed call was part of starting an execution (a SchedulingError) or any other call. */
export type GaxCallKind = 'launch' | 'call';

/**
 * google-gax errors → domain errors. Transient codes become retryable errors; an auth failure stays an
 * auth failure (never "not found"); any other failure is a SchedulingError when it happened while starting
 * an execution, else a BackendError. Domain errors and aborts pass through unchanged; `cause` keeps the
 * original error (and its gRPC code).
 */
export function translateGaxError(error: unknown, doing: string, kind: GaxCallKind = 'call'): Error {
  if (error instanceof SmartJobError) return error;
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return error;
  const code = grpcCodeOf(error);
  const details = (error as { details?: unknown } | null)?.details;
  const reason = typeof details === 'string' && details !== '' ? details : ((error as Error)?.message ?? String(error));
  const options = { cause: error };
  if (code === GrpcCode.UNAVAILABLE) return new BackendUnavailableError(`the API was unavailable while ${doing}: ${reason}`, options);
  if (code === GrpcCode.PERMISSION_DENIED || code === GrpcCode.UNAUTHENTICATED) {
    return new PermissionDeniedError(`permission denied while ${doing}: ${reason}`, options);
  }
  if (code === GrpcCode.NOT_FOUND) return new NotFoundError(doing, `not found while ${doing}: ${reason}`, options);
  const retryable = code !== undefined && RETRYABLE_CODES.includes(code);
  const message = retryable ? `transient error while ${doing}: ${reason}` : `failed while ${doing}: ${reason}`;
  return kind === 'launch' ? new SchedulingError(message, { ...options, retryable }) : new BackendError(message, { ...options, retryable });
}
