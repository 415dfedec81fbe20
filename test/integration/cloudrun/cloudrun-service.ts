import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before } from 'node:test';
import type { ExecutorService } from '../../../src/domain/services/executor.service.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { FakeCloudRun, type FakeMethod } from '../../fakes/cloudrun/fake-cloud-run.js';
import type { ExecutionRecord } from '../../fakes/cloudrun/fake-state.js';
import { startGcsFake, type GcsFake } from '../../fakes/gcs/gcs-fake.js';
import { requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { buildService } from '../../support/service-config.js';

export const BUCKET = 'smartjob-staging';

/** A Cloud Run service (official clients over gRPC) on the fake, staging in the GCS fake's bucket. */
export interface CloudRunServiceSuite {
  service: ExecutorService;
  fake: FakeCloudRun;
  gcs: GcsFake;
  logger: RecordingLogger;
}

/** Before the suite: the fakes and the service. After it: all closed, no container or execution left. */
export function useCloudRunService(): CloudRunServiceSuite {
  const suite = {} as CloudRunServiceSuite;
  before(async () => {
    const docker = await requireDocker();
    suite.gcs = await startGcsFake();
    await mkdir(suite.gcs.bucketDir(BUCKET), { recursive: true });
    suite.fake = await FakeCloudRun.start({ bucketDirs: (bucket) => suite.gcs.bucketDir(bucket), docker });
    suite.logger = new RecordingLogger();
    suite.service = buildService({ type: 'cloudrun', grpcPort: suite.fake.port, gcsEndpoint: suite.gcs.endpoint, stagingBucket: `gs://${BUCKET}` }, suite.logger);
  });
  after(async () => {
    await suite.service?.cleanup({ namespace: TEST_NAMESPACE });
    await suite.service?.close();
    await suite.fake?.close();
    if (suite.fake) assert.deepEqual(await suite.fake.containers(), [], 'no fake container is left once the fake is closed');
    await suite.gcs?.close();
  });
  return suite;
}

/** The fake's record of the execution smartjob recorded `executionId` on (there must be exactly one). */
export function fakeExecutionOf(fake: FakeCloudRun, executionId: string): ExecutionRecord {
  const records = [...fake.state.executions.values()].filter((r) =>
    r.execution.template?.containers?.[0]?.env?.some((e) => e.name === RECORD_KEYS.executionId && e.value === executionId));
  assert.equal(records.length, 1, `the fake holds one execution carrying ${executionId}`);
  return records[0]!;
}

/** Calls of each method from now on. */
export function callsFrom(fake: FakeCloudRun): (method: FakeMethod) => number {
  const start = fake.callCounts();
  return (method) => fake.callCount(method) - (start[method] ?? 0);
}
