import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { StorageError } from '../../domain/errors.js';

/** Files are readable by any user a job runs as; directories writable too (a job writes its output there). */
const FILE_MODE = 0o644;
const DIRECTORY_MODE = 0o777;

/** A one-entry tar whose file content is streamed from `source` (exactly `size` bytes). */
export function packFile(name: string, size: number, source: () => Readable | NodeJS.ReadableStream): Readable {
  const pack = tar.pack();
  const entry = pack.entry({ name, size, mode: FILE_MODE, type: 'file', mtime: new Date() }, (error) => {
    if (error) pack.destroy(error);
  });
  pipeline(source(), entry).then(() => pack.finalize(), (error: Error) => pack.destroy(error));
  return asNodeStream(pack);
}

export function packLocalFile(name: string, size: number, localPath: string): Readable {
  return packFile(name, size, () => createReadStream(localPath));
}

export function packBytes(name: string, data: Uint8Array): Readable {
  return packFile(name, data.byteLength, () => Readable.from([Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

export function packDirectory(name: string): Readable {
  const pack = tar.pack();
  pack.entry({ name, type: 'directory', mode: DIRECTORY_MODE, mtime: new Date() });
  pack.finalize();
  return asNodeStream(pack);
}

/** tar-stream packs are streamx streams; dockerode pipes a Node stream into its request (with backpressure). */
function asNodeStream(pack: tar.Pack): Readable {
  return Readable.from(pack, { objectMode: false });
}

/** The single regular file of a getArchive tar as a stream; a directory (or anything else) is a StorageError at once. */
export async function openSingleFile(archive: NodeJS.ReadableStream, what: string, signal?: AbortSignal): Promise<AsyncIterable<Buffer>> {
  const extract = tar.extract();
  const done = pipeline(archive, extract, { signal });
  done.catch(() => undefined); // awaited below on the normal path; an early stop destroys the extract on purpose
  const entries = extract[Symbol.asyncIterator]();
  const first = await entries.next();
  const kind = first.done ? undefined : (first.value.header.type ?? 'file');
  if (first.done || kind !== 'file') {
    extract.destroy();
    throw new StorageError(`cannot read ${what}: it is a ${kind ?? 'missing entry'}, not a regular file`);
  }
  const entry = first.value;
  return (async function* () {
    try {
      for await (const chunk of entry) yield chunk as Buffer;
      for (let next = await entries.next(); !next.done; next = await entries.next()) next.value.resume();
      await done;
    } finally {
      extract.destroy();
    }
  })();
}

/** A tar entry needs the size up front; a missing or special local file is refused before anything is sent. */
export async function localFileSize(localPath: string): Promise<number> {
  const info = await stat(localPath).catch((error: Error) => {
    throw new StorageError(`cannot upload ${localPath}: ${error.message}`, { cause: error });
  });
  if (!info.isFile()) throw new StorageError(`cannot upload ${localPath}: not a regular file`);
  return info.size;
}
