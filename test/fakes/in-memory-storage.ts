import { readFile } from 'node:fs/promises';
import { StorageError } from '../../src/domain/errors.js';
import type { StoragePort, WriteOptions } from '../../src/domain/ports/storage.port.js';

/** StoragePort in a Map, for unit tests of the domain. */
export class InMemoryStorage implements StoragePort {
  readonly objects = new Map<string, Uint8Array>();
  readonly directories = new Set<string>();
  /** Makes the next `read` calls throw this error (one per entry). */
  readonly readFailures: Error[] = [];

  location(path: string): string {
    return `mem://${path}`;
  }
  async createDirectory(path: string): Promise<void> {
    this.directories.add(path);
  }
  async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    if (options?.ifAbsent && this.objects.has(path)) throw new StorageError(`${path} already exists`);
    this.objects.set(path, data);
  }
  async writeFile(path: string, localPath: string, options?: WriteOptions): Promise<void> {
    await this.writeBytes(path, await readFile(localPath), options);
  }
  async copyFromGcs(path: string, gcsUri: string): Promise<void> {
    this.objects.set(path, new TextEncoder().encode(`copy of ${gcsUri}`));
  }
  async read(path: string): Promise<Uint8Array | undefined> {
    const failure = this.readFailures.shift();
    if (failure) throw failure;
    return this.objects.get(path);
  }
  async remove(path: string): Promise<void> {
    for (const key of [...this.objects.keys()]) if (key === path || key.startsWith(`${path}/`)) this.objects.delete(key);
    for (const dir of [...this.directories]) if (dir === path || dir.startsWith(`${path}/`)) this.directories.delete(dir);
  }
  text(path: string): string | undefined {
    const bytes = this.objects.get(path);
    return bytes && new TextDecoder().decode(bytes);
  }
}
