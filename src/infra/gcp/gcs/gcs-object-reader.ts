import { PassThrough } from 'node:stream';
import type { Storage } from '@google-cloud/storage';
import { ConfigurationError } from '../../../domain/errors.js';
import type { GcsObjectReader } from '../../local/local-directory-storage.adapter.js';
import { checkClientOptions, createStorageClient, type GcsClientOptions } from './gcs-client.js';
import { translateGcsError } from './gcs-errors.js';
import { parseGcsUri } from './gcs-uri.js';

/**
 * Whether Cloud Storage access is configured explicitly: a client or an endpoint in the options, or credentials
 * or an emulator named by the environment. Without one, a GcsInput on a local staging area is refused up front
 * rather than sent to storage.googleapis.com with whatever credentials the default lookup finds (or none).
 */
export function hasExplicitGcsAccess(options: GcsClientOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return options.storage !== undefined || !!options.apiEndpoint || !!env.GOOGLE_APPLICATION_CREDENTIALS || !!env.STORAGE_EMULATOR_HOST;
}

/** The reader of a local staging area: a working one when access is configured explicitly, else one that refuses. */
export function gcsObjectReaderFor(options: GcsClientOptions, backend: string, env: NodeJS.ProcessEnv = process.env): GcsObjectReader {
  if (hasExplicitGcsAccess(options, env)) return createGcsObjectReader(options);
  const refusal = () => new ConfigurationError(
    'gcs',
    `a GcsInput on the ${backend} backend is copied through this process, and no Cloud Storage access is configured: ` +
      'set `gcs.apiEndpoint` (or pass a `gcs.storage` client) in the getExecutorService options, or the GOOGLE_APPLICATION_CREDENTIALS environment variable',
  );
  return {
    check: () => { throw refusal(); },
    open: async () => { throw refusal(); },
  };
}

/**
 * A reader of `gs://` objects for staging areas that are not GCS (local directory, Docker volume): a
 * GcsInput is streamed through this process. The client (and @google-cloud/storage) loads on first use.
 */
export function createGcsObjectReader(options: GcsClientOptions = {}): GcsObjectReader {
  checkClientOptions(options);
  let client: Promise<Storage> | undefined;
  const open: GcsObjectReader['open'] = async (gcsUri, signal) => {
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
  return { check: () => undefined, open };
}
