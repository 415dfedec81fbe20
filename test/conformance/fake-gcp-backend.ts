import { mkdir, readdir } from 'node:fs/promises';
import type Docker from 'dockerode';
import type { BackendType } from '../../src/domain/backend-type.js';
import type { BucketDirs } from '../fakes/shared/containers.js';
import { startGcsFake } from '../fakes/gcs/gcs-fake.js';
import { requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { buildService, type ServiceConfig } from '../support/service-config.js';
import type { BackendUnderTest } from './backend-under-test.js';
import { seedGcsObject } from './seed.js';

const BUCKET = 'smartjob-staging';

interface BackendFake {
  readonly port: number;
  containers(): Promise<readonly Docker.ContainerInfo[]>;
  close(): Promise<void>;
}

/**
 * A GCP backend through its official client over gRPC, against its fake (started by `start`), which runs each
 * execution as a container on the local engine with the GCS fake's directory of the staging bucket mounted.
 */
export async function fakeGcpBackend(
  type: BackendType,
  start: (options: { readonly bucketDirs: BucketDirs; readonly docker: Docker; readonly bucket: string }) => Promise<BackendFake>,
): Promise<BackendUnderTest> {
  const docker = await requireDocker();
  const gcs = await startGcsFake();
  await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
  const fake = await start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker, bucket: BUCKET });
  const config: ServiceConfig = { type, grpcPort: fake.port, gcsEndpoint: gcs.endpoint, stagingBucket: `gs://${BUCKET}` };
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
}
