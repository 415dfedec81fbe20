import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { grpc } from 'google-gax';
import { executionsService, operationsService, tasksService } from './executions-service.js';
import { FaultPlan, RpcError, type FailNextOptions, type FakeMethod } from './faults.js';
import { FakeState, type ExecutionRecord } from './fake-state.js';
import { finish, updateJobReference } from './fake-execution.js';
import { jobsService } from './jobs-service.js';
import { packageDefinition } from './protos.js';
import { FAKE_LABEL, FAKE_LABEL_VALUE, TaskRunner, killQuietly, removeQuietly, type BucketDirs } from './task-runner.js';

export type { FakeMethod } from './faults.js';

export interface FakeCloudRunOptions {
  /** Host directory holding each bucket's objects as files; bind-mounted where a job mounts the bucket. */
  readonly bucketDirs: BucketDirs;
  /** @default new Docker() */
  readonly docker?: Docker;
  /** @default 'https://console.cloud.google.com' */
  readonly consoleBase?: string;
}

/** Each handler takes its own request type; `never` accepts them all here. */
type Handler = (request: never) => unknown;

/**
 * A Cloud Run Admin API v2 server (Jobs, Executions, Tasks, Operations over gRPC on 127.0.0.1) that runs each
 * execution as a container on the local Docker engine. Faults can be planned per method.
 */
export class FakeCloudRun {
  readonly state = new FakeState();
  readonly instanceId = randomUUID();
  private readonly docker: Docker;
  private readonly faults = new FaultPlan();
  private readonly counts = new Map<string, number>();
  private readonly server = new grpc.Server();
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
    this.faults.failNext(options);
  }

  /** The next call of `method` does its work server-side, then the client gets UNAVAILABLE. */
  loseNextAnswer(method: FakeMethod): void {
    this.faults.loseNextAnswer(method);
  }

  /** How many calls of `method` arrived (faulted ones included). */
  callCount(method: FakeMethod): number {
    return this.counts.get(method) ?? 0;
  }

  /** Containers this fake created that still exist (running or not), of one execution when named. */
  async containers(executionName?: string): Promise<Docker.ContainerInfo[]> {
    const label = [`${FAKE_LABEL}=${FAKE_LABEL_VALUE}`, `${FAKE_LABEL}.instance=${this.instanceId}`];
    if (executionName) label.push(`${FAKE_LABEL}.execution=${executionName}`);
    return this.docker.listContainers({ all: true, filters: { label } });
  }

  /** Stops every execution, removes their containers and shuts the server down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.forceShutdown();
    await Promise.all([...this.state.executions.values()].map((record) => this.removeExecution(record)));
    this.state.executions.clear();
    this.state.jobs.clear();
  }

  private async listen(): Promise<void> {
    const deps = { state: this.state, consoleBase: this.options.consoleBase ?? 'https://console.cloud.google.com' };
    const remove = (record: ExecutionRecord) => this.removeExecution(record);
    this.addService('google.cloud.run.v2.Jobs', jobsService({ ...deps, remove, start: (record) => this.startExecution(record) }));
    this.addService('google.cloud.run.v2.Executions', executionsService(this.state, remove));
    this.addService('google.cloud.run.v2.Tasks', tasksService(this.state));
    this.addService('google.longrunning.Operations', operationsService(this.state));
    this.port_ = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
    });
  }

  private addService(serviceName: string, handlers: Record<string, Handler>): void {
    const definition = packageDefinition[serviceName] as grpc.ServiceDefinition;
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers)) implementation[method] = this.unary(method as FakeMethod, handler);
    this.server.addService(definition, implementation);
  }

  private unary(method: FakeMethod, handler: Handler): grpc.handleUnaryCall<unknown, unknown> {
    return (call, callback) => {
      this.counts.set(method, this.callCount(method) + 1);
      const fault = this.faults.take(method);
      if (fault?.kind === 'fail') return callback({ code: fault.code, details: fault.message }, null);
      Promise.resolve()
        .then(() => handler(call.request as never))
        .then(
          (response) => {
            if (fault?.kind === 'lose') callback({ code: grpc.status.UNAVAILABLE, details: 'connection reset (injected: the answer was lost)' }, null);
            else callback(null, response);
          },
          (error: unknown) => {
            if (error instanceof RpcError) return callback({ code: error.code, details: error.message }, null);
            console.error(`fake cloudrun: ${method} failed`, error);
            callback({ code: grpc.status.INTERNAL, details: String((error as Error)?.message ?? error) }, null);
          },
        );
    };
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
    await Promise.all(record.containers.map((container) => removeQuietly(container)));
    record.containers.length = 0;
    this.state.executions.delete(record.name);
  }
}
