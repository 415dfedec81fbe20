import { readFile } from 'node:fs/promises';
import { StorageError } from '../../src/domain/errors.js';
import type { ExecutionDirectoryQuery, ReadOptions, StoragePort, WriteOptions } from '../../src/domain/ports/storage.port.js';

/** StoragePort in a Map, for unit tests of the domain. */
export class InMemoryStorage implements StoragePort {
  readonly objects = new Map<string, Uint8Array>();
  readonly directories = new Set<string>();
  /** When each object or directory was last written (tests may set older times). */
  readonly modified = new Map<string, Date>();
  /** Makes the next `read` calls throw this error (one per entry). */
  readonly readFailures: Error[] = [];

  location(path: string): string {
    return `mem://${path}`;
  }
  async createDirectory(path: string): Promise<void> {
    this.directories.add(path);
    this.modified.set(path, new Date());
  }
  async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    if (options?.ifAbsent && this.objects.has(path)) throw new StorageError(`${path} already exists`);
    this.objects.set(path, data);
    this.modified.set(path, new Date());
  }
  async writeFile(path: string, localPath: string, options?: WriteOptions): Promise<void> {
    await this.writeBytes(path, await readFile(localPath), options);
  }
  async writeStream(path: string, data: AsyncIterable<Uint8Array>, options?: WriteOptions): Promise<void> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of data) chunks.push(chunk);
    await this.writeBytes(path, Buffer.concat(chunks), options);
  }
  async copyFromGcs(path: string, gcsUri: string): Promise<void> {
    await this.writeBytes(path, new TextEncoder().encode(`copy of ${gcsUri}`));
  }
  async read(path: string, options?: ReadOptions): Promise<Uint8Array | undefined> {
    const failure = this.readFailures.shift();
    if (failure) throw failure;
    const data = this.objects.get(path);
    if (data && data.byteLength > (options?.maxBytes ?? Infinity)) throw new StorageError(`${path} is larger than ${options!.maxBytes} bytes`);
    return data;
  }
  async readStream(path: string): Promise<AsyncIterable<Uint8Array> | undefined> {
    const data = await this.read(path);
    return data && (async function* () { yield data; })();
  }
  async listExecutionDirectories(query: ExecutionDirectoryQuery = {}): Promise<readonly string[]> {
    const newest = new Map<string, number>();
    for (const [path, date] of this.modified) {
      const segments = path.split('/');
      if (segments.length < 4 || (segments.length === 4 && !this.directories.has(path))) continue;
      if (!segments[0]!.startsWith(query.prefix ?? '') || (query.executionId !== undefined && segments[3] !== query.executionId)) continue;
      const dir = segments.slice(0, 4).join('/');
      newest.set(dir, Math.max(newest.get(dir) ?? 0, date.getTime()));
    }
    const cutoff = query.modifiedBefore?.getTime() ?? Infinity;
    return [...newest].filter(([, time]) => time < cutoff).map(([dir]) => dir).sort();
  }
  async remove(path: string): Promise<void> {
    const under = (key: string) => key === path || key.startsWith(`${path}/`);
    for (const key of [...this.objects.keys()]) if (under(key)) this.objects.delete(key);
    for (const dir of [...this.directories]) if (under(dir)) this.directories.delete(dir);
    for (const key of [...this.modified.keys()]) if (under(key)) this.modified.delete(key);
  }
  text(path: string): string | undefined {
    const bytes = this.objects.get(path);
    return bytes && new TextDecoder().decode(bytes);
  }
}
