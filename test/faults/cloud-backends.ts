import { mkdir, readdir } from 'node:fs/promises';
import { getExecutorService } from '../../src/app/executor-factory.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import type { CallRetryOptions } from '../../src/infra/gcp/shared/gax-retry.js';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';
import { FakeCloudBatch } from '../fakes/cloudbatch/fake-cloud-batch.js';
import { FakeCloudRun } from '../fakes/cloudrun/fake-cloud-run.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';
import type { FakeGrpcBackend } from '../fakes/shared/fake-backend.js';
import { FakeVertex } from '../fakes/vertex/fake-vertex.js';
import { requireDocker } from '../support/docker.js';
import { fakeGrpcClientOptions } from '../support/fake-grpc-client.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { TEST_PROJECT, TEST_REGION } from '../support/service-config.js';

export const BUCKET = 'smartjob-staging';
/** Short pauses, so a burst costs a test milliseconds; the bounds are the defaults' shape. */
export const TEST_CALL_RETRY: CallRetryOptions = { maxAttempts: 5, minBackoffMs: 20, maxBackoffMs: 200, maxTotalMs: 20_000 };

export type CloudBackend = 'cloudrun' | 'cloudbatch' | 'vertex';
/** The kinds of call the service makes to a backend, each answered by one method of its API. */
export type CallKind = 'create' | 'get' | 'list' | 'cancel' | 'remove';

export interface CloudFixture {
  readonly backend: CloudBackend;
  readonly fake: FakeGrpcBackend<string>;
  readonly gcs: GcsFake;
  readonly service: ExecutorService;
  readonly logger: RecordingLogger;
  /** The fake's method behind each kind of call. */
  readonly methods: Readonly<Record<CallKind, string>>;
  /** How many backend objects (executions, jobs) carry this execution id, counted by the fake. */
  executionsOf(executionId: string): number;
  /** How many backend objects (Cloud Run jobs; Batch jobs, CustomJobs) carry this job name, counted by the fake. */
  objectsNamed(jobName: string): number;
  /**
   * What someone else (a console user, another tool) does to the execution's backend object with the official client:
   * deletes its Cloud Run Job (its executions go with it), deletes its Batch job, or, once it ended (Vertex deletes
   * only ended jobs), deletes its CustomJob.
   */
  deleteElsewhere(executionId: string): Promise<void>;
  /**
   * Every staged path inside an execution directory (`<ns-job>/<day>/<minute>/<id>/…`). Their ancestors'
   * directory markers are shared by every execution of a job and kept.
   */
  stagedPaths(): Promise<string[]>;
  close(): Promise<void>;
}

const METHODS: Record<CloudBackend, Record<CallKind, string>> = {
  cloudrun: { create: 'RunJob', get: 'GetExecution', list: 'ListJobs', cancel: 'CancelExecution', remove: 'DeleteExecution' },
  cloudbatch: { create: 'CreateJob', get: 'GetJob', list: 'ListJobs', cancel: 'CancelJob', remove: 'DeleteJob' },
  vertex: { create: 'CreateCustomJob', get: 'GetCustomJob', list: 'ListCustomJobs', cancel: 'CancelCustomJob', remove: 'DeleteCustomJob' },
};

/** One backend's gRPC fake (its jobs run on the local engine), the GCS fake holding its staging bucket, and a service on both. */
export async function startCloudFixture(backend: CloudBackend, { pollIntervalMs = 100 } = {}): Promise<CloudFixture> {
  const docker = await requireDocker();
  const gcs = await startGcsFake();
  await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
  const options = { bucketDirs: (bucket: string) => gcs.bucketDir(bucket), docker };
  const fake = await startFake(backend, options);
  const logger = new RecordingLogger();
  const placement = {
    project: TEST_PROJECT, region: TEST_REGION, stagingBucket: `gs://${BUCKET}`, clientOptions: fakeGrpcClientOptions(fake.port),
    pollIntervalMs, callRetry: TEST_CALL_RETRY,
  };
  const service = getExecutorService(backend, {
    useCache: false, logger, gcs: { apiEndpoint: gcs.endpoint, projectId: 'smartjob-test', maxRetryDelaySeconds: 1 }, [backend]: placement,
  });
  return {
    backend, fake, gcs, service, logger, methods: METHODS[backend],
    executionsOf: (executionId) => recordsOf(backend, fake, executionId),
    objectsNamed: (jobName) => namedObjectsOf(backend, fake, jobName),
    deleteElsewhere: (executionId) => deleteElsewhere(backend, fake, executionId),
    stagedPaths: async () => (await readdir(gcs.bucketDir(BUCKET), { recursive: true })).map(String).filter((p) => p.split('/').length >= 4).sort(),
    async close() {
      await service.close();
      await fake.close();
      await gcs.close();
    },
  };
}

async function startFake(backend: CloudBackend, options: { bucketDirs: (bucket: string) => string; docker: Awaited<ReturnType<typeof requireDocker>> }) {
  switch (backend) {
    case 'cloudrun':
      return (await FakeCloudRun.start(options)) as unknown as FakeGrpcBackend<string>;
    case 'cloudbatch':
      return (await FakeCloudBatch.start(options)) as unknown as FakeGrpcBackend<string>;
    case 'vertex':
      return (await FakeVertex.start({ ...options, buckets: [BUCKET], projectNumbers: { [TEST_PROJECT]: '424242424242' } })) as unknown as FakeGrpcBackend<string>;
  }
}

function recordsOf(backend: CloudBackend, fake: FakeGrpcBackend<string>, executionId: string): number {
  switch (backend) {
    case 'cloudrun':
      return [...(fake as unknown as FakeCloudRun).state.executions.values()].filter((r) =>
        r.execution.template?.containers?.[0]?.env?.some((e) => e.name === RECORD_KEYS.executionId && e.value === executionId)).length;
    case 'cloudbatch':
      return [...(fake as unknown as FakeCloudBatch).state.jobs.values()].filter((r) => r.job.labels?.[RECORD_KEYS.executionId] === executionId).length;
    case 'vertex':
      return [...(fake as unknown as FakeVertex).state.jobs.values()].filter((r) => r.job.labels?.[RECORD_KEYS.executionId] === executionId).length;
  }
}

function namedObjectsOf(backend: CloudBackend, fake: FakeGrpcBackend<string>, jobName: string): number {
  const labels = backend === 'cloudrun'
    ? [...(fake as unknown as FakeCloudRun).state.jobs.values()].map((j) => j.labels)
    : [...(fake as unknown as FakeCloudBatch | FakeVertex).state.jobs.values()].map((r) => r.job.labels);
  return labels.filter((l) => l?.[RECORD_KEYS.name] === jobName).length;
}

async function deleteElsewhere(backend: CloudBackend, fake: FakeGrpcBackend<string>, executionId: string): Promise<void> {
  const options = fakeGrpcClientOptions(fake.port);
  const carries = (labels: Record<string, string> | null | undefined) => labels?.[RECORD_KEYS.executionId] === executionId;
  switch (backend) {
    case 'cloudrun': {
      const record = [...(fake as unknown as FakeCloudRun).state.executions.values()].find((r) =>
        r.execution.template?.containers?.[0]?.env?.some((e) => e.name === RECORD_KEYS.executionId && e.value === executionId));
      const client = new (await import('@google-cloud/run')).v2.JobsClient(options);
      try {
        const [operation] = await client.deleteJob({ name: record!.jobName });
        await operation.promise();
      } finally {
        await client.close();
      }
      return;
    }
    case 'cloudbatch': {
      const [name] = [...(fake as unknown as FakeCloudBatch).state.jobs].find(([, r]) => carries(r.job.labels))!;
      const client = new (await import('@google-cloud/batch')).v1.BatchServiceClient(options);
      try {
        const [operation] = await client.deleteJob({ name });
        await operation.promise(); // done once the job is gone (DELETION_IN_PROGRESS before)
      } finally {
        await client.close();
      }
      return;
    }
    case 'vertex': {
      const state = (fake as unknown as FakeVertex).state;
      const entry = () => [...state.jobs].find(([, r]) => carries(r.job.labels));
      const ended = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'];
      for (let i = 0; !ended.includes(String(entry()?.[1].job.state)); i++) {
        if (i > 600) throw new Error(`CustomJob of ${executionId} did not end`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const client = new (await import('@google-cloud/aiplatform')).v1.JobServiceClient(options);
      try {
        await client.deleteCustomJob({ name: entry()![0] });
      } finally {
        await client.close();
      }
    }
  }
}
