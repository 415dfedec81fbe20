import type { IncomingMessage, ServerResponse } from 'node:http';
import { GcsHttpError } from './gcs-fake-http.js';
import type { FakeObjects } from './gcs-fake-objects.js';
import type { FakeUploads } from './gcs-fake-uploads.js';

/** Dispatches a JSON API request. Object names arrive percent-encoded in one path segment (`a%2Fb.txt`). */
export async function route(req: IncomingMessage, res: ServerResponse, url: URL, objects: FakeObjects, uploads: FakeUploads): Promise<void> {
  const baseUrl = `http://${req.headers.host}`;
  const method = req.method ?? 'GET';
  const query = url.searchParams;
  const [root, ...rest] = url.pathname.split('/').filter((s) => s !== '').map(decode);
  if (root === 'upload' && matches(rest, 'storage', 'v1', 'b', undefined, 'o') && rest.length === 5) {
    if (method === 'POST') return uploads.insert(req, res, rest[3]!, query, baseUrl);
    if (method === 'PUT') return uploads.put(req, res, query, baseUrl);
  }
  if (root === 'download' && matches(rest, 'storage', 'v1', 'b', undefined, 'o') && rest.length >= 6 && method === 'GET') {
    return objects.get(req, res, rest[3]!, rest.slice(5).join('/'), query, baseUrl);
  }
  if (root === 'storage' && matches(rest, 'v1', 'b')) {
    const [, , bucket, o, ...tail] = rest;
    if (bucket !== undefined && o === undefined && method === 'GET') return objects.bucket(res, bucket);
    if (bucket !== undefined && o === 'o' && tail.length === 0 && method === 'GET') return objects.list(res, bucket, query, baseUrl);
    const copy = tail.findIndex((s) => s === 'rewriteTo' || s === 'copyTo');
    if (bucket !== undefined && o === 'o' && copy > 0 && method === 'POST' && tail[copy + 1] === 'b' && tail[copy + 3] === 'o') {
      const source = { bucket, name: tail.slice(0, copy).join('/') };
      const target = { bucket: tail[copy + 2]!, name: tail.slice(copy + 4).join('/') };
      return objects.copy(req, res, tail[copy] as 'rewriteTo' | 'copyTo', source, target, query, baseUrl);
    }
    if (bucket !== undefined && o === 'o' && tail.length > 0) {
      const name = tail.join('/');
      if (method === 'GET') return objects.get(req, res, bucket, name, query, baseUrl);
      if (method === 'DELETE') return objects.delete(res, bucket, name);
    }
  }
  throw new GcsHttpError(404, `Not Found: ${method} ${url.pathname}`);
}

/** True when `segments` starts with `expected` (undefined: any one segment). */
function matches(segments: readonly string[], ...expected: (string | undefined)[]): boolean {
  return expected.every((e, i) => segments[i] !== undefined && (e === undefined || segments[i] === e));
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    throw new GcsHttpError(400, `bad percent-encoding in '${segment}': ${(error as Error).message}`);
  }
}
