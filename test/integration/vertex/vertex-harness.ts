import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionConfig } from '../../../src/domain/execution-config.js';
import type { SmartJob } from '../../../src/domain/job.js';
import type { LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { ExecutorService } from '../../../src/domain/services/executor.service.js';
import { planExecution } from '../../../src/domain/services/plan.js';
import { stageExecution } from '../../../src/domain/services/stage.js';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { VertexExecutorAdapter } from '../../../src/infra/gcp/vertex/vertex-executor.adapter.js';
import type { VertexBackendOptions } from '../../../src/infra/gcp/vertex/vertex-options.js';
import { LocalDirectoryStorageAdapter } from '../../../src/infra/local/local-directory-storage.adapter.js';
import { NodeLocalFilesAdapter } from '../../../src/infra/local/node-local-files.adapter.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { FakeVertex } from '../../fakes/vertex/fake-vertex.js';
import { BUSYBOX_IMAGE, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import { useHarness } from '../../support/fake-backend-suite.js';
import { fakeGrpcClientOptions } from '../../support/fake-grpc-client.js';
import { RecordingLogger } from '../../support/recording-logger.js';

export const PROJECT = 'smartjob-tests';
export const PROJECT_NUMBER = '424242424242';
export const REGION = 'europe-west4';
export const BUCKET = 'vertex-staging';

/** A Vertex fake on the local engine (bucket at /gcs/<bucket>, names with the project number) and adapters on it. */
export interface VertexHarness {
  readonly fake: FakeVertex;
  readonly adapter: VertexExecutorAdapter;
  readonly logger: RecordingLogger;
  /** The host directory of BUCKET: what the jobs see at /gcs/<bucket>. */
  readonly bucketDir: string;
  readonly storage: LocalDirectoryStorageAdapter;
  /** Another adapter on the same fake, as a second process would have (nothing remembered). */
  newAdapter(options?: Partial<VertexBackendOptions>): VertexExecutorAdapter;
  /** An ExecutorService on an adapter (the harness one by default) and a storage (the bucket by default). */
  service(executor?: VertexExecutorAdapter, storage?: LocalDirectoryStorageAdapter): ExecutorService;
  /** Validates, plans and stages a job the way ExecutorService does, and returns its launch spec. */
  plan(job: Partial<SmartJob> & { readonly name: string }, executionConfig?: ExecutionConfig): Promise<LaunchSpec>;
  close(): Promise<void>;
  /** The fake's record of the CustomJob an execution launched, found by its label. */
  jobOf(executionId: string): NonNullable<ReturnType<FakeVertex['job']>>;
  jobsOf(executionId: string): NonNullable<ReturnType<FakeVertex['job']>>[];
}

/** Starts a harness before the suite; after it, closes everything and checks that no fake container is left. */
export function useVertex(onStarted: (harness: VertexHarness) => void, options: Partial<VertexBackendOptions> = {}): void {
  useHarness(() => startVertex(options), onStarted);
}

async function startVertex(options: Partial<VertexBackendOptions>): Promise<VertexHarness> {
  const docker = await requireDocker();
  const root = await mkdtemp(join(tmpdir(), 'smartjob-vertex-'));
  const fake = await FakeVertex.start({ bucketDirs: (bucket) => join(root, bucket), docker, buckets: [BUCKET], projectNumbers: { [PROJECT]: PROJECT_NUMBER } });
  const logger = new RecordingLogger();
  const adapters: VertexExecutorAdapter[] = [];
  const newAdapter = (extra: Partial<VertexBackendOptions> = {}) => {
    const resolved = resolveGcpOptions('vertex', {
      project: PROJECT, region: REGION, stagingBucket: `gs://${BUCKET}`, clientOptions: fakeGrpcClientOptions(fake.port), pollIntervalMs: 100, ...options, ...extra,
    });
    adapters.push(new VertexExecutorAdapter({ ...resolved, logger }));
    return adapters.at(-1)!;
  };
  const adapter = newAdapter();
  const bucketDir = join(root, BUCKET);
  const storage = new LocalDirectoryStorageAdapter(bucketDir);
  const localFiles = new NodeLocalFilesAdapter();
  const jobsOf = (executionId: string) => [...fake.state.jobs.values()].filter((r) => r.job.labels?.[RECORD_KEYS.executionId] === executionId);
  return {
    fake, adapter, logger, bucketDir, storage, newAdapter, jobsOf,
    service: (executor = adapter, store = storage) => new ExecutorService({ executor, storage: store, localFiles, logger }),
    async plan(job, executionConfig) {
      const smartJob: SmartJob = { namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE, ...job };
      const plan = await planExecution(smartJob, { executionConfig }, { executor: adapter, storage, localFiles, logger, now: () => new Date() });
      await stageExecution(storage, plan);
      return plan.spec;
    },
    jobOf(executionId) {
      const [record, ...more] = jobsOf(executionId);
      assert.ok(record, `the fake holds a CustomJob of ${executionId}`);
      assert.equal(more.length, 0, `one CustomJob of ${executionId}`);
      return record;
    },
    async close() {
      await Promise.all(adapters.map((a) => a.close()));
      await fake.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export { shellJob } from '../../support/shell-job.js';
