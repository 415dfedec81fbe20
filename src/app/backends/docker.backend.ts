import Docker from 'dockerode';
import { instanceCachingFactory, type DependencyContainer } from 'tsyringe';
import { NotSupportedError } from '../../domain/errors.js';
import type { StoragePort } from '../../domain/ports/storage.port.js';
import { DockerExecutorAdapter } from '../../infra/docker/docker-executor.adapter.js';
import { defaultStaging, defaultStagingDir, type DockerBackendOptions, type ResolvedDockerStaging } from '../../infra/docker/docker-options.js';
import { LocalDirectoryStorageAdapter } from '../../infra/local/local-directory-storage.adapter.js';
import { TOKENS } from '../tokens.js';

/** Registers the Docker executor and its staging storage. */
export function registerDockerBackend(container: DependencyContainer, options: DockerBackendOptions = {}): void {
  const staging = resolveStaging(options);
  container.register(TOKENS.DockerClient, { useFactory: instanceCachingFactory(() => options.docker ?? new Docker()) });
  container.register<StoragePort>(TOKENS.Storage, {
    useFactory: instanceCachingFactory(() => {
      if (staging.mode === 'bind') return new LocalDirectoryStorageAdapter(staging.hostDir);
      throw new NotSupportedError('volume staging is not available yet');
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
        }),
    ),
  });
}

function resolveStaging(options: DockerBackendOptions): ResolvedDockerStaging {
  const staging = options.staging ?? defaultStaging();
  if (staging.mode === 'bind') return { mode: 'bind', hostDir: staging.hostDir ?? defaultStagingDir() };
  return { mode: 'volume', volumeName: staging.volumeName ?? 'smartjob-staging' };
}
