import { randomUUID } from 'node:crypto';
import { mkdirSync, type BigIntStats } from 'node:fs';
import { link, mkdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GcsHttpError } from './gcs-fake-http.js';
import { listNames } from './gcs-fake-list.js';
import { EMPTY_HASHES, hashFile, type ObjectHashes } from './gcs-hash.js';

export interface StoredObject extends ObjectHashes {
  readonly bucket: string;
  readonly name: string;
  readonly size: number;
  readonly generation: string;
  readonly contentType: string;
  readonly updated: Date;
}

export interface CommitOptions {
  /** '0': only if absent; another value: only if the live generation is that one. */
  readonly ifGenerationMatch?: string | undefined;
  readonly contentType?: string | undefined;
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/**
 * Objects as files under `<root>/<bucket>/<name>`, so a container can mount a bucket as a directory. An
 * object `a/b/` (a directory marker) is the directory `a/b`; every directory lists as a marker.
 */
export class FakeObjectStore {
  private readonly hashes = new Map<string, { mtimeNs: bigint; size: number; hashes: ObjectHashes }>();
  private readonly contentTypes = new Map<string, string>();

  constructor(readonly root: string) {}

  /** The bucket's directory, created (with the bucket) when missing. */
  bucketDir(bucket: string): string {
    if (!BUCKET.test(bucket)) throw new Error(`invalid bucket name '${bucket}'`);
    const dir = join(this.root, bucket);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  async requireBucket(bucket: string): Promise<string> {
    const dir = join(this.root, bucket);
    const info = BUCKET.test(bucket) ? await statOrUndefined(dir) : undefined;
    if (!info?.isDirectory()) throw new GcsHttpError(404, 'The specified bucket does not exist.');
    return dir;
  }

  async get(bucket: string, name: string): Promise<StoredObject | undefined> {
    const { path, marker } = await this.locate(bucket, name);
    const info = await statOrUndefined(path);
    if (!info || (marker ? !info.isDirectory() : !info.isFile())) return undefined;
    const size = marker ? 0 : Number(info.size);
    let hashes = marker ? EMPTY_HASHES : this.cachedHashes(path, info);
    if (!hashes) {
      hashes = await hashFile(path);
      this.hashes.set(path, { mtimeNs: info.mtimeNs, size, hashes });
    }
    const contentType = this.contentTypes.get(`${bucket}/${name}`) ?? (marker ? 'text/plain' : 'application/octet-stream');
    return { bucket, name, size, generation: String(info.mtimeNs / 1000n), contentType, updated: info.mtime, crc32c: hashes.crc32c, md5Hash: hashes.md5Hash };
  }

  /** The on-disk path of an object; names the fake cannot map to a path are refused with a 400. */
  async locate(bucket: string, name: string): Promise<{ path: string; marker: boolean }> {
    const dir = await this.requireBucket(bucket);
    const marker = name.endsWith('/');
    const segments = (marker ? name.slice(0, -1) : name).split('/');
    if (name === '' || Buffer.byteLength(name) > 1024 || /[\r\n\0]/.test(name) || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new GcsHttpError(400, `The fake cannot store an object named ${JSON.stringify(name)}`);
    }
    return { path: join(dir, ...segments), marker };
  }

  /** A fresh path for an upload in progress (outside every bucket, on the same file system). */
  async tempPath(): Promise<string> {
    await mkdir(join(this.root, '.uploads'), { recursive: true });
    return join(this.root, '.uploads', randomUUID());
  }

  /** Makes the uploaded temp file the live object, checking the precondition atomically for ifGenerationMatch 0. */
  async commit(bucket: string, name: string, temp: string, hashes: ObjectHashes, options: CommitOptions = {}): Promise<StoredObject> {
    try {
      const { path, marker } = await this.locate(bucket, name);
      const current = await this.get(bucket, name);
      const wanted = options.ifGenerationMatch;
      if (wanted !== undefined && wanted !== '0' && current?.generation !== wanted) throw preconditionFailed();
      if (marker) {
        if (wanted === '0' && current) throw preconditionFailed();
        if ((await stat(temp)).size !== 0) throw new GcsHttpError(400, 'The fake stores directory markers only when empty');
        await mkdir(path, { recursive: true }).catch(conflict);
      } else {
        await mkdir(dirname(path), { recursive: true }).catch(conflict);
        if (wanted === '0') await link(temp, path).catch((error: NodeJS.ErrnoException) => { throw error.code === 'EEXIST' ? preconditionFailed() : error; });
        else await rename(temp, path).catch(conflict);
      }
      if (options.contentType) this.contentTypes.set(`${bucket}/${name}`, options.contentType);
      const info = await stat(path, { bigint: true });
      if (!marker) this.hashes.set(path, { mtimeNs: info.mtimeNs, size: Number(info.size), hashes: { crc32c: hashes.crc32c, md5Hash: hashes.md5Hash } });
      const stored = await this.get(bucket, name);
      if (!stored) throw new GcsHttpError(500, `object ${name} vanished while being stored`);
      return stored;
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Deletes an object; false when absent. A marker of a non-empty directory stays (its children imply it). */
  async delete(bucket: string, name: string): Promise<boolean> {
    const { path, marker } = await this.locate(bucket, name);
    if (!(await this.get(bucket, name))) return false;
    if (!marker) {
      // a concurrent delete of the same object may win the race: then it is absent, as GCS would say
      return unlink(path).then(() => true, (error: NodeJS.ErrnoException) => { if (error.code === 'ENOENT') return false; throw error; });
    }
    await rmdir(path).catch((error: NodeJS.ErrnoException) => { if (error.code !== 'ENOTEMPTY') throw error; });
    return true;
  }

  /** Every object name starting with `prefix`, in GCS order (UTF-8 bytes). */
  async list(bucket: string, prefix: string): Promise<string[]> {
    return listNames(await this.requireBucket(bucket), prefix);
  }

  private cachedHashes(path: string, info: BigIntStats): ObjectHashes | undefined {
    const cached = this.hashes.get(path);
    return cached && cached.mtimeNs === info.mtimeNs && cached.size === Number(info.size) ? cached.hashes : undefined;
  }
}

function preconditionFailed(): GcsHttpError {
  return new GcsHttpError(412, 'At least one of the pre-conditions you specified did not hold.');
}

/** A file where a directory is needed, or the reverse: GCS allows it, a file system cannot. */
function conflict(error: NodeJS.ErrnoException): never {
  if (['EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY'].includes(error.code ?? '')) {
    throw new GcsHttpError(409, `The fake cannot store this object beside an object/directory of the same path (${error.code})`);
  }
  throw error;
}

async function statOrUndefined(path: string): Promise<BigIntStats | undefined> {
  try {
    return await stat(path, { bigint: true });
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}
