import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import type { grpc } from 'google-gax';
import { listFakeContainers, type BucketDirs } from '../shared/containers.js';
import type { FailNextOptions } from '../shared/faults.js';
import { FakeGrpcServer } from '../shared/grpc-fake-server.js';
import { operationsService } from '../shared/operations.js';
import { BatchState, type JobRecord } from './batch-state.js';
import { batchService } from './batch-service.js';
import { JobRunner } from './job-runner.js';
import { packageDefinition } from './protos.js';
import { FAKE_BACKEND } from './runnable-container.js';

export type BatchMethod =
  | 'CreateJob' | 'GetJob' | 'ListJobs' | 'DeleteJob' | 'CancelJob' | 'GetTask' | 'ListTasks' | 'GetOperation' | 'DeleteOperation';

export interface FakeCloudBatchOptions {
  /** Host directory of each bucket's objects (as files): a GCS volume's remote path is served from it. */
  readonly bucketDirs: BucketDirs;
  /** @default new Docker() */
  readonly docker?: Docker;
  /** How long a created job stays QUEUED before it is SCHEDULED. @default 0 */
  readonly queuedMs?: number;
}

/**
 * A Cloud Batch v1 server (BatchService and google.longrunning.Operations over gRPC on 127.0.0.1) that runs
 * each task of a job as containers on the local Docker engine, network none. Faults can be planned per method.
 */
export class FakeCloudBatch {
  readonly state = new BatchState();
  readonly instanceId = randomUUID();
  private readonly docker: Docker;
  private readonly server = new FakeGrpcServer<BatchMethod>(packageDefinition, 'fake cloudbatch');
  private readonly runner: JobRunner;
  private port_ = 0;
  private closed = false;

  private constructor(options: FakeCloudBatchOptions) {
    this.docker = options.docker ?? new Docker();
    this.runner = new JobRunner({
      state: this.state, docker: this.docker, bucketDirs: options.bucketDirs, instanceId: this.instanceId, queuedMs: options.queuedMs ?? 0,
    });
  }

  static async start(options: FakeCloudBatchOptions): Promise<FakeCloudBatch> {
    const fake = new FakeCloudBatch(options);
    fake.server.addService('google.cloud.batch.v1.BatchService', batchService(fake.state, fake.runner));
    fake.server.addService('google.longrunning.Operations', operationsService(fake.state.operations));
    fake.port_ = await fake.server.listen();
    return fake;
  }

  /** The port on 127.0.0.1, for the client's `port` (with `apiEndpoint: '127.0.0.1'`). */
  get port(): number {
    return this.port_;
  }

  /** The job of that resource name, as the fake holds it (undefined once deleted). */
  job(name: string): JobRecord | undefined {
    return this.state.jobs.get(name);
  }

  /** The next `count` calls of `method` fail with `code` before doing anything. */
  failNext(options: FailNextOptions<BatchMethod>): void {
    this.server.failNext(options);
  }

  /** The next call of `method` does its work, then the client gets `code` (UNAVAILABLE, or DEADLINE_EXCEEDED). */
  loseNextAnswer(method: BatchMethod, code?: grpc.status): void {
    this.server.loseNextAnswer(method, code);
  }

  /** How many calls of `method` arrived (faulted ones included). */
  callCount(method: BatchMethod): number {
    return this.server.callCount(method);
  }

  callCounts(): Partial<Record<BatchMethod, number>> {
    return this.server.callCounts();
  }

  /** Containers this fake created that still exist (running or not), of one job when named. */
  containers(jobName?: string): Promise<Docker.ContainerInfo[]> {
    return listFakeContainers(this.docker, FAKE_BACKEND, this.instanceId, jobName);
  }

  /** Stops every job, removes their containers and shuts the server down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.shutdown();
    await Promise.all([...this.state.jobs.values()].map((record) => this.runner.remove(record)));
  }
}
