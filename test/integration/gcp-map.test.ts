import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import type { BackendType } from '../../src/domain/backend-type.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { FakeCloudBatch } from '../fakes/cloudbatch/fake-cloud-batch.js';
import { FakeCloudRun } from '../fakes/cloudrun/fake-cloud-run.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';
import type { FakeBackendOptions } from '../fakes/shared/fake-backend.js';
import { FakeVertex } from '../fakes/vertex/fake-vertex.js';
import { shellJob } from '../conformance/executor.conformance.js';
import { requireDocker, TEST_NAMESPACE } from '../support/docker.js';
import { buildService, TEST_PROJECT } from '../support/service-config.js';

const BUCKET = 'smartjob-staging';

interface Fake {
  readonly port: number;
  containers(): Promise<Docker.ContainerInfo[]>;
  close(): Promise<void>;
}

const FAKES: readonly [BackendType, (options: Required<FakeBackendOptions>) => Promise<Fake>][] = [
  ['cloudrun', (options) => FakeCloudRun.start(options)],
  ['cloudbatch', (options) => FakeCloudBatch.start(options)],
  ['vertex', (options) => FakeVertex.start({ ...options, buckets: [BUCKET], projectNumbers: { [TEST_PROJECT]: '424242424242' } })],
];

/** Item i sleeps SLEEPS[i] seconds: item 0 outlasts the next ones, so completion order is not index order. */
const SLEEPS = [3, 1, 1, 1, 1, 1];

// map on the cloud backends: the shared poller follows the executions in flight, the fake runs each as a container.
for (const [type, startFake] of FAKES) {
  describe(`map on ${type} (official client, gRPC fake)`, { timeout: 120_000 }, () => {
    let gcs: GcsFake;
    let fake: Fake;
    let service: ExecutorService;
    before(async () => {
      const docker = await requireDocker();
      gcs = await startGcsFake();
      await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
      fake = await startFake({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker });
      service = buildService({ type, grpcPort: fake.port, gcsEndpoint: gcs.endpoint, stagingBucket: `gs://${BUCKET}` });
    });
    after(async () => {
      try {
        await service.cleanup({ namespace: TEST_NAMESPACE });
        assert.deepEqual((await fake.containers()).map((c) => c.Names[0]), [], 'fake containers left behind');
      } finally {
        await service.close();
        await fake.close();
        await gcs.close();
      }
    });

    it('maps 6 items at concurrency 2: 6 results in completion order, never more than 2 running', async () => {
      const finishedOrder: string[] = [];
      const off = service.on('finished', (e) => void finishedOrder.push(e.executionId));
      let peak = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, (await fake.containers()).filter((c) => c.State === 'running').length);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })();
      const job = shellJob('mapped', 'sleep "$SLEEP"; echo "{\\"slept\\": $SLEEP}" > "$OUTPUT_PATH/smartjob.json"');
      const items = SLEEPS.map((s) => ({ addEnvs: { SLEEP: String(s) } }));
      const outcomes = [];
      try {
        for await (const outcome of service.map(job, items, { concurrency: 2 })) outcomes.push(outcome);
      } finally {
        sampling = false;
        await sampler;
        off();
      }
      assert.equal(outcomes.length, 6);
      assert.deepEqual(outcomes.map((o) => o.index).sort(), [0, 1, 2, 3, 4, 5]);
      for (const o of outcomes) {
        assert.equal(o.result?.state, 'SUCCEEDED', o.result?.message ?? String(o.error));
        assert.deepEqual(o.result.jsonOutput, { slept: SLEEPS[o.index] });
      }
      assert.deepEqual(outcomes.map((o) => o.result!.executionId), finishedOrder, 'yielded in the order the executions finished');
      assert.notEqual(outcomes[0]!.index, 0, 'item 0 (3 s) finished after a 1 s item');
      assert.equal(peak, 2, `at most 2 containers running at once, and 2 reached (peak ${peak})`);
    });
  });
}
