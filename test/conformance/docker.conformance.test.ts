import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGcsFake } from '../fakes/gcs/gcs-fake.js';
import { containersOf, requireDocker } from '../support/docker.js';
import { buildService, type ServiceConfig } from '../support/service-config.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { seedGcsObject } from './seed.js';

describeExecutorConformance('docker', async () => {
  const docker = await requireDocker();
  const gcs = await startGcsFake();
  const stagingDir = await mkdtemp(join(tmpdir(), 'sj-conf-docker-'));
  const config: ServiceConfig = { type: 'docker', stagingDir, gcsEndpoint: gcs.endpoint };
  return {
    config,
    service: buildService(config),
    gcsObject: await seedGcsObject(gcs),
    leftovers: async () => (await containersOf(docker)).map((c) => c.Names[0] ?? c.Id),
    stagedPaths: async () => (await readdir(stagingDir, { recursive: true })).map(String).sort(),
    close: async () => {
      await gcs.close();
      await rm(stagingDir, { recursive: true, force: true });
    },
  };
});
