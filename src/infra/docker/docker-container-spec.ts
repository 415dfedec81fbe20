import type Docker from 'dockerode';
import type { LaunchSpec } from '../../domain/ports/executor.port.js';
import { containerName, labelsFor } from './docker-labels.js';
import { STAGING_MOUNT, type DockerExecutorSettings } from './docker-options.js';

/** The container of one execution: the staging area at /staging, the SDK's labels, the limits asked for. */
export function containerSpec(spec: LaunchSpec, settings: DockerExecutorSettings): Docker.ContainerCreateOptions {
  const { staging } = settings;
  const { cpu, memoryGb } = spec.config;
  return {
    name: containerName(spec),
    Image: spec.image,
    Cmd: spec.args.length > 0 ? [...spec.args] : undefined,
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: labelsFor(spec),
    HostConfig: {
      Init: true, // signals reach the job even when it does not handle them as PID 1
      NetworkMode: settings.networkMode,
      Binds: staging.mode === 'bind' ? [`${staging.hostDir}:${STAGING_MOUNT}`] : undefined,
      Mounts: staging.mode === 'volume' ? [{ Type: 'volume', Source: staging.volumeName, Target: STAGING_MOUNT }] : undefined,
      Memory: memoryGb ? Math.round(memoryGb * 1024 ** 3) : undefined,
      MemorySwap: memoryGb ? Math.round(memoryGb * 1024 ** 3) : undefined, // no swap: the limit is the limit
      NanoCpus: cpu ? Math.round(cpu * 1e9) : undefined,
    },
  };
}
