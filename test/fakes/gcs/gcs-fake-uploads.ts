import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm, truncate, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { drain, GcsHttpError, parseJson, readSmallBody, sendJson } from './gcs-fake-http.js';
import { objectResource } from './gcs-fake-resource.js';
import type { FakeObjectStore, StoredObject } from './gcs-fake-store.js';
import { ObjectHasher } from './gcs-hash.js';
import { boundaryOf, MultipartMediaStream } from './gcs-multipart.js';

interface Session {
  readonly bucket: string;
  readonly name: string;
  readonly ifGenerationMatch: string | undefined;
  readonly contentType: string | undefined;
  readonly temp: string;
  readonly hasher: ObjectHasher;
  received: number;
  done?: StoredObject;
}

// 'bytes */N' (a status query), 'bytes S-E/N', 'bytes S-*/N'; N may be '*' (size not known yet)
const CONTENT_RANGE = /^bytes (?:\*|(\d+)-(\*|-?\d+))\/(\*|\d+)$/;

/** POST /upload/storage/v1/b/:bucket/o (resumable, multipart, media) and the PUTs of resumable sessions. */
export class FakeUploads {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly store: FakeObjectStore) {}

  async insert(req: IncomingMessage, res: ServerResponse, bucket: string, query: URLSearchParams, baseUrl: string): Promise<void> {
    const type = query.get('uploadType');
    if (type === 'resumable') return this.startSession(req, res, bucket, query, baseUrl);
    if (type !== 'multipart' && type !== 'media') throw new GcsHttpError(400, `uploadType ${type} is not supported by the fake`);
    const temp = await this.store.tempPath();
    try {
      await this.insertWhole(req, res, bucket, query, baseUrl, type, temp);
    } finally {
      await rm(temp, { force: true }); // committed objects were moved away already
    }
  }

  /** A multipart (metadata + media) or media-only upload: the whole object in one request. */
  private async insertWhole(req: IncomingMessage, res: ServerResponse, bucket: string, query: URLSearchParams, baseUrl: string, type: string, temp: string): Promise<void> {
    const media = type === 'multipart' ? new MultipartMediaStream(boundaryOf(req.headers['content-type'])) : undefined;
    const hasher = new ObjectHasher();
    const name = await receive(req, media ? [media] : [], hasher, temp, 0).then(() => query.get('name') ?? media?.metadata.name);
    if (typeof name !== 'string') throw new GcsHttpError(400, 'Required: name');
    const contentType = media?.metadata.contentType ?? req.headers['content-type'];
    const stored = await this.store.commit(bucket, name, temp, hasher.digest(), { ifGenerationMatch: query.get('ifGenerationMatch') ?? undefined, contentType: String(contentType) });
    sendJson(res, 200, objectResource(stored, baseUrl));
  }

  async put(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, baseUrl: string): Promise<void> {
    const id = query.get('upload_id') ?? '';
    const session = this.sessions.get(id);
    if (!session) {
      await drain(req);
      throw new GcsHttpError(404, `No such upload session: ${id}`);
    }
    const range = CONTENT_RANGE.exec(String(req.headers['content-range'] ?? `bytes */*`));
    if (!range) throw new GcsHttpError(400, `Invalid Content-Range: ${req.headers['content-range']}`);
    const total = range[3] === '*' ? undefined : Number(range[3]);
    const start = range[1] === undefined ? undefined : Number(range[1]);
    if (session.done) {
      await drain(req);
      return sendJson(res, 200, objectResource(session.done, baseUrl));
    }
    if (start === undefined || start > session.received) {
      await drain(req); // a status query, or a chunk beyond what was persisted: say what we have
      return total === session.received ? this.finish(res, id, session, baseUrl) : incomplete(res, session);
    }
    await receive(req, [], session.hasher, session.temp, session.received - start, session);
    if (total !== undefined && session.received > total) throw new GcsHttpError(400, `received ${session.received} bytes of a ${total}-byte object`);
    const complete = total !== undefined ? session.received === total : range[2] === '*';
    return complete ? this.finish(res, id, session, baseUrl) : incomplete(res, session);
  }

  private async startSession(req: IncomingMessage, res: ServerResponse, bucket: string, query: URLSearchParams, baseUrl: string): Promise<void> {
    const metadata = parseJson(await readSmallBody(req));
    const name = query.get('name') ?? metadata.name;
    if (typeof name !== 'string') throw new GcsHttpError(400, 'Required: name');
    await this.store.locate(bucket, name);
    const ifGenerationMatch = query.get('ifGenerationMatch') ?? undefined;
    const current = await this.store.get(bucket, name);
    // GCS checks the precondition when the session starts, and again when the object is finalised
    if (ifGenerationMatch !== undefined && (ifGenerationMatch === '0' ? current !== undefined : current?.generation !== ifGenerationMatch)) {
      throw new GcsHttpError(412, 'At least one of the pre-conditions you specified did not hold.');
    }
    const id = randomUUID();
    const temp = await this.store.tempPath();
    await writeFile(temp, '');
    const contentType = req.headers['x-upload-content-type'] ?? metadata.contentType;
    this.sessions.set(id, { bucket, name, ifGenerationMatch, contentType: contentType ? String(contentType) : undefined, temp, hasher: new ObjectHasher(), received: 0 });
    const location = `${baseUrl}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    res.writeHead(200, { location, 'x-guploader-uploadid': id, 'content-length': '0' });
    res.end();
  }

  private async finish(res: ServerResponse, id: string, session: Session, baseUrl: string): Promise<void> {
    try {
      session.done = await this.store.commit(session.bucket, session.name, session.temp, session.hasher.digest(), session);
    } catch (error) {
      this.sessions.delete(id); // a failed finalisation ends the session, as on GCS
      throw error;
    }
    sendJson(res, 200, objectResource(session.done, baseUrl));
  }
}

/** 308 Resume Incomplete with the persisted range (none when nothing is persisted yet). */
function incomplete(res: ServerResponse, session: Session): void {
  res.writeHead(308, { ...(session.received > 0 && { range: `bytes=0-${session.received - 1}` }), 'content-length': '0' });
  res.end();
}

/**
 * Streams a body to `temp` (appending at `state.received`), hashing it, skipping `skip` bytes the client
 * resent. A body cut half-way is undone, so the session stays consistent with its hashes.
 */
async function receive(req: IncomingMessage, decoders: Transform[], hasher: ObjectHasher, temp: string, skip: number, state = { received: 0 }): Promise<void> {
  const before = { hash: hasher.snapshot(), received: state.received };
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const data = chunk.subarray(Math.min(skip, chunk.length));
      skip -= chunk.length - data.length;
      hasher.update(data);
      state.received += data.length;
      callback(null, data);
    },
  });
  try {
    await pipeline([req, ...decoders, count, createWriteStream(temp, { flags: 'a' })]);
  } catch (error) {
    hasher.restore(before.hash);
    state.received = before.received;
    await truncate(temp, before.received);
    throw error;
  }
}
