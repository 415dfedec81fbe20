import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { StorageError } from '../../domain/errors.js';
import type { StoragePort, WriteOptions } from '../../domain/ports/storage.port.js';
import { checkStagingPath } from './staging-path.js';

/** Opens a readable stream of a `gs://` object, for copying GCS inputs into a local staging area. */
export type GcsObjectReader = (gcsUri: string, signal?: AbortSignal) => Promise<NodeJS.ReadableStream>;

/** Staging area in a host directory (the Docker backend bind-mounts it at /staging). */
export class LocalDirectoryStorageAdapter implements StoragePort {
  readonly root: string;

  constructor(root: string, private readonly gcsReader?: GcsObjectReader) {
    this.root = resolve(root);
  }

  location(path: string): string {
    return pathToFileURL(this.abs(path)).href;
  }

  async createDirectory(path: string): Promise<void> {
    await mkdir(this.abs(path), { recursive: true });
  }

  async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    await this.writeStream(path, async function* () { yield data; }, options);
  }

  async writeFile(path: string, localPath: string, options?: WriteOptions): Promise<void> {
    await this.writeStream(path, () => createReadStream(localPath), options);
  }

  async copyFromGcs(path: string, gcsUri: string, options?: WriteOptions): Promise<void> {
    const reader = this.gcsReader;
    if (!reader) throw new StorageError(`cannot copy ${gcsUri}: no GCS client is configured for the local staging area`);
    await this.writeStream(path, () => reader(gcsUri, options?.signal), options);
  }

  async read(path: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.abs(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new StorageError(`cannot read ${this.location(path)}: ${(error as Error).message}`, { cause: error });
    }
  }

  async remove(path: string): Promise<void> {
    await rm(this.abs(path), { recursive: true, force: true });
  }

  private async writeStream(path: string, source: () => AsyncIterable<unknown> | NodeJS.ReadableStream | Promise<NodeJS.ReadableStream>, options?: WriteOptions): Promise<void> {
    const target = this.abs(path);
    await mkdir(dirname(target), { recursive: true });
    const flags = options?.ifAbsent ? 'wx' : 'w';
    try {
      const input = await source();
      await pipeline(input, createWriteStream(target, { flags }), { signal: options?.signal });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new StorageError(`${this.location(path)} already exists`, { cause: error });
      }
      await rm(target, { force: true }); // no half-written file left behind
      throw error;
    }
  }

  private abs(path: string): string {
    return join(this.root, checkStagingPath(path));
  }
}
