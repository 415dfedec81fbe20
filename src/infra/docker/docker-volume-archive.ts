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

/** The content of the single regular file in a getArchive tar; `what` names it in errors. */
export async function unpackSingleFile(archive: NodeJS.ReadableStream, what: string, signal?: AbortSignal): Promise<Buffer> {
  const extract = tar.extract();
  const done = pipeline(archive, extract, { signal });
  let content: Buffer | undefined;
  let kind: string | undefined;
  for await (const entry of extract) {
    if (kind === undefined) {
      kind = entry.header.type ?? 'file';
      if (kind === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of entry) chunks.push(chunk as Buffer);
        content = Buffer.concat(chunks);
        continue;
      }
    }
    entry.resume(); // a directory's children: not read
  }
  await done;
  if (content === undefined) throw new StorageError(`cannot read ${what}: it is a ${kind ?? 'missing entry'}, not a regular file`);
  return content;
}

/** A tar entry needs the size up front; a missing or special local file is refused before anything is sent. */
export async function localFileSize(localPath: string): Promise<number> {
  const info = await stat(localPath).catch((error: Error) => {
    throw new StorageError(`cannot upload ${localPath}: ${error.message}`, { cause: error });
  });
  if (!info.isFile()) throw new StorageError(`cannot upload ${localPath}: not a regular file`);
  return info.size;
}
