import { mkdir, readdir } from 'node:fs/promises';
import { FakeCloudBatch } from '../fakes/cloudbatch/fake-cloud-batch.js';
import { startGcsFake } from '../fakes/gcs/gcs-fake.js';
import { requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { buildService, type ServiceConfig } from '../support/service-config.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { seedGcsObject } from './seed.js';

const BUCKET = 'smartjob-staging';

/**
 * Cloud Batch through the official client over gRPC, against a fake that runs each job's task as a container on
 * the local engine, with the GCS fake's bucket directory mounted where the job mounts the bucket.
 */
describeExecutorConformance('cloudbatch (official client, gRPC fake)', async () => {
  const docker = await requireDocker();
  const gcs = await startGcsFake();
  await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
  const fake = await FakeCloudBatch.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker });
  const config: ServiceConfig = { type: 'cloudbatch', grpcPort: fake.port, gcsEndpoint: gcs.endpoint, stagingBucket: `gs://${BUCKET}` };
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
