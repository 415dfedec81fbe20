import { BACKEND_TYPES, type BackendType } from '../../domain/backend-type.js';
import type { LoggerPort } from '../../domain/ports/logger.port.js';
import type { ExecutorService } from '../../domain/services/executor.service.js';
import type { CloudRunClientOptions } from '../../infra/gcp/cloudrun/cloudrun-options.js';
import { getExecutorService } from '../executor-factory.js';
import { parseChoice } from './flag-values.js';
import type { Settings } from './settings.js';
import { UsageError } from './usage-error.js';

export function backendOf(settings: Settings): BackendType {
  return parseChoice('--backend', settings.string('backend') ?? 'docker', BACKEND_TYPES);
}

/** The service of the chosen backend, configured from the global flags. */
export async function serviceFrom(settings: Settings, logger: LoggerPort): Promise<ExecutorService> {
  const backend = backendOf(settings);
  warnUnused(settings, backend, logger);
  const project = settings.string('project');
  const gcsEndpoint = settings.string('gcs-endpoint');
  const apiEndpoint = settings.string('api-endpoint');
  const pollSeconds = settings.number('poll-interval');
  const stagingDir = settings.string('docker-staging-dir');
  // The placement flags go to whichever cloud backend was chosen; the Docker backend has none.
  const placement = {
    project,
    region: settings.string('region'),
    stagingBucket: settings.string('staging-bucket'),
    serviceAccount: settings.string('service-account'),
    clientOptions: apiEndpoint ? await grpcClientOptions('--api-endpoint', apiEndpoint) : undefined,
    pollIntervalMs: pollSeconds === undefined ? undefined : pollSeconds * 1000,
  };
  return getExecutorService(backend, {
    logger,
    docker: { networkMode: settings.string('docker-network'), staging: stagingDir ? { mode: 'bind', hostDir: stagingDir } : undefined },
    gcs: gcsEndpoint ? { apiEndpoint: endpointUrl('--gcs-endpoint', gcsEndpoint).href.replace(/\/$/, ''), projectId: project } : undefined,
    ...(backend === 'cloudrun' && { cloudrun: placement }),
    ...(backend === 'cloudbatch' && { cloudbatch: { ...placement, noExternalIpAddress: settings.boolean('no-external-ip') || undefined } }),
    ...(backend === 'vertex' && { vertex: placement }),
  });
}

/** Settings only some backends use; the others would drop them without a word. */
const USED_BY: Readonly<Record<string, readonly BackendType[]>> = {
  region: ['cloudrun', 'cloudbatch', 'vertex'],
  'staging-bucket': ['cloudrun', 'cloudbatch', 'vertex'],
  'service-account': ['cloudrun', 'cloudbatch', 'vertex'],
  'api-endpoint': ['cloudrun', 'cloudbatch', 'vertex'],
  'poll-interval': ['cloudrun', 'cloudbatch', 'vertex'],
  'no-external-ip': ['cloudbatch'],
};

function warnUnused(settings: Settings, backend: BackendType, logger: LoggerPort): void {
  for (const [name, backends] of Object.entries(USED_BY)) {
    const origin = backends.includes(backend) ? undefined : settings.origin(name);
    if (origin && (name !== 'no-external-ip' || settings.boolean(name))) logger.warn(`${origin} is ignored: the ${backend} backend does not use it (${backends.join(', ')} only)`);
  }
}

/**
 * `https://host[:port]` keeps TLS and the default credentials; `http://host:port` (an emulator) is plaintext
 * with no credentials at all, so nothing real is ever sent there. google-gax loads only when one is given.
 */
async function grpcClientOptions(flag: string, text: string): Promise<CloudRunClientOptions> {
  const url = endpointUrl(flag, text);
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : Number.NaN));
  if (!Number.isInteger(port)) throw new UsageError(flag, `needs a port in http://HOST:PORT, got '${text}'`);
  if (url.protocol === 'https:') return { apiEndpoint: url.hostname, port };
  const { grpc, googleAuthLibrary } = await import('google-gax');
  return { apiEndpoint: url.hostname, port, sslCreds: grpc.credentials.createInsecure(), authClient: new googleAuthLibrary.PassThroughClient() };
}

function endpointUrl(flag: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(flag, `must be a URL like http://127.0.0.1:8080 or https://host, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(flag, `must be an http:// or https:// URL, got '${text}'`);
  return url;
}
