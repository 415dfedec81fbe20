import type { Storage } from '@google-cloud/storage';
import { ValidationError } from '../../../domain/errors.js';

/** How to reach Cloud Storage. Shared by the staging adapter and the GCS object reader. */
export interface GcsClientOptions {
  /** Project of the client. @default the client's own lookup (GOOGLE_CLOUD_PROJECT, credentials) */
  readonly projectId?: string;
  /**
   * JSON API endpoint, e.g. a local fake `http://127.0.0.1:4443`. A non-Google endpoint gets no credentials.
   * @default 'https://storage.googleapis.com'
   */
  readonly apiEndpoint?: string;
  /** A ready client; when given, the other options here are not used. @default a client built from these options */
  readonly storage?: Storage;
  /** Automatic retries of a transient failure (408, 429, 5xx, connection reset) per call; 0 turns them off. @default 3 */
  readonly maxRetries?: number;
  /** Longest pause between two retries, in seconds; at least 1 (the client's first pause is 1 s). @default 64 */
  readonly maxRetryDelaySeconds?: number;
}

/** Checks the options at once (the client itself is built on first use). */
export function checkClientOptions(options: GcsClientOptions): void {
  const { maxRetries, maxRetryDelaySeconds } = options;
  if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
    throw new ValidationError('maxRetries', 'must be an integer >= 0', maxRetries);
  }
  if (maxRetryDelaySeconds !== undefined && !(Number.isFinite(maxRetryDelaySeconds) && maxRetryDelaySeconds >= 1)) {
    throw new ValidationError('maxRetryDelaySeconds', 'must be a number >= 1', maxRetryDelaySeconds);
  }
}

/**
 * Builds the client, loading @google-cloud/storage only now: importing the SDK or running a Docker job
 * must not pay for (or depend on) the Google libraries.
 */
export async function createStorageClient(options: GcsClientOptions): Promise<Storage> {
  if (options.storage) return options.storage;
  const { Storage, IdempotencyStrategy } = await import('@google-cloud/storage');
  const maxRetries = options.maxRetries ?? 3;
  return new Storage({
    ...(options.projectId !== undefined && { projectId: options.projectId }),
    ...(options.apiEndpoint !== undefined && { apiEndpoint: options.apiEndpoint }),
    retryOptions: {
      // the client treats maxRetries 0 as "default (3)": autoRetry is the real off switch
      autoRetry: maxRetries > 0,
      maxRetries: Math.max(maxRetries, 1),
      ...(options.maxRetryDelaySeconds !== undefined && { maxRetryDelay: options.maxRetryDelaySeconds }),
      // Uploads are not "idempotent" to the client unless they carry ifGenerationMatch, so by default it
      // never retries them. Every object here belongs to one execution and rewriting it gives the same bytes.
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    },
  });
}
