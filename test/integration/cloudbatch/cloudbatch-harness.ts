import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ExecutionConfig } from '../../../src/domain/execution-config.js';
import type { SmartJob } from '../../../src/domain/job.js';
import type { ArrayLaunch, LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { ExecutorService } from '../../../src/domain/services/executor.service.js';
import { planExecution } from '../../../src/domain/services/plan.js';
import { stageExecution } from '../../../src/domain/services/stage.js';
import { CloudBatchExecutorAdapter } from '../../../src/infra/gcp/cloudbatch/cloudbatch-executor.adapter.js';
import type { CloudBatchBackendOptions } from '../../../src/infra/gcp/cloudbatch/cloudbatch-options.js';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { LocalDirectoryStorageAdapter } from '../../../src/infra/local/local-directory-storage.adapter.js';
import { NodeLocalFilesAdapter } from '../../../src/infra/local/node-local-files.adapter.js';
import type { JobRecord } from '../../fakes/cloudbatch/batch-state.js';
import { FakeCloudBatch } from '../../fakes/cloudbatch/fake-cloud-batch.js';
import { BUSYBOX_IMAGE, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import { useHarness } from '../../support/fake-backend-suite.js';
import { fakeGrpcClientOptions } from '../../support/fake-grpc-client.js';
import { RecordingLogger } from '../../support/recording-logger.js';

export const PROJECT = 'smartjob-tests';
export const REGION = 'europe-west1';
export const BUCKET = 'staging-bucket';

export interface CloudBatchHarness {
  readonly docker: Docker;
  readonly fake: FakeCloudBatch;
  readonly adapter: CloudBatchExecutorAdapter;
  /** The host directory the fake mounts for BUCKET: the staging area as the job sees it at /staging. */
  readonly bucketDir: string;
  readonly storage: LocalDirectoryStorageAdapter;
  readonly logger: RecordingLogger;
  /** Another adapter on the same fake, as a second process would have (nothing remembered). */
  newAdapter(options?: Partial<CloudBatchBackendOptions>): CloudBatchExecutorAdapter;
  /** A service on an adapter of this fake (the staging area is the bucket's host directory). */
  service(adapter?: CloudBatchExecutorAdapter): ExecutorService;
  /** Validates, plans and stages a job the way ExecutorService does, and returns its launch spec. */
  plan(job: Partial<SmartJob> & { readonly name: string }, executionConfig?: ExecutionConfig, array?: ArrayLaunch): Promise<LaunchSpec>;
  /** The fake's record of the job of an execution, found by the labels smartjob put on it. */
  jobOf(executionId: string): JobRecord;
  close(): Promise<void>;
}

/** Starts a harness before the suite; after it, closes it and checks that no fake container is left. */
export function useCloudBatch(onStarted: (harness: CloudBatchHarness) => void, options: Partial<CloudBatchBackendOptions> = {}): void {
  useHarness(() => startCloudBatch(options), onStarted);
}

/** A fake Cloud Batch on the local Docker engine and an adapter whose official client talks to it. */
export async function startCloudBatch(options: Partial<CloudBatchBackendOptions> = {}): Promise<CloudBatchHarness> {
  const docker = await requireDocker();
  const root = await mkdtemp(join(tmpdir(), 'smartjob-cloudbatch-'));
  const fake = await FakeCloudBatch.start({ bucketDirs: (bucket) => join(root, bucket), docker });
  const logger = new RecordingLogger();
  const adapters: CloudBatchExecutorAdapter[] = [];
  const newAdapter = (extra: Partial<CloudBatchBackendOptions> = {}) => {
    const all = { project: PROJECT, region: REGION, stagingBucket: `gs://${BUCKET}`, clientOptions: fakeGrpcClientOptions(fake.port), pollIntervalMs: 100, ...options, ...extra };
    const adapter = new CloudBatchExecutorAdapter({ ...resolveGcpOptions('cloudbatch', all), noExternalIpAddress: all.noExternalIpAddress ?? false, logger });
    adapters.push(adapter);
    return adapter;
  };
  const adapter = newAdapter();
  const bucketDir = join(root, BUCKET);
  const storage = new LocalDirectoryStorageAdapter(bucketDir);
  const localFiles = new NodeLocalFilesAdapter();
  return {
    docker, fake, adapter, bucketDir, storage, logger, newAdapter,
    service: (executor = adapter) => new ExecutorService({ executor, storage, localFiles, logger }),
    async plan(job, executionConfig, array) {
      const smartJob: SmartJob = { namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE, ...job };
      const plan = await planExecution(smartJob, { executionConfig }, { executor: adapter, storage, localFiles, logger, now: () => new Date() }, array);
      await stageExecution(storage, plan);
      return plan.spec;
    },
    jobOf(executionId) {
      const record = [...fake.state.jobs.values()].find((r) => r.job.labels?.[RECORD_KEYS.executionId] === executionId);
      assert.ok(record, `the fake knows the job of execution ${executionId}`);
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
