import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { googleAuthLibrary, grpc } from 'google-gax';
import type { ExecutionConfig } from '../../../src/domain/execution-config.js';
import type { SmartJob } from '../../../src/domain/job.js';
import type { LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { planExecution } from '../../../src/domain/services/plan.js';
import { stageExecution } from '../../../src/domain/services/stage.js';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { CloudRunExecutorAdapter } from '../../../src/infra/gcp/cloudrun/cloudrun-executor.adapter.js';
import type { CloudRunBackendOptions, CloudRunClientOptions } from '../../../src/infra/gcp/cloudrun/cloudrun-options.js';
import { LocalDirectoryStorageAdapter } from '../../../src/infra/local/local-directory-storage.adapter.js';
import { NodeLocalFilesAdapter } from '../../../src/infra/local/node-local-files.adapter.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { fakeExecutionOf } from './cloudrun-service.js';
import { FakeCloudRun } from '../../fakes/cloudrun/fake-cloud-run.js';
import { requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import { useHarness } from '../../support/fake-backend-suite.js';

export const PROJECT = 'smartjob-tests';
export const REGION = 'europe-west1';
export const BUCKET = 'staging-bucket';


export interface CloudRunHarness {
  readonly docker: Docker;
  readonly fake: FakeCloudRun;
  readonly adapter: CloudRunExecutorAdapter;
  readonly clientOptions: CloudRunClientOptions;
  /** The host directory the fake mounts for BUCKET: the staging area as the job sees it at /staging. */
  readonly bucketDir: string;
  readonly storage: LocalDirectoryStorageAdapter;
  readonly logger: RecordingLogger;
  /** Another adapter on the same fake, as a second process would have (nothing remembered). */
  newAdapter(options?: Partial<CloudRunBackendOptions>): CloudRunExecutorAdapter;
  /** Validates, plans and stages a job the way ExecutorService does, and returns its launch spec. */
  plan(job: Partial<SmartJob> & { readonly name: string }, executionConfig?: ExecutionConfig): Promise<LaunchSpec>;
  close(): Promise<void>;
}

/** Starts a harness before the suite; after it, closes it and checks that no fake container is left. */
export function useCloudRun(onStarted: (harness: CloudRunHarness) => void): void {
  useHarness(() => startCloudRun(), onStarted);
}

/** A fake Cloud Run on the local Docker engine and an adapter whose official clients talk to it. */
export async function startCloudRun(options: Partial<CloudRunBackendOptions> = {}): Promise<CloudRunHarness> {
  const docker = await requireDocker();
  const root = await mkdtemp(join(tmpdir(), 'smartjob-cloudrun-'));
  const fake = await FakeCloudRun.start({ bucketDirs: (bucket) => join(root, bucket), docker });
  const clientOptions: CloudRunClientOptions = {
    apiEndpoint: '127.0.0.1',
    port: fake.port,
    sslCreds: grpc.credentials.createInsecure(),
    authClient: new googleAuthLibrary.PassThroughClient(), // never the default credentials: they could reach real Google
  };
  const logger = new RecordingLogger();
  const adapters: CloudRunExecutorAdapter[] = [];
  const newAdapter = (extra: Partial<CloudRunBackendOptions> = {}) => {
    const resolved = resolveGcpOptions('cloudrun', {
      project: PROJECT, region: REGION, stagingBucket: `gs://${BUCKET}`, clientOptions, pollIntervalMs: 100, ...options, ...extra,
    });
    const adapter = new CloudRunExecutorAdapter({ ...resolved, logger });
    adapters.push(adapter);
    return adapter;
  };
  const adapter = newAdapter();
  const bucketDir = join(root, BUCKET);
  const storage = new LocalDirectoryStorageAdapter(bucketDir);
  return {
    docker, fake, adapter, clientOptions, bucketDir, storage, logger, newAdapter,
    async plan(job, executionConfig) {
      const smartJob: SmartJob = { namespace: TEST_NAMESPACE, dockerImage: 'smartjob-test/busybox:local', ...job };
      const plan = await planExecution(smartJob, { executionConfig }, { executor: adapter, storage, localFiles: new NodeLocalFilesAdapter(), logger, now: () => new Date() });
      await stageExecution(storage, plan);
      return plan.spec;
    },
    async close() {
      await Promise.all(adapters.map((a) => a.close()));
      await fake.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export { shellJob } from '../../support/shell-job.js';

/** The fake's record of an execution, found by the id smartjob recorded on it. */
export function fakeRecordOf(h: CloudRunHarness, executionId: string) {
  return fakeExecutionOf(h.fake, executionId);
}

export async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
