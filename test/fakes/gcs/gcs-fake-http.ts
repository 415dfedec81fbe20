import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error the fake answers the way GCS does: `{ error: { code, message, errors: [{ reason }] } }`. */
export class GcsHttpError extends Error {
  constructor(readonly status: number, message: string, readonly reason = reasonOf(status)) {
    super(message);
  }
}

export function reasonOf(status: number): string {
  const reasons: Record<number, string> = {
    400: 'invalid', 401: 'required', 403: 'forbidden', 404: 'notFound', 409: 'conflict',
    412: 'conditionNotMet', 429: 'rateLimitExceeded', 500: 'internalError', 503: 'backendError',
  };
  return reasons[status] ?? 'backendError';
}

export function defaultMessage(status: number): string {
  const messages: Record<number, string> = {
    403: 'fake-caller does not have storage.objects.create access to the Google Cloud Storage object. Permission denied.',
    412: 'At least one of the pre-conditions you specified did not hold.',
    429: 'The rate of change requests to the object is too high.',
    503: 'We encountered an internal error. Please try again.',
  };
  return messages[status] ?? `fake failure ${status}`;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, error: GcsHttpError): void {
  const body = { error: { code: error.status, message: error.message, errors: [{ message: error.message, domain: 'global', reason: error.reason }] } };
  sendJson(res, error.status, body);
}

/** Reads and discards the request body, so an early answer never breaks the client's half-sent upload. */
export async function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded) return;
  for await (const chunk of req) void chunk;
}

/** Reads a small body (JSON metadata). */
export async function readSmallBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new GcsHttpError(400, `request body larger than ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new GcsHttpError(400, `invalid JSON body: ${(error as Error).message}`, 'parseError');
  }
}
