import { mkdir, readdir } from 'node:fs/promises';
import { FakeVertex } from '../fakes/vertex/fake-vertex.js';
import { startGcsFake } from '../fakes/gcs/gcs-fake.js';
import { requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { buildService, TEST_PROJECT, type ServiceConfig } from '../support/service-config.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { seedGcsObject } from './seed.js';

const BUCKET = 'smartjob-staging';

/**
 * Vertex AI through the official client over gRPC, against a fake that runs each CustomJob as a container on
 * the local engine, with the GCS fake's bucket directory at /gcs/<bucket> (as Cloud Storage FUSE shows it) and
 * job names carrying the project number, as Vertex writes them.
 */
describeExecutorConformance('vertex (official client, gRPC fake)', async () => {
  const docker = await requireDocker();
  const gcs = await startGcsFake();
  await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
  const fake = await FakeVertex.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker, buckets: [BUCKET], projectNumbers: { [TEST_PROJECT]: '424242424242' } });
  const config: ServiceConfig = { type: 'vertex', grpcPort: fake.port, gcsEndpoint: gcs.endpoint, stagingBucket: `gs://${BUCKET}` };
  const service = buildService(config);
  return {
    config,
    service,
    gcsObject: await seedGcsObject(gcs),
    leftovers: async () => [
      ...(await fake.containers()).map((c) => c.Names[0] ?? c.Id),
      ...(await service.list({ namespace: TEST_NAMESPACE })).map((s) => `execution ${s.executionId}`),
    ],
    stagedPaths: async () => (await readdir(gcs.bucketDir(BUCKET), { recursive: true })).map(String).sort(),
    close: async () => {
      await service.close();
      await fake.close();
      await gcs.close();
    },
  };
});
