import 'reflect-metadata'; // tsyringe needs the Reflect polyfill before it loads
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { BACKEND_TYPES, type BackendType } from '../domain/backend-type.js';
import { NotSupportedError, ValidationError } from '../domain/errors.js';
import type { LoggerPort } from '../domain/ports/logger.port.js';
import { ExecutorService } from '../domain/services/executor.service.js';
import type { DockerBackendOptions } from '../infra/docker/docker-options.js';
import type { CloudRunBackendOptions } from '../infra/gcp/cloudrun/cloudrun-options.js';
import type { GcsClientOptions } from '../infra/gcp/gcs/gcs-client.js';
import { ConsoleLoggerAdapter } from '../infra/local/console-logger.adapter.js';
import { NodeLocalFilesAdapter } from '../infra/local/node-local-files.adapter.js';
import { registerCloudRunBackend } from './backends/cloudrun.backend.js';
import { registerDockerBackend } from './backends/docker.backend.js';
import { TOKENS } from './tokens.js';

export interface GetExecutorServiceOptions {
  /** How many executions of this service may be active at once; the rest wait in a queue. @default 4 */
  readonly maxWorkers?: number;
  /** Return the service cached for this backend type (created by the first call, with its options). @default true */
  readonly useCache?: boolean;
  /** Docker backend settings. @default {} */
  readonly docker?: DockerBackendOptions;
  /**
   * Cloud Run settings: project, region, staging bucket, service account (else SMARTJOB_* variables) and
   * `clientOptions` for the Google clients (endpoint, credentials). @default {} (Application Default Credentials)
   */
  readonly cloudrun?: CloudRunBackendOptions;
  /** How to reach Cloud Storage (staging bucket of the cloud backends, GcsInput on Docker). @default {} */
  readonly gcs?: GcsClientOptions;
  /** Where warnings go. @default stderr, level from SMARTJOB_LOG_LEVEL (default 'warn') */
  readonly logger?: LoggerPort;
}

type Registration = (container: DependencyContainer, options: GetExecutorServiceOptions) => void;

/** One line per backend; a backend's SDK is loaded only when its adapter first runs. */
const REGISTRATIONS: Record<BackendType, Registration | undefined> = {
  docker: (c, o) => registerDockerBackend(c, o.docker, o.gcs),
  cloudrun: (c, o) => registerCloudRunBackend(c, o.cloudrun, o.gcs),
  cloudbatch: undefined,
  vertex: undefined,
};

const cache = new Map<BackendType, ExecutorService>();

/** The service of one backend. Synchronous: nothing is connected or loaded until the first call. */
export function getExecutorService(type: BackendType, options: GetExecutorServiceOptions = {}): ExecutorService {
  if (!(BACKEND_TYPES as readonly unknown[]).includes(type)) {
    throw new ValidationError('type', `must be one of ${BACKEND_TYPES.map((t) => `'${t}'`).join(', ')}`, type);
  }
  const useCache = options.useCache ?? true;
  const cached = useCache ? cache.get(type) : undefined;
  if (cached) return cached;
  const register = REGISTRATIONS[type];
  if (!register) throw new NotSupportedError(`the '${type}' backend is not implemented yet`);
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
  if (useCache) cache.set(type, service);
  return service;
}
