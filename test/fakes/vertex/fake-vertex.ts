import { FakeGrpcBackend, type FakeBackendOptions } from '../shared/fake-backend.js';
import { operationsService } from '../shared/operations.js';
import { CustomJobRunner, FAKE_BACKEND } from './custom-job-runner.js';
import { jobService } from './job-service.js';
import { packageDefinition } from './protos.js';
import { VertexState, type CustomJobRecord } from './vertex-state.js';

export type VertexMethod =
  | 'CreateCustomJob' | 'GetCustomJob' | 'ListCustomJobs' | 'CancelCustomJob' | 'DeleteCustomJob' | 'GetOperation' | 'DeleteOperation';

export interface FakeVertexOptions extends FakeBackendOptions {
  /** Buckets every job sees at /gcs/<bucket> (Cloud Storage FUSE). @default [] */
  readonly buckets?: readonly string[];
  /**
   * Project id → project number. Vertex writes resource names with the project number; a request may use
   * either. @default {} (names keep the project as sent)
   */
  readonly projectNumbers?: Readonly<Record<string, string>>;
  /** How long a created job stays JOB_STATE_QUEUED before JOB_STATE_PENDING. @default 0 */
  readonly queuedMs?: number;
}

/**
 * A Vertex AI v1 JobService (the CustomJob methods) and google.longrunning.Operations over gRPC on
 * 127.0.0.1, running workerpool0-0 of each CustomJob as a container on the local Docker engine, network
 * none. Faults can be planned per method.
 */
export class FakeVertex extends FakeGrpcBackend<VertexMethod> {
  readonly state: VertexState;
  private readonly runner: CustomJobRunner;

  private constructor(options: FakeVertexOptions) {
    super(FAKE_BACKEND, packageDefinition, options.docker);
    this.state = new VertexState(options.projectNumbers);
    this.runner = new CustomJobRunner({
      state: this.state, docker: this.docker, bucketDirs: options.bucketDirs, buckets: options.buckets ?? [],
      instanceId: this.instanceId, queuedMs: options.queuedMs ?? 0,
    });
  }

  static async start(options: FakeVertexOptions): Promise<FakeVertex> {
    const fake = new FakeVertex(options);
    await fake.listen({
      'google.cloud.aiplatform.v1.JobService': jobService(fake.state, fake.runner),
      'google.longrunning.Operations': operationsService(fake.state.operations),
    });
    return fake;
  }

  /** The CustomJob of that resource name (project id or number), as the fake holds it; undefined once deleted. */
  job(name: string): CustomJobRecord | undefined {
    return this.state.jobs.get(this.state.canonical(name));
  }

  protected override canonicalName(name: string): string {
    return this.state.canonical(name);
  }

  protected async removeAll(): Promise<void> {
    await Promise.all([...this.state.jobs.values()].map((record) => this.runner.remove(record)));
  }
}
