import type { StoredObject } from './gcs-fake-store.js';

/** The JSON API object resource, with the fields the client reads (size, generation, md5Hash, crc32c). */
export function objectResource(o: StoredObject, baseUrl: string): Record<string, unknown> {
  const path = `b/${encodeURIComponent(o.bucket)}/o/${encodeURIComponent(o.name)}`;
  const time = o.updated.toISOString();
  return {
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${baseUrl}/storage/v1/${path}`,
    mediaLink: `${baseUrl}/download/storage/v1/${path}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: o.generation,
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.size),
    md5Hash: o.md5Hash,
    crc32c: o.crc32c,
    etag: Buffer.from(o.generation).toString('base64'),
    timeCreated: time,
    updated: time,
  };
}

/** Headers of a media download; the client validates the body against `x-goog-hash` only with the stored encoding. */
export function mediaHeaders(o: StoredObject): Record<string, string> {
  return {
    'content-type': o.contentType,
    'content-length': String(o.size),
    'x-goog-hash': `crc32c=${o.crc32c},md5=${o.md5Hash}`,
    'x-goog-generation': o.generation,
    'x-goog-metageneration': '1',
    'x-goog-stored-content-encoding': 'identity',
    'x-goog-stored-content-length': String(o.size),
    etag: Buffer.from(o.generation).toString('base64'),
  };
}
