import pRetry from 'p-retry';
import { ValidationError } from '../../../domain/errors.js';
import { GrpcCode, grpcCodeOf } from './gax-errors.js';

/**
 * Retries of one idempotent API call (a read, one page of a listing, a cancel, a delete) after a transient
 * answer. Calls that start an execution are never retried here: the domain's launch retry does that, after
 * asking whether the failed attempt started one.
 */
export interface CallRetryOptions {
  /** Attempts of one call, the first included; 1 turns retries off. @default 5 */
  readonly maxAttempts?: number;
  /** Pause before the first retry, doubled for each next one (randomised up to ×2). @default 500 */
  readonly minBackoffMs?: number;
  /** Longest pause between two attempts. @default 8000 */
  readonly maxBackoffMs?: number;
  /** No retry starts once this long has passed since the first attempt. @default 60000 */
  readonly maxTotalMs?: number;
}

export type CallRetrySettings = Required<CallRetryOptions>;

export const DEFAULT_CALL_RETRY: CallRetrySettings = { maxAttempts: 5, minBackoffMs: 500, maxBackoffMs: 8_000, maxTotalMs: 60_000 };

/**
 * Retried: the service is overloaded or out of quota for a moment, or the answer came too late (safe for an
 * idempotent call). Never an auth failure, a bad request, NOT_FOUND or INTERNAL (a lasting fault as often as not).
 */
const RETRIED_CODES: readonly number[] = [GrpcCode.UNAVAILABLE, GrpcCode.RESOURCE_EXHAUSTED, GrpcCode.DEADLINE_EXCEEDED];

/** Validates the options (a bad value is a ValidationError naming it) and fills the defaults. */
export function resolveCallRetry(options: CallRetryOptions | undefined): CallRetrySettings {
  if (options === undefined) return DEFAULT_CALL_RETRY;
  if (typeof options !== 'object' || options === null) throw new ValidationError('callRetry', 'must be an object', options);
  const { maxAttempts } = options;
  if (maxAttempts !== undefined && !(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new ValidationError('callRetry.maxAttempts', 'must be an integer >= 1', maxAttempts);
  }
  for (const field of ['minBackoffMs', 'maxBackoffMs', 'maxTotalMs'] as const) {
    const value = options[field];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(`callRetry.${field}`, 'must be a number of milliseconds >= 0', value);
    }
  }
  return { ...DEFAULT_CALL_RETRY, ...definedOnly(options) };
}

/** Runs an idempotent call, again after a transient gRPC answer, within the settings' bounds; an abort stops the waiting. */
export function withCallRetry<T>(call: () => Promise<T>, retry: CallRetrySettings, signal?: AbortSignal): Promise<T> {
  if (retry.maxAttempts <= 1) return call();
  return pRetry(() => call(), {
    retries: retry.maxAttempts - 1,
    minTimeout: retry.minBackoffMs,
    maxTimeout: Math.max(retry.minBackoffMs, retry.maxBackoffMs),
    factor: 2,
    randomize: true,
    maxRetryTime: retry.maxTotalMs,
    signal,
    shouldRetry: (error) => RETRIED_CODES.includes(grpcCodeOf(error) ?? -1),
  });
}

function definedOnly(options: CallRetryOptions): CallRetryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}
