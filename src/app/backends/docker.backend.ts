import { createRequire } from 'node:module';
import type Docker from 'dockerode';
import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import type { LoggerPort } from '../../domain/ports/logger.port.js';
import type { StoragePort } from '../../domain/ports/storage.port.js';
import { DockerExecutorAdapter } from '../../infra/docker/docker-executor.adapter.js';
import { DockerVolumeStorageAdapter } from '../../infra/docker/docker-volume-storage.adapter.js';
import { defaultStaging, defaultStagingDir, type DockerBackendOptions, type ResolvedDockerStaging } from '../../infra/docker/docker-options.js';
import type { GcsClientOptions } from '../../infra/gcp/gcs/gcs-client.js';
import { gcsObjectReaderFor } from '../../infra/gcp/gcs/gcs-object-reader.js';
import { LocalDirectoryStorageAdapter } from '../../infra/local/local-directory-storage.adapter.js';
import { TOKENS } from '../tokens.js';

/** Registers the Docker executor and its staging storage. */
export function registerDockerBackend(container: DependencyContainer, options: DockerBackendOptions = {}, gcs: GcsClientOptions = {}): void {
  const staging = resolveStaging(options);
  container.register(TOKENS.DockerClient, { useFactory: instanceCachingFactory(() => options.docker ?? newDockerClient()) });
  container.register<StoragePort>(TOKENS.Storage, {
    useFactory: instanceCachingFactory((c) => {
      // GcsInput objects are streamed through this process into the staging area, only with explicit GCS access.
      const gcsReader = gcsObjectReaderFor(gcs, 'docker');
      if (staging.mode === 'bind') return new LocalDirectoryStorageAdapter(staging.hostDir, gcsReader);
      const docker = c.resolve<Docker>(TOKENS.DockerClient);
      return new DockerVolumeStorageAdapter({ docker, volumeName: staging.volumeName, helperImage: staging.helperImage, gcsReader });
    }),
  });
  container.register(TOKENS.Executor, {
    useFactory: instanceCachingFactory(
      (c) =>
        new DockerExecutorAdapter({
          docker: c.resolve<Docker>(TOKENS.DockerClient),
          staging,
          networkMode: options.networkMode ?? process.env.SMARTJOB_DOCKER_NETWORK,
          pullPolicy: options.pullPolicy ?? 'if-not-present',
          stopGraceSeconds: options.stopGraceSeconds ?? 5,
          removeOnFinish: options.removeOnFinish ?? false,
          reconnectSeconds: options.reconnectSeconds ?? 30,
          logger: c.resolve<LoggerPort>(TOKENS.Logger),
        }),
    ),
  });
}

/** dockerode (~150 ms, 200 modules) loads when a Docker service is built, not when the package is imported. */
function newDockerClient(): Docker {
  const DockerClient = createRequire(import.meta.url)('dockerode') as typeof Docker;
  return new DockerClient();
}

function resolveStaging(options: DockerBackendOptions): ResolvedDockerStaging {
  const staging = options.staging ?? defaultStaging();
  if (staging.mode === 'bind') return { mode: 'bind', hostDir: staging.hostDir ?? defaultStagingDir() };
  return { mode: 'volume', volumeName: staging.volumeName ?? 'smartjob-staging', helperImage: staging.helperImage ?? 'busybox:stable' };
}
