import { ConfigurationError, ValidationError } from '../../../domain/errors.js';

/** A bucket and an object name (or prefix) in it. */
export interface GcsObjectLocation {
  readonly bucket: string;
  readonly name: string;
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const URI = /^gs:\/\/([^/]+)(?:\/(.*))?$/;

/** Parses the staging setting `gs://bucket[/prefix]`; the prefix comes back without a trailing '/' ('' when absent). */
export function parseStagingBucket(value: unknown): GcsObjectLocation {
  const match = typeof value === 'string' ? URI.exec(value) : null;
  const bucket = match?.[1] ?? '';
  const prefix = (match?.[2] ?? '').replace(/\/+$/, '');
  if (!match || !BUCKET.test(bucket) || (prefix !== '' && !cleanSegments(prefix))) {
    throw new ConfigurationError(
      'stagingBucket',
      `\`stagingBucket\` must look like gs://bucket[/prefix] (env SMARTJOB_STAGING_BUCKET), got ${JSON.stringify(value)}`,
    );
  }
  return { bucket, name: prefix };
}

/** Parses `gs://bucket/object`; `field` names the offending setting in the error. */
export function parseGcsUri(uri: unknown, field = 'gcsUri'): GcsObjectLocation {
  const match = typeof uri === 'string' ? URI.exec(uri) : null;
  const bucket = match?.[1] ?? '';
  const name = match?.[2] ?? '';
  if (!match || !BUCKET.test(bucket) || name === '') {
    throw new ValidationError(field, 'must look like gs://bucket/path/to/object', uri);
  }
  return { bucket, name };
}

function cleanSegments(path: string): boolean {
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !s.includes('\0'));
}
