import type Docker from 'dockerode';
import { startGcsFake } from '../fakes/gcs/gcs-fake.js';
import { containersOf, requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { buildService, type ServiceConfig } from '../support/service-config.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { seedGcsObject } from './seed.js';

/** The remote-daemon mode: staging in a named volume filled through the archive API. */
describeExecutorConformance('docker (volume staging)', async () => {
  const docker = await requireDocker();
  const gcs = await startGcsFake();
  const volume = `smartjob-conformance-${TEST_NAMESPACE}`;
  const config: ServiceConfig = { type: 'docker', stagingVolume: volume, gcsEndpoint: gcs.endpoint };
  const service = buildService(config);
  return {
    config,
    service,
    gcsObject: await seedGcsObject(gcs),
    leftovers: async () => (await containersOf(docker)).map((c) => c.Names[0] ?? c.Id),
    stagedPaths: () => listVolume(docker, volume),
    close: async () => {
      await service.close();
      await gcs.close();
      const helpers = await docker.listContainers({ all: true, filters: { label: [`smartjob.volume=${volume}`] } });
      await Promise.all(helpers.map((h) => docker.getContainer(h.Id).remove({ force: true })));
      await docker.getVolume(volume).remove();
    },
  };
});

/** Lists the volume's files with a short-lived container (network none). */
async function listVolume(docker: Docker, volume: string): Promise<string[]> {
  const container = await docker.createContainer({
    Image: 'smartjob-test/busybox:local',
    Cmd: ['find', '/staging'],
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volume, Target: '/staging' }] },
  });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, follow: false });
    return logs.toString('utf8').split('\n').map((l) => l.replace(/^[\s\S]{8}/, '').trim()).filter(Boolean).sort();
  } finally {
    await container.remove({ force: true });
  }
}
