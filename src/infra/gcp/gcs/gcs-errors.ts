import { NotFoundError, PermissionDeniedError, SmartJobError, StorageError } from '../../../domain/errors.js';

/** What was being done when a storage call failed, for the translated error's message. */
export interface GcsErrorContext {
  /** e.g. `write gs://bucket/a.txt`. */
  readonly action: string;
  /** The object a 412 (precondition) refers to: the one that already exists. */
  readonly target: string;
  readonly signal?: AbortSignal | undefined;
}

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'CONTENT_DOWNLOAD_MISMATCH', 'FILE_NO_UPLOAD']);

/**
 * The HTTP status of a storage client error. Its shape varies: ApiError `code` (JSON API calls, multipart
 * upload), GaxiosError `status`/`response.status` (resumable session start), a plain `{ code, message }`
 * object (error body of a resumable upload's PUT).
 */
export function gcsStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; status?: unknown; response?: { status?: unknown } };
  for (const value of [e.code, e.status, e.response?.status]) {
    if (typeof value === 'number' && value >= 100 && value < 600) return value;
    if (typeof value === 'string' && /^\d{3}$/.test(value)) return Number(value);
  }
  return undefined;
}

/** Turns a @google-cloud/storage failure into a domain error; an abort surfaces as the signal's reason. */
export function translateGcsError(error: unknown, context: GcsErrorContext): unknown {
  if (context.signal?.aborted) return context.signal.reason;
  if (error instanceof SmartJobError) return error;
  const status = gcsStatus(error);
  const detail = describe(error);
  if (status === 401 || status === 403) {
    return new PermissionDeniedError(`permission denied to ${context.action}: ${detail}`, { cause: error });
  }
  if (status === 404) return new NotFoundError(context.target, `cannot ${context.action}: ${detail}`, { cause: error });
  if (status === 412) return new StorageError(`${context.target} already exists`, { cause: error });
  return new StorageError(`cannot ${context.action}: ${detail}`, { cause: error, retryable: isTransient(error, status) });
}

/** True when a 404 says the bucket, not the object, is missing (a configuration problem, not an absent object). */
export function isMissingBucket(error: unknown): boolean {
  return /bucket does not exist/i.test(describe(error));
}

function isTransient(error: unknown, status: number | undefined): boolean {
  if (status !== undefined && TRANSIENT_STATUS.has(status)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code.toUpperCase())) return true;
  // the resumable upload gives up with a plain Error once its own retries are spent
  return /Retry (total time )?limit exceeded/.test(describe(error));
}

/** The server's message where there is one: in a GaxiosError's parsed body, or as the raw JSON body that stream errors carry. */
function describe(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const e = error as { message?: unknown; response?: { data?: unknown } };
  const message = typeof e.message === 'string' ? e.message : '';
  return serverMessage(e.response?.data) ?? serverMessage(message) ?? (message || 'unknown error');
}

function serverMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    if (!body.startsWith('{')) return undefined;
    try {
      parsed = JSON.parse(body);
    } catch (notJson) {
      return `${body} (${(notJson as Error).message})`;
    }
  }
  const message = (parsed as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : undefined;
}
