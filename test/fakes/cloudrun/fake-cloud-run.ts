import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { killQuietly, listFakeContainers, removeContainers, type BucketDirs } from '../shared/containers.js';
import { FakeGrpcServer } from '../shared/grpc-fake-server.js';
import { operationsService } from '../shared/operations.js';
import { executionsService, tasksService } from './executions-service.js';
import type { FailNextOptions, FakeMethod } from './faults.js';
import { FakeState, type ExecutionRecord } from './fake-state.js';
import { finish, updateJobReference } from './fake-execution.js';
import { jobsService } from './jobs-service.js';
import { packageDefinition } from './protos.js';
import { FAKE_BACKEND, TaskRunner } from './task-runner.js';

export type { FakeMethod } from './faults.js';

export interface FakeCloudRunOptions {
  /** Host directory holding each bucket's objects as files; bind-mounted where a job mounts the bucket. */
  readonly bucketDirs: BucketDirs;
  /** @default new Docker() */
  readonly docker?: Docker;
  /** @default 'https://console.cloud.google.com' */
  readonly consoleBase?: string;
}

/**
 * A Cloud Run Admin API v2 server (Jobs, Executions, Tasks, Operations over gRPC on 127.0.0.1) that runs each
 * execution as a container on the local Docker engine. Faults can be planned per method.
 */
export class FakeCloudRun {
  readonly state = new FakeState();
  readonly instanceId = randomUUID();
  private readonly docker: Docker;
  private readonly server = new FakeGrpcServer<FakeMethod>(packageDefinition, 'fake cloudrun');
  private readonly runner: TaskRunner;
  private port_ = 0;
  private closed = false;

  private constructor(private readonly options: FakeCloudRunOptions) {
    this.docker = options.docker ?? new Docker();
    this.runner = new TaskRunner(this.docker, options.bucketDirs, this.instanceId);
  }

  static async start(options: FakeCloudRunOptions): Promise<FakeCloudRun> {
    const fake = new FakeCloudRun(options);
    await fake.listen();
    return fake;
  }

  get port(): number {
    return this.port_;
  }

  /** The next `count` calls of `method` fail with `code` before doing anything. */
  failNext(options: FailNextOptions): void {
    this.server.failNext(options);
  }

  /** The next call of `method` does its work server-side, then the client gets UNAVAILABLE. */
  loseNextAnswer(method: FakeMethod): void {
    this.server.loseNextAnswer(method);
  }

  /** How many calls of `method` arrived (faulted ones included). */
  callCount(method: FakeMethod): number {
    return this.server.callCount(method);
  }

  /** Containers this fake created that still exist (running or not), of one execution when named. */
  async containers(executionName?: string): Promise<Docker.ContainerInfo[]> {
    return listFakeContainers(this.docker, FAKE_BACKEND, this.instanceId, executionName);
  }

  /** Stops every execution, removes their containers and shuts the server down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.shutdown();
    await Promise.all([...this.state.executions.values()].map((record) => this.removeExecution(record)));
    this.state.executions.clear();
    this.state.jobs.clear();
  }

  private async listen(): Promise<void> {
    const deps = { state: this.state, consoleBase: this.options.consoleBase ?? 'https://console.cloud.google.com' };
    const remove = (record: ExecutionRecord) => this.removeExecution(record);
    this.server.addService('google.cloud.run.v2.Jobs', jobsService({ ...deps, remove, start: (record) => this.startExecution(record) }));
    this.server.addService('google.cloud.run.v2.Executions', executionsService(this.state, remove));
    this.server.addService('google.cloud.run.v2.Tasks', tasksService(this.state));
    this.server.addService('google.longrunning.Operations', operationsService(this.state.operations));
    this.port_ = await this.server.listen();
  }

  private startExecution(record: ExecutionRecord): void {
    record.finished = this.runner.run(record).then(
      () => updateJobReference(this.state, record),
      (error: unknown) => {
        console.error(`fake cloudrun: the runner of ${record.name} failed`, error);
        finish(record, { kind: 'failed', exitCode: undefined, message: `fake runner error: ${String(error)}` });
      },
    );
  }

  /** Stops the execution if it runs, waits for its runner, removes its containers and forgets it. */
  private async removeExecution(record: ExecutionRecord): Promise<void> {
    record.stopRequested ??= 'deleted';
    if (record.current) await killQuietly(record.current);
    await record.finished;
    await removeContainers(record);
    this.state.executions.delete(record.name);
  }
}
