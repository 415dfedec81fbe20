import { copyFile, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { drain, GcsHttpError, sendJson } from './gcs-fake-http.js';
import { applyDelimiter } from './gcs-fake-list.js';
import { mediaHeaders, objectResource } from './gcs-fake-resource.js';
import type { FakeObjectStore, StoredObject } from './gcs-fake-store.js';

const PAGE_SIZE = 1000;

/** Object reads, deletes, listings and server-side copies of the JSON API. */
export class FakeObjects {
  constructor(private readonly store: FakeObjectStore) {}

  async bucket(res: ServerResponse, bucket: string): Promise<void> {
    await this.store.requireBucket(bucket);
    sendJson(res, 200, { kind: 'storage#bucket', id: bucket, name: bucket, location: 'US', storageClass: 'STANDARD' });
  }

  async get(req: IncomingMessage, res: ServerResponse, bucket: string, name: string, query: URLSearchParams, baseUrl: string): Promise<void> {
    const object = await this.require(bucket, name);
    if (query.get('alt') !== 'media') return sendJson(res, 200, objectResource(object, baseUrl));
    if (req.headers.range) throw new GcsHttpError(400, 'The fake does not serve Range requests');
    res.writeHead(200, mediaHeaders(object));
    if (object.name.endsWith('/')) return void res.end();
    const { path } = await this.store.locate(bucket, name);
    await pipeline(createReadStream(path), res);
  }

  async delete(res: ServerResponse, bucket: string, name: string): Promise<void> {
    if (!(await this.store.delete(bucket, name))) throw noSuchObject(bucket, name);
    res.writeHead(204);
    res.end();
  }

  async list(res: ServerResponse, bucket: string, query: URLSearchParams, baseUrl: string): Promise<void> {
    const prefix = query.get('prefix') ?? '';
    const names = await this.store.list(bucket, prefix);
    const after = query.get('pageToken') ? Buffer.from(query.get('pageToken')!, 'base64url').toString('utf8') : undefined;
    const entries = applyDelimiter(names, prefix, query.get('delimiter') ?? undefined).filter((e) => after === undefined || Buffer.compare(Buffer.from(e.name), Buffer.from(after)) > 0);
    const page = entries.slice(0, Number(query.get('maxResults') ?? PAGE_SIZE) || PAGE_SIZE);
    const items: Record<string, unknown>[] = [];
    for (const entry of page.filter((e) => !e.isPrefix)) {
      const object = await this.store.get(bucket, entry.name);
      if (object) items.push(objectResource(object, baseUrl)); // deleted meanwhile: skip, as a listing race would
    }
    const last = page.at(-1);
    sendJson(res, 200, {
      kind: 'storage#objects',
      ...(items.length > 0 && { items }),
      ...(page.some((e) => e.isPrefix) && { prefixes: page.filter((e) => e.isPrefix).map((e) => e.name) }),
      ...(last && entries.length > page.length && { nextPageToken: Buffer.from(last.name).toString('base64url') }),
    });
  }

  /** rewriteTo (what File#copy uses) and copyTo; one call always finishes the rewrite here. */
  async copy(req: IncomingMessage, res: ServerResponse, kind: 'rewriteTo' | 'copyTo', source: { bucket: string; name: string }, target: { bucket: string; name: string }, query: URLSearchParams, baseUrl: string): Promise<void> {
    await drain(req); // destination metadata overrides: not modelled
    const from = await this.require(source.bucket, source.name);
    await this.store.requireBucket(target.bucket);
    const temp = await this.store.tempPath();
    if (!from.name.endsWith('/')) await copyFile((await this.store.locate(source.bucket, source.name)).path, temp);
    else await writeFile(temp, '');
    const stored = await this.store.commit(target.bucket, target.name, temp, from, { ifGenerationMatch: query.get('ifGenerationMatch') ?? undefined, contentType: from.contentType });
    const resource = objectResource(stored, baseUrl);
    if (kind === 'copyTo') return sendJson(res, 200, resource);
    sendJson(res, 200, { kind: 'storage#rewriteResponse', totalBytesRewritten: String(stored.size), objectSize: String(stored.size), done: true, resource });
  }

  private async require(bucket: string, name: string): Promise<StoredObject> {
    const object = await this.store.get(bucket, name);
    if (!object) throw noSuchObject(bucket, name);
    return object;
  }
}

function noSuchObject(bucket: string, name: string): GcsHttpError {
  return new GcsHttpError(404, `No such object: ${bucket}/${name}`);
}
