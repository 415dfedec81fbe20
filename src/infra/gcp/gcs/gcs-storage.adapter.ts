import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Bucket, Storage } from '@google-cloud/storage';
import { NotFoundError, StorageError, ValidationError } from '../../../domain/errors.js';
import type { ExecutionDirectoryQuery, ReadOptions, StoragePort, WriteOptions } from '../../../domain/ports/storage.port.js';
import { checkStagingPath } from '../../local/staging-path.js';
import { checkClientOptions, createStorageClient, type GcsClientOptions } from './gcs-client.js';
import { gcsStatus, isMissingBucket, translateGcsError } from './gcs-errors.js';
import { listGcsExecutionDirs, removeEmptyPastAncestors } from './gcs-execution-dirs.js';
import { DirectoryMarkers } from './gcs-markers.js';
import { deleteTree } from './gcs-remove.js';
import { abortable } from '../../shared/abort.js';
import { collect, localFileSize } from './gcs-streams.js';
import { parseGcsUri } from './gcs-uri.js';
import { parseStagingBucket } from '../shared/gcp-settings.js';

const MIB = 1024 * 1024;
const CHUNK_UNIT = 256 * 1024;

export interface GcsStorageOptions extends GcsClientOptions {
  /** The staging area: `gs://bucket` or `gs://bucket/prefix`. Env: SMARTJOB_STAGING_BUCKET. */
  readonly stagingBucket: string;
  /**
   * Bytes per request of a resumable upload. A failed chunk is sent again from memory, so a transient error
   * in the middle of a large file costs one chunk, not the whole upload. A multiple of 256 KiB.
   * @default 8 MiB
   */
  readonly chunkSizeBytes?: number;
}

/** Staging area in a Cloud Storage bucket (Cloud Run, Batch and Vertex mount it into the job). */
export class GcsStorageAdapter implements StoragePort {
  readonly bucketName: string;
  readonly prefix: string;
  private readonly chunkSize: number;
  private client?: Promise<Storage>;
  private readonly markers = new DirectoryMarkers();

  constructor(private readonly options: GcsStorageOptions) {
    const { bucket, prefix } = parseStagingBucket(options.stagingBucket);
    checkClientOptions(options);
    this.bucketName = bucket;
    this.prefix = prefix;
    this.chunkSize = options.chunkSizeBytes ?? 8 * MIB;
    if (!Number.isInteger(this.chunkSize) || this.chunkSize <= 0 || this.chunkSize % CHUNK_UNIT !== 0) {
      throw new ValidationError('chunkSizeBytes', 'must be a positive multiple of 262144 (256 KiB)', options.chunkSizeBytes);
    }
  }

  location(path: string): string {
    return `gs://${this.bucketName}/${this.objectName(path)}`;
  }

  /** Writes the marker `path/` and those of its ancestors that are missing (see DirectoryMarkers). */
  async createDirectory(path: string): Promise<void> {
    const name = this.objectName(path);
    const uri = this.location(path);
    await this.call(`create directory ${uri}`, uri, undefined, (bucket) => this.markers.ensure(bucket, name));
  }

  async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    const name = this.objectName(path);
    const uri = this.location(path);
    await this.call(`write ${uri}`, uri, options?.signal, async (bucket) => {
      const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      // save() retries as a whole, one new request each time; a multipart request is one round trip
      const upload = bucket.file(name).save(bytes, { resumable: bytes.length > this.chunkSize, chunkSize: this.chunkSize, ...precondition(options) });
      await abortable(upload, options?.signal);
    });
  }

  async writeFile(path: string, localPath: string, options?: WriteOptions): Promise<void> {
    const name = this.objectName(path);
    const uri = this.location(path);
    const size = await localFileSize(localPath);
    // a chunked upload of 0 bytes sends an invalid Content-Range ("bytes 0--1/0")
    if (size === 0) return this.writeBytes(path, new Uint8Array(0), options);
    await this.call(`write ${uri}`, uri, options?.signal, async (bucket) => {
      const target = bucket.file(name).createWriteStream({
        resumable: true,
        chunkSize: this.chunkSize,
        metadata: { contentLength: size },
        ...precondition(options),
      });
      await pipeline(createReadStream(localPath), target, { signal: options?.signal });
    });
  }

  async writeStream(path: string, data: AsyncIterable<Uint8Array>, options?: WriteOptions): Promise<void> {
    const name = this.objectName(path);
    const uri = this.location(path);
    await this.call(`write ${uri}`, uri, options?.signal, async (bucket) => {
      const target = bucket.file(name).createWriteStream({ resumable: true, chunkSize: this.chunkSize, ...precondition(options) });
      await pipeline(data, target, { signal: options?.signal });
    });
  }

  /** Server-side copy (rewrite): the bytes never pass through this process. */
  async copyFromGcs(path: string, gcsUri: string, options?: WriteOptions): Promise<void> {
    const name = this.objectName(path);
    const source = parseGcsUri(gcsUri);
    const uri = this.location(path);
    await this.call(`copy ${gcsUri} to ${uri}`, uri, options?.signal, async (bucket, storage) => {
      const copy = storage.bucket(source.bucket).file(source.name).copy(bucket.file(name), precondition(options));
      await abortable(copy, options?.signal);
    }, gcsUri);
  }

  async read(path: string, options?: ReadOptions): Promise<Uint8Array | undefined> {
    const name = this.objectName(path);
    const uri = this.location(path);
    const bucket = await this.bucket();
    try {
      return await collect(bucket.file(name).createReadStream(), uri, options);
    } catch (error) {
      if (gcsStatus(error) === 404 && !isMissingBucket(error) && !options?.signal?.aborted) {
        if (await isDirectory(bucket, name)) throw new StorageError(`cannot read ${uri}: it is a directory, not a file`);
        return undefined;
      }
      throw translateGcsError(error, { action: `read ${uri}`, target: uri, signal: options?.signal });
    }
  }

  async readStream(path: string, options?: { readonly signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array> | undefined> {
    const name = this.objectName(path);
    const uri = this.location(path);
    const bucket = await this.bucket();
    try {
      const [exists] = await abortable(bucket.file(name).exists(), options?.signal);
      if (!exists) {
        if (await isDirectory(bucket, name)) throw new StorageError(`cannot read ${uri}: it is a directory, not a file`);
        return undefined;
      }
    } catch (error) {
      throw translateGcsError(error, { action: `read ${uri}`, target: uri, signal: options?.signal });
    }
    return bucket.file(name).createReadStream();
  }

  async listExecutionDirectories(query?: ExecutionDirectoryQuery): Promise<readonly string[]> {
    const root = `gs://${this.bucketName}/${this.base}`;
    const bucket = await this.bucket();
    try {
      return await listGcsExecutionDirs(bucket, this.base, query);
    } catch (error) {
      throw translateGcsError(error, { action: `list the executions of ${root}`, target: root, signal: query?.signal });
    }
  }

  async remove(path: string): Promise<void> {
    const name = this.objectName(path);
    const uri = this.location(path);
    this.markers.forget(name);
    await this.call(`remove ${uri}`, uri, undefined, async (bucket) => {
      await deleteTree(bucket, name);
      await removeEmptyPastAncestors(bucket, this.base, checkStagingPath(path), this.markers);
    });
  }

  /** What object names of the staging area start with: '' or 'prefix/'. */
  private get base(): string {
    return this.prefix ? `${this.prefix}/` : '';
  }

  private objectName(path: string): string {
    const checked = checkStagingPath(path);
    return this.prefix ? `${this.prefix}/${checked}` : checked;
  }

  private async bucket(): Promise<Bucket> {
    this.client ??= createStorageClient(this.options);
    return (await this.client).bucket(this.bucketName);
  }

  /** Runs a client call and translates its failure; `notFound` names what a 404 means is missing. */
  private async call(action: string, target: string, signal: AbortSignal | undefined, work: (bucket: Bucket, storage: Storage) => Promise<void>, notFound?: string): Promise<void> {
    const bucket = await this.bucket();
    try {
      signal?.throwIfAborted(); // an upload that started would run on in the background
      await work(bucket, bucket.storage);
    } catch (error) {
      const translated = translateGcsError(error, { action, target, signal });
      if (notFound && translated instanceof NotFoundError && !isMissingBucket(error)) throw new NotFoundError(notFound, translated.message, { cause: error });
      throw translated;
    }
  }
}

/** Objects under `name/` (a marker or files written through a mount) make `name` a directory. */
async function isDirectory(bucket: Bucket, name: string): Promise<boolean> {
  const [files] = await bucket.getFiles({ prefix: `${name}/`, maxResults: 1, autoPaginate: false });
  return files.length > 0;
}

/** ifGenerationMatch 0: "only if no live object has this name", checked by the server. */
function precondition(options: WriteOptions | undefined): { preconditionOpts?: { ifGenerationMatch: number } } {
  return options?.ifAbsent ? { preconditionOpts: { ifGenerationMatch: 0 } } : {};
}
