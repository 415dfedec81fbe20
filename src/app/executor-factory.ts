import 'reflect-metadata'; // tsyringe needs the Reflect polyfill before it loads
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { BACKEND_TYPES, type BackendType } from '../domain/backend-type.js';
import { ConfigurationError, ValidationError } from '../domain/errors.js';
import type { LoggerPort } from '../domain/ports/logger.port.js';
import { ExecutorService } from '../domain/services/executor.service.js';
import { optionalPositiveInteger } from '../domain/validation.js';
import { checkDockerOptions, type DockerBackendOptions } from '../infra/docker/docker-options.js';
import { checkCloudBatchOptions, type CloudBatchBackendOptions } from '../infra/gcp/cloudbatch/cloudbatch-options.js';
import type { CloudRunBackendOptions } from '../infra/gcp/cloudrun/cloudrun-options.js';
import { checkClientOptions, type GcsClientOptions } from '../infra/gcp/gcs/gcs-client.js';
import { checkGcpOptions } from '../infra/gcp/shared/gcp-options.js';
import type { VertexBackendOptions } from '../infra/gcp/vertex/vertex-options.js';
import { ConsoleLoggerAdapter } from '../infra/local/console-logger.adapter.js';
import { NodeLocalFilesAdapter } from '../infra/local/node-local-files.adapter.js';
import { registerCloudBatchBackend } from './backends/cloudbatch.backend.js';
import { registerCloudRunBackend } from './backends/cloudrun.backend.js';
import { registerDockerBackend } from './backends/docker.backend.js';
import { registerVertexBackend } from './backends/vertex.backend.js';
import { TOKENS } from './tokens.js';

export interface GetExecutorServiceOptions {
  /**
   * How many executions the service may have in hand at once (being launched, or followed to their end); the rest
   * wait in a queue. A forgotten execution (`schedule` with `forget`) frees its slot once launched. @default 4
   */
  readonly maxWorkers?: number;
  /**
   * Return the service cached for this backend type, created by the first call with its options. A later call
   * may pass no options or the same ones; different ones are a ConfigurationError naming the first that differs
   * (a cached service cannot change: pass `useCache: false` for a service of its own). @default true
   */
  readonly useCache?: boolean;
  /** Docker backend settings. @default {} */
  readonly docker?: DockerBackendOptions;
  /**
   * Cloud Run settings: project, region, staging bucket, service account (else SMARTJOB_* variables) and
   * `clientOptions` for the Google clients (endpoint, credentials). @default {} (Application Default Credentials)
   */
  readonly cloudrun?: CloudRunBackendOptions;
  /** Cloud Batch settings: the Cloud Run ones, plus `noExternalIpAddress` for the job VMs. @default {} */
  readonly cloudbatch?: CloudBatchBackendOptions;
  /** Vertex AI settings: the same as Cloud Run's (machine settings are per execution). @default {} */
  readonly vertex?: VertexBackendOptions;
  /** How to reach Cloud Storage (staging bucket of the cloud backends, GcsInput on Docker). @default {} */
  readonly gcs?: GcsClientOptions;
  /** Where warnings go. @default stderr, level from SMARTJOB_LOG_LEVEL (default 'warn') */
  readonly logger?: LoggerPort;
}

type Registration = (container: DependencyContainer, options: GetExecutorServiceOptions) => void;

/** One line per backend; a backend's SDK is loaded only when its adapter first runs. */
const REGISTRATIONS: Record<BackendType, Registration> = {
  docker: (c, o) => registerDockerBackend(c, o.docker, o.gcs),
  cloudrun: (c, o) => registerCloudRunBackend(c, o.cloudrun, o.gcs),
  cloudbatch: (c, o) => registerCloudBatchBackend(c, o.cloudbatch, o.gcs),
  vertex: (c, o) => registerVertexBackend(c, o.vertex, o.gcs),
};

const cache = new Map<BackendType, { readonly service: ExecutorService; readonly options: GetExecutorServiceOptions }>();

/** The service of one backend. Synchronous: nothing is connected or loaded until the first call. */
export function getExecutorService(type: BackendType, options: GetExecutorServiceOptions = {}): ExecutorService {
  if (!(BACKEND_TYPES as readonly unknown[]).includes(type)) {
    throw new ValidationError('type', `must be one of ${BACKEND_TYPES.map((t) => `'${t}'`).join(', ')}`, type);
  }
  checkServiceOptions(type, options); // every call: a cached service does not make bad options good
  const useCache = options.useCache ?? true;
  const cached = useCache ? cache.get(type) : undefined;
  if (cached) return sameOptionsOrThrow(type, options, cached);
  const register = REGISTRATIONS[type];
  const container = rootContainer.createChildContainer();
  container.register(TOKENS.Logger, { useValue: options.logger ?? new ConsoleLoggerAdapter() });
  container.register(TOKENS.LocalFiles, { useValue: new NodeLocalFilesAdapter() });
  register(container, options);
  const service = new ExecutorService({
    executor: container.resolve(TOKENS.Executor),
    storage: container.resolve(TOKENS.Storage),
    localFiles: container.resolve(TOKENS.LocalFiles),
    logger: container.resolve(TOKENS.Logger),
    maxWorkers: options.maxWorkers,
  });
  if (useCache) cache.set(type, { service, options });
  return service;
}

/** Checks the values given (types, ranges, formats) without building anything; settings still missing are the build's concern. */
function checkServiceOptions(type: BackendType, options: GetExecutorServiceOptions): void {
  if (typeof options !== 'object' || options === null) throw new ValidationError('options', 'must be an object', options);
  optionalPositiveInteger('maxWorkers', options.maxWorkers);
  if (options.useCache !== undefined && typeof options.useCache !== 'boolean') throw new ValidationError('useCache', 'must be a boolean', options.useCache);
  if (options.gcs) checkClientOptions(options.gcs);
  if (type === 'docker' && options.docker) checkDockerOptions(options.docker);
  if (type === 'cloudrun' && options.cloudrun) checkGcpOptions(options.cloudrun);
  if (type === 'cloudbatch' && options.cloudbatch) checkCloudBatchOptions(options.cloudbatch);
  if (type === 'vertex' && options.vertex) checkGcpOptions(options.vertex);
}

/** The cached service, when every option given is the one it was built with. */
function sameOptionsOrThrow(type: BackendType, options: GetExecutorServiceOptions, cached: { service: ExecutorService; options: GetExecutorServiceOptions }): ExecutorService {
  for (const [key, value] of Object.entries(options)) {
    if (key === 'useCache' || value === undefined) continue;
    const differs = differingPath(value, cached.options[key as keyof GetExecutorServiceOptions], key);
    if (differs) {
      throw new ConfigurationError(
        differs,
        `getExecutorService('${type}') already returned a cached service built with another \`${differs}\`: pass the same options (or none) to get it, or \`useCache: false\` for a service of its own`,
      );
    }
  }
  return cached.service;
}

/** The first path at which two option values differ: plain objects and arrays compared by content, anything else (clients, loggers) by identity. */
function differingPath(given: unknown, cached: unknown, path: string): string | undefined {
  if (Object.is(given, cached)) return undefined;
  if (Array.isArray(given) && Array.isArray(cached) && given.length === cached.length) {
    for (const [i, item] of given.entries()) {
      const differs = differingPath(item, cached[i], `${path}[${i}]`);
      if (differs) return differs;
    }
    return undefined;
  }
  if (isPlainObject(given) && isPlainObject(cached)) {
    for (const key of new Set([...Object.keys(given), ...Object.keys(cached)])) {
      const differs = differingPath(given[key], cached[key], `${path}.${key}`);
      if (differs) return differs;
    }
    return undefined;
  }
  return path;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
