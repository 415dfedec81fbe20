import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { LoggerPort } from '../../domain/ports/logger.port.js';
import type { StoragePort } from '../../domain/ports/storage.port.js';
import type { GcsClientOptions } from '../../infra/gcp/gcs/gcs-client.js';
import { GcsStorageAdapter } from '../../infra/gcp/gcs/gcs-storage.adapter.js';
import { resolveGcpOptions } from '../../infra/gcp/shared/gcp-options.js';
import { VertexExecutorAdapter } from '../../infra/gcp/vertex/vertex-executor.adapter.js';
import type { VertexBackendOptions } from '../../infra/gcp/vertex/vertex-options.js';
import { TOKENS } from '../tokens.js';

/**
 * Registers Vertex AI CustomJobs with its staging bucket. Settings are resolved once, now (a missing one is a
 * ConfigurationError naming it and its variable), and handed to both adapters; the Google clients load on the first call.
 */
export function registerVertexBackend(container: DependencyContainer, options: VertexBackendOptions = {}, gcs: GcsClientOptions = {}): void {
  const resolved = resolveGcpOptions('vertex', options);
  const { settings } = resolved;
  container.register<StoragePort>(TOKENS.Storage, {
    useFactory: instanceCachingFactory(() => new GcsStorageAdapter({ projectId: settings.project, ...gcs, stagingBucket: settings.stagingBucket.uri })),
  });
  container.register(TOKENS.Executor, {
    useFactory: instanceCachingFactory((c) => new VertexExecutorAdapter({ ...resolved, logger: options.logger ?? c.resolve<LoggerPort>(TOKENS.Logger) })),
  });
}
