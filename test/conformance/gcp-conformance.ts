import { mkdir, readdir } from 'node:fs/promises';
import type { BackendType } from '../../src/domain/backend-type.js';
import type { FakeBackendOptions } from '../fakes/shared/fake-backend.js';
import { startGcsFake } from '../fakes/gcs/gcs-fake.js';
import { requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { buildService, type ServiceConfig } from '../support/service-config.js';
import { describeExecutorConformance } from './executor.conformance.js';
import { seedGcsObject } from './seed.js';

const BUCKET = 'smartjob-staging';

interface GrpcFake {
  readonly port: number;
  containers(): Promise<readonly { readonly Id: string; readonly Names: readonly string[] }[]>;
  close(): Promise<void>;
}

/**
 * The conformance suite on a GCP backend: its official client over gRPC against a fake that runs each execution
 * as containers on the local engine, with the GCS fake's bucket directory mounted where the job mounts the bucket.
 */
export function describeGcpConformance(label: string, type: BackendType, startFake: (options: Required<FakeBackendOptions>) => Promise<GrpcFake>): void {
  describeExecutorConformance(label, async () => {
    const docker = await requireDocker();
    const gcs = await startGcsFake();
    await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
    const fake = await startFake({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker });
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
  });
}
