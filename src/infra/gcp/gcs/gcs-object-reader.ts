import { PassThrough } from 'node:stream';
import type { Storage } from '@google-cloud/storage';
import type { GcsObjectReader } from '../../local/local-directory-storage.adapter.js';
import { checkClientOptions, createStorageClient, type GcsClientOptions } from './gcs-client.js';
import { translateGcsError } from './gcs-errors.js';
import { parseGcsUri } from './gcs-uri.js';

/**
 * A reader of `gs://` objects for staging areas that are not GCS (local directory, Docker volume): a
 * GcsInput is streamed through this process. The client (and @google-cloud/storage) loads on first use.
 */
export function createGcsObjectReader(options: GcsClientOptions = {}): GcsObjectReader {
  checkClientOptions(options);
  let client: Promise<Storage> | undefined;
  return async (gcsUri, signal) => {
    const { bucket, name } = parseGcsUri(gcsUri);
    signal?.throwIfAborted();
    client ??= createStorageClient(options);
    const source = (await client).bucket(bucket).file(name).createReadStream();
    // a PassThrough so the consumer sees domain errors (NotFoundError, PermissionDeniedError), not client ones
    const output = new PassThrough();
    source.on('error', (error) => output.destroy(translateGcsError(error, { action: `read ${gcsUri}`, target: gcsUri, signal }) as Error));
    output.on('close', () => source.destroy());
    source.pipe(output);
    return output;
  };
}
