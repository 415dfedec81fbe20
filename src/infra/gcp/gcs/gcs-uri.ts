import { ValidationError } from '../../../domain/errors.js';

/** A bucket and an object name (or prefix) in it. */
export interface GcsObjectLocation {
  readonly bucket: string;
  readonly name: string;
}

const BUCKET = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;
const URI = /^gs:\/\/([^/]+)(?:\/(.*))?$/;

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
