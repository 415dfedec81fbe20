import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGrpcBackend, type FakeBackendOptions } from '../shared/fake-backend.js';
import { operationsService } from '../shared/operations.js';
import { FakeSecretStore } from '../shared/secret-store.js';
import { BatchState, type JobRecord } from './batch-state.js';
import { batchService } from './batch-service.js';
import { JobRunner } from './job-runner.js';
import { packageDefinition } from './protos.js';
import { FAKE_BACKEND } from './runnable-container.js';

export type BatchMethod =
  | 'CreateJob' | 'GetJob' | 'ListJobs' | 'DeleteJob' | 'CancelJob' | 'GetTask' | 'ListTasks' | 'GetOperation' | 'DeleteOperation';

export interface FakeCloudBatchOptions extends FakeBackendOptions {
  /** How long a created job stays QUEUED before it is SCHEDULED. @default 0 */
  readonly queuedMs?: number;
}

/**
 * A Cloud Batch v1 server (BatchService and google.longrunning.Operations over gRPC on 127.0.0.1) that runs
 * each task of a job as containers on the local Docker engine, network none. Faults can be planned per method.
 */
export class FakeCloudBatch extends FakeGrpcBackend<BatchMethod> {
  readonly state = new BatchState();
  /** Secret Manager as the fake's tasks see it: a test puts versions in, and sees which were read. */
  readonly secrets = new FakeSecretStore();
  private readonly runner: JobRunner;
  /** Stands for the VMs' disks: one directory per task attempt. */
  private readonly vmRoot = mkdtempSync(join(tmpdir(), 'smartjob-fake-batch-vm-'));

  private constructor(options: FakeCloudBatchOptions) {
    super(FAKE_BACKEND, packageDefinition, options.docker);
    this.runner = new JobRunner({
      state: this.state, docker: this.docker, bucketDirs: options.bucketDirs, instanceId: this.instanceId, queuedMs: options.queuedMs ?? 0,
      vmRoot: this.vmRoot, secrets: this.secrets,
    });
  }

  static async start(options: FakeCloudBatchOptions): Promise<FakeCloudBatch> {
    const fake = new FakeCloudBatch(options);
    await fake.listen({
      'google.cloud.batch.v1.BatchService': batchService(fake.state, fake.runner),
      'google.longrunning.Operations': operationsService(fake.state.operations),
    });
    return fake;
  }

  /** The job of that resource name, as the fake holds it (undefined once deleted). */
  job(name: string): JobRecord | undefined {
    return this.state.jobs.get(name);
  }

  protected async removeAll(): Promise<void> {
    await Promise.all([...this.state.jobs.values()].map((record) => this.runner.remove(record)));
    await rm(this.vmRoot, { recursive: true, force: true });
  }
}
