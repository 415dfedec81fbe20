import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import type { grpc } from 'google-gax';
import { listFakeContainers, type BucketDirs } from './containers.js';
import type { FailNextOptions } from './faults.js';
import { FakeGrpcServer, type Handler } from './grpc-fake-server.js';

/**
 * What every wire-level backend fake offers a test: its port on 127.0.0.1, planned faults, call counters,
 * the containers it created (labelled with its instance id) and an idempotent close.
 */
export abstract class FakeGrpcBackend<M extends string> {
  readonly instanceId = randomUUID();
  protected readonly docker: Docker;
  private readonly server: FakeGrpcServer<M>;
  private port_ = 0;
  private closed = false;

  protected constructor(private readonly backend: string, packageDefinition: Record<string, unknown>, docker: Docker | undefined) {
    this.docker = docker ?? new Docker();
    this.server = new FakeGrpcServer<M>(packageDefinition, `fake ${backend}`);
  }

  /** The port on 127.0.0.1, for the client's `port` (with `apiEndpoint: '127.0.0.1'`). */
  get port(): number {
    return this.port_;
  }

  /** The next `count` calls of `method` fail with `code` before doing anything. */
  failNext(options: FailNextOptions<M>): void {
    this.server.failNext(options);
  }

  /** The next call of `method` does its work, then the client gets `code` (UNAVAILABLE by default, or DEADLINE_EXCEEDED). */
  loseNextAnswer(method: M, code?: grpc.status): void {
    this.server.loseNextAnswer(method, code);
  }

  /** Drops the planned faults not used yet. */
  clearFaults(): void {
    this.server.clearFaults();
  }

  /** How many calls of `method` arrived (faulted ones included). */
  callCount(method: M): number {
    return this.server.callCount(method);
  }

  /** Every method called so far and how many times. */
  callCounts(): Partial<Record<M, number>> {
    return this.server.callCounts();
  }

  /** Containers this fake created that still exist (running or not), of one resource when named. */
  containers(resourceName?: string): Promise<Docker.ContainerInfo[]> {
    return listFakeContainers(this.docker, this.backend, this.instanceId, resourceName && this.canonicalName(resourceName));
  }

  /** Stops every run, removes their containers and shuts the server down. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.server.shutdown();
    await this.removeAll();
  }

  protected async listen(services: Record<string, Partial<Record<M, Handler>>>): Promise<void> {
    for (const [name, handlers] of Object.entries(services)) this.server.addService(name, handlers);
    this.port_ = await this.server.listen();
  }

  /** The name the fake files a resource under (a request may spell it another way). */
  protected canonicalName(name: string): string {
    return name;
  }

  protected abstract removeAll(): Promise<void>;
}

/** What every backend fake is started with. */
export interface FakeBackendOptions {
  /** Host directory of each bucket's objects (as files): where a job mounts a bucket, this is mounted. */
  readonly bucketDirs: BucketDirs;
  /** @default new Docker() */
  readonly docker?: Docker;
}

/** The lifecycle of one run (a Batch job, a CustomJob): stop requests, the runner's end, the removal. */
export interface RunLifecycle {
  stopRequested?: 'cancelled' | 'deleted';
  /** Settles once the run's runner has ended. */
  finished?: Promise<void>;
  /** Settles once a Delete call has removed the run. */
  removed?: Promise<void>;
  /** What went wrong in the fake itself (a container that could not be created…), for tests to read. */
  readonly runnerErrors: string[];
}
