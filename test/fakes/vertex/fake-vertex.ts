import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import type { grpc } from 'google-gax';
import { listFakeContainers, type BucketDirs } from '../shared/containers.js';
import type { FailNextOptions } from '../shared/faults.js';
import { FakeGrpcServer } from '../shared/grpc-fake-server.js';
import { operationsService } from '../shared/operations.js';
import { CustomJobRunner, FAKE_BACKEND } from './custom-job-runner.js';
import { jobService } from './job-service.js';
import { packageDefinition } from './protos.js';
import { VertexState, type CustomJobRecord } from './vertex-state.js';

export type VertexMethod =
  | 'CreateCustomJob' | 'GetCustomJob' | 'ListCustomJobs' | 'CancelCustomJob' | 'DeleteCustomJob' | 'GetOperation' | 'DeleteOperation';

export interface FakeVertexOptions {
  /** Host directory of each bucket's objects (as files). */
  readonly bucketDirs: BucketDirs;
  /** Buckets every job sees at /gcs/<bucket> (Cloud Storage FUSE). @default [] */
  readonly buckets?: readonly string[];
  /**
   * Project id → project number. Vertex writes resource names with the project number; a request may use
   * either. @default {} (names keep the project as sent)
   */
  readonly projectNumbers?: Readonly<Record<string, string>>;
  /** @default new Docker() */
  readonly docker?: Docker;
  /** How long a created job stays JOB_STATE_QUEUED before JOB_STATE_PENDING. @default 0 */
  readonly queuedMs?: number;
}

/**
 * A Vertex AI v1 JobService (the CustomJob methods) and google.longrunning.Operations over gRPC on
 * 127.0.0.1, running workerpool0-0 of each CustomJob as a container on the local Docker engine, network
 * none. Faults can be planned per method.
 */
export class FakeVertex {
  readonly state: VertexState;
  readonly instanceId = randomUUID();
  private readonly docker: Docker;
  private readonly server = new FakeGrpcServer<VertexMethod>(packageDefinition, 'fake vertex');
  private readonly runner: CustomJobRunner;
  private port_ = 0;
  private closed = false;

  private constructor(options: FakeVertexOptions) {
    this.state = new VertexState(options.projectNumbers);
    this.docker = options.docker ?? new Docker();
    this.runner = new CustomJobRunner({
      state: this.state, docker: this.docker, bucketDirs: options.bucketDirs, buckets: options.buckets ?? [],
      instanceId: this.instanceId, queuedMs: options.queuedMs ?? 0,
    });
  }

  static async start(options: FakeVertexOptions): Promise<FakeVertex> {
    const fake = new FakeVertex(options);
    fake.server.addService('google.cloud.aiplatform.v1.JobService', jobService(fake.state, fake.runner));
    fake.server.addService('google.longrunning.Operations', operationsService(fake.state.operations));
    fake.port_ = await fake.server.listen();
    return fake;
  }

  /** The port on 127.0.0.1, for the client's `port` (with `apiEndpoint: '127.0.0.1'`). */
  get port(): number {
    return this.port_;
  }

  /** The CustomJob of that resource name (project id or number), as the fake holds it; undefined once deleted. */
  job(name: string): CustomJobRecord | undefined {
    return this.state.jobs.get(this.state.canonical(name));
  }

  /** The next `count` calls of `method` fail with `code` before doing anything. */
  failNext(options: FailNextOptions<VertexMethod>): void {
    this.server.failNext(options);
  }

  /** The next call of `method` does its work, then the client gets `code` (UNAVAILABLE, or DEADLINE_EXCEEDED). */
  loseNextAnswer(method: VertexMethod, code?: grpc.status): void {
    this.server.loseNextAnswer(method, code);
  }

  /** How many calls of `method` arrived (faulted ones included). */
  callCount(method: VertexMethod): number {
    return this.server.callCount(method);
  }

  callCounts(): Partial<Record<VertexMethod, number>> {
    return this.server.callCounts();
  }

  /** Containers this fake created that still exist (running or not), of one CustomJob when named. */
  containers(jobName?: string): Promise<Docker.ContainerInfo[]> {
    return listFakeContainers(this.docker, FAKE_BACKEND, this.instanceId, jobName && this.state.canonical(jobName));
  }

  /** Stops every job, removes their containers and shuts the server down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.shutdown();
    await Promise.all([...this.state.jobs.values()].map((record) => this.runner.remove(record)));
  }
}
