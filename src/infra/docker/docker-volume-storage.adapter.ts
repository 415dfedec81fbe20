import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import { ConfigurationError, StorageError, ValidationError } from '../../domain/errors.js';
import type { ExecutionDirectoryQuery, ReadOptions, StoragePort, WriteOptions } from '../../domain/ports/storage.port.js';
import { collectBounded } from '../shared/bounded-read.js';
import type { GcsObjectReader } from '../local/local-directory-storage.adapter.js';
import { checkStagingPath } from '../local/staging-path.js';
import { localFileSize, openSingleFile, packBytes, packDirectory, packLocalFile } from './docker-volume-archive.js';
import { statusCodeOf } from './docker-errors.js';
import { translateVolumeError } from './docker-volume-errors.js';
import { STAGING_MOUNT } from './docker-options.js';
import { createHelper, ensureVolume, removeInVolume, withSignal } from './docker-volume-helper.js';
import { listExecutionDirsInVolume } from './docker-volume-listing.js';

export interface DockerVolumeStorageOptions {
  /** The daemon holding the volume; typically a remote one (DOCKER_HOST), where a host directory cannot be shared. */
  readonly docker: Dockerode;
  /** Named volume holding the staging area; created when missing. Containers mount it at /staging. */
  readonly volumeName: string;
  /** Image of the helper containers (must be present on the daemon and have `rm`), e.g. a busybox. */
  readonly helperImage: string;
  /** Reads `gs://` objects for copyFromGcs. @default none: a GcsInput is a ConfigurationError */
  readonly gcsReader?: GcsObjectReader;
}

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/**
 * Staging area in a Docker named volume, reached only through the archive API of a helper container that is
 * created and never started (no process, no network). Each archive call costs ~55 ms on the daemon side.
 */
export class DockerVolumeStorageAdapter implements StoragePort {
  private helper: Promise<Dockerode.Container> | undefined;
  private disposed = false;

  constructor(private readonly options: DockerVolumeStorageOptions) {
    if (typeof options.volumeName !== 'string' || !VOLUME_NAME.test(options.volumeName)) {
      throw new ValidationError('volumeName', 'must match [a-zA-Z0-9][a-zA-Z0-9_.-]+', options.volumeName);
    }
    if (typeof options.helperImage !== 'string' || options.helperImage === '') {
      throw new ValidationError('helperImage', 'must be a non-empty image reference', options.helperImage);
    }
  }

  location(path: string): string {
    return `docker-volume://${this.options.volumeName}/${checkStagingPath(path)}`;
  }

  async createDirectory(path: string): Promise<void> {
    const checked = checkStagingPath(path);
    await this.put(checked, () => packDirectory(checked));
  }

  async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    const checked = checkStagingPath(path);
    await this.put(checked, () => packBytes(checked, data), options);
  }

  async writeFile(path: string, localPath: string, options?: WriteOptions): Promise<void> {
    const checked = checkStagingPath(path);
    const size = await localFileSize(localPath);
    await this.put(checked, () => packLocalFile(checked, size, localPath), options);
  }

  checkCopyFromGcs(): void {
    if (!this.options.gcsReader) throw new ConfigurationError('gcs', 'cannot copy gs:// inputs: no Cloud Storage reader is configured for the Docker volume staging area');
    this.options.gcsReader.check();
  }

  async writeStream(path: string, data: AsyncIterable<Uint8Array>, options?: WriteOptions): Promise<void> {
    await this.spooled(checkStagingPath(path), () => data, options);
  }

  async copyFromGcs(path: string, gcsUri: string, options?: WriteOptions): Promise<void> {
    const checked = checkStagingPath(path);
    this.checkCopyFromGcs();
    const reader = this.options.gcsReader!;
    await this.spooled(checked, () => reader.open(gcsUri, options?.signal), options);
  }

  async read(path: string, options?: ReadOptions): Promise<Uint8Array | undefined> {
    const stream = await this.readStream(path, options);
    if (!stream) return undefined;
    try {
      return await collectBounded(stream, this.location(path), options?.maxBytes);
    } catch (error) {
      throw translateVolumeError(error, `read ${this.location(path)}`);
    }
  }

  async readStream(path: string, options?: { readonly signal?: AbortSignal }): Promise<AsyncIterable<Uint8Array> | undefined> {
    const checked = checkStagingPath(path);
    const container = await this.container();
    try {
      const archive = await container.getArchive({ path: `${STAGING_MOUNT}/${checked}`, ...withSignal(options?.signal) });
      return await openSingleFile(archive, this.location(checked), options?.signal);
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw translateVolumeError(error, `read ${this.location(checked)}`);
    }
  }

  async listExecutionDirectories(query?: ExecutionDirectoryQuery): Promise<readonly string[]> {
    await this.container(); // the volume must exist
    return listExecutionDirsInVolume(this.options, query);
  }

  async remove(path: string): Promise<void> {
    const checked = checkStagingPath(path);
    await this.container(); // the volume must exist
    await removeInVolume(this.options, checked);
  }

  /** Removes the helper container. The volume and its content stay. Idempotent. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const helper = this.helper;
    this.helper = undefined;
    if (!helper) return;
    // a helper that failed to be created left nothing to remove; its error went to the call that needed it
    const container = await helper.catch(() => undefined);
    await container?.remove({ force: true }).catch((error: unknown) => {
      if (statusCodeOf(error) !== 404) throw translateVolumeError(error, `remove helper container ${container.id}`);
    });
  }

  private async put(path: string, archive: () => NodeJS.ReadableStream, options?: WriteOptions): Promise<void> {
    const container = await this.container();
    // the archive API has no "only if absent": check first (a concurrent writer could still slip in between)
    if (options?.ifAbsent) await this.refuseExisting(path);
    try {
      options?.signal?.throwIfAborted();
      await container.putArchive(archive(), { path: STAGING_MOUNT, ...withSignal(options?.signal) });
    } catch (error) {
      throw translateVolumeError(error, `write ${this.location(path)}`);
    }
  }

  /** Spooled to a local temp file first: a tar entry needs its size before its content. */
  private async spooled(path: string, source: () => AsyncIterable<Uint8Array> | NodeJS.ReadableStream | Promise<NodeJS.ReadableStream>, options?: WriteOptions): Promise<void> {
    if (options?.ifAbsent) await this.refuseExisting(path);
    const dir = await mkdtemp(join(tmpdir(), 'smartjob-spool-'));
    try {
      const spool = join(dir, 'object');
      await pipeline(await source(), createWriteStream(spool), { signal: options?.signal });
      await this.writeFile(path, spool, options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private async refuseExisting(path: string): Promise<void> {
    const container = await this.container();
    try {
      // the answer of a HEAD comes as a stream: left unread, it would hold the daemon connection open
      const answer = (await container.infoArchive({ path: `${STAGING_MOUNT}/${path}` })) as NodeJS.ReadableStream;
      answer.resume();
    } catch (error) {
      if (statusCodeOf(error) === 404) return;
      throw translateVolumeError(error, `check ${this.location(path)}`);
    }
    throw new StorageError(`${this.location(path)} already exists`);
  }

  private container(): Promise<Dockerode.Container> {
    if (this.disposed) return Promise.reject(new StorageError(`the staging area on volume ${this.options.volumeName} was disposed`));
    this.helper ??= ensureVolume(this.options)
      .then(() => createHelper(this.options))
      .catch((error: unknown) => {
        this.helper = undefined; // let the next call try again
        throw error;
      });
    return this.helper;
  }
}
