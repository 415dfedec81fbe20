import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { StorageError } from '../../../domain/errors.js';
import type { ReadOptions } from '../../../domain/ports/storage.port.js';
import { collectBounded } from '../../shared/bounded-read.js';

/** Reads a (small) stream whole, at most `maxBytes` of it (see collectBounded); aborting the signal destroys the stream. */
export async function collect(stream: NodeJS.ReadableStream, what: string, options: ReadOptions = {}): Promise<Buffer> {
  let bytes: Buffer = Buffer.alloc(0);
  await pipeline(
    stream,
    async (source: AsyncIterable<Buffer | string>) => {
      bytes = await collectBounded(source, what, options.maxBytes);
    },
    { signal: options.signal },
  );
  return bytes;
}

/** Runs `task` over `items`, at most `limit` at a time. */
export async function forEachLimited<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The size of a local file to upload; a missing or special file is a StorageError before any request. */
export async function localFileSize(localPath: string): Promise<number> {
  try {
    const info = await stat(localPath);
    if (!info.isFile()) throw new StorageError(`cannot upload ${localPath}: not a regular file`);
    return info.size;
  } catch (error) {
    if (error instanceof StorageError) throw error;
    throw new StorageError(`cannot upload ${localPath}: ${(error as Error).message}`, { cause: error });
  }
}
