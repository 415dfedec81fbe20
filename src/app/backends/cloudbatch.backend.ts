import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { LoggerPort } from '../../domain/ports/logger.port.js';
import type { StoragePort } from '../../domain/ports/storage.port.js';
import { CloudBatchExecutorAdapter } from '../../infra/gcp/cloudbatch/cloudbatch-executor.adapter.js';
import type { CloudBatchBackendOptions } from '../../infra/gcp/cloudbatch/cloudbatch-options.js';
import type { GcsClientOptions } from '../../infra/gcp/gcs/gcs-client.js';
import { GcsStorageAdapter } from '../../infra/gcp/gcs/gcs-storage.adapter.js';
import { resolveGcpOptions } from '../../infra/gcp/shared/gcp-options.js';
import { TOKENS } from '../tokens.js';

/**
 * Registers Cloud Batch with its staging bucket. Settings are resolved once, now (a missing one is a
 * ConfigurationError naming it and its variable), and handed to both adapters; the Google clients load on the first call.
 */
export function registerCloudBatchBackend(container: DependencyContainer, options: CloudBatchBackendOptions = {}, gcs: GcsClientOptions = {}): void {
  const resolved = { ...resolveGcpOptions('cloudbatch', options), noExternalIpAddress: options.noExternalIpAddress ?? false };
  const { settings } = resolved;
  container.register<StoragePort>(TOKENS.Storage, {
    useFactory: instanceCachingFactory(() => new GcsStorageAdapter({ projectId: settings.project, ...gcs, stagingBucket: settings.stagingBucket.uri })),
  });
  container.register(TOKENS.Executor, {
    useFactory: instanceCachingFactory((c) => new CloudBatchExecutorAdapter({ ...resolved, logger: options.logger ?? c.resolve<LoggerPort>(TOKENS.Logger) })),
  });
}
