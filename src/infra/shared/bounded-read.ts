import { StorageError } from '../../domain/errors.js';

/** The error of a read whose object is larger than the caller's `maxBytes`: not retryable, and it says both sizes. */
export function tooLarge(what: string, size: number | undefined, maxBytes: number): StorageError {
  return new StorageError(`cannot read ${what}: it is larger than the ${maxBytes}-byte limit${size === undefined ? '' : ` (${size} bytes)`}`);
}

/** Reads a stream whole, stopping (and throwing `tooLarge`) as soon as it passes `maxBytes`: never holds more. */
export async function collectBounded(chunks: AsyncIterable<Uint8Array | string>, what: string, maxBytes = Infinity): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    const part = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += part.length;
    if (total > maxBytes) throw tooLarge(what, undefined, maxBytes);
    parts.push(part);
  }
  return Buffer.concat(parts);
}
