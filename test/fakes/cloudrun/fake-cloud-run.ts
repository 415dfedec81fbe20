import { removeContainers } from '../shared/containers.js';
import { FakeGrpcBackend, type FakeBackendOptions } from '../shared/fake-backend.js';
import { operationsService } from '../shared/operations.js';
import { executionsService, tasksService } from './executions-service.js';
import type { FakeMethod } from './faults.js';
import { FakeState, type ExecutionRecord } from './fake-state.js';
import { FakeSecretStore } from '../shared/secret-store.js';
import { updateJobReference } from './fake-execution.js';
import { finishExecution, stopExecution } from './fake-progress.js';
import { jobsService } from './jobs-service.js';
import { packageDefinition } from './protos.js';
import { FAKE_BACKEND, TaskRunner } from './task-runner.js';

export type { FakeMethod } from './faults.js';

export interface FakeCloudRunOptions extends FakeBackendOptions {
  /** @default 'https://console.cloud.google.com' */
  readonly consoleBase?: string;
}

/**
 * A Cloud Run Admin API v2 server (Jobs, Executions, Tasks, Operations over gRPC on 127.0.0.1) that runs each
 * task of an execution as a container on the local Docker engine, the job's parallelism at a time. Faults can
 * be planned per method.
 */
export class FakeCloudRun extends FakeGrpcBackend<FakeMethod> {
  readonly state = new FakeState();
  /** Secret Manager as the fake's tasks see it: a test puts versions in, and sees which were read. */
  readonly secrets = new FakeSecretStore();
  private readonly runner: TaskRunner;

  private constructor(options: FakeCloudRunOptions) {
    super(FAKE_BACKEND, packageDefinition, options.docker);
    this.runner = new TaskRunner(this.docker, options.bucketDirs, this.instanceId, this.secrets, this.state);
  }

  static async start(options: FakeCloudRunOptions): Promise<FakeCloudRun> {
    const fake = new FakeCloudRun(options);
    const deps = { state: fake.state, consoleBase: options.consoleBase ?? 'https://console.cloud.google.com' };
    const remove = (record: ExecutionRecord) => fake.removeExecution(record);
    await fake.listen({
      'google.cloud.run.v2.Jobs': jobsService({ ...deps, remove, start: (record) => fake.startExecution(record) }),
      'google.cloud.run.v2.Executions': executionsService(fake.state, remove),
      'google.cloud.run.v2.Tasks': tasksService(fake.state),
      'google.longrunning.Operations': operationsService(fake.state.operations),
    });
    return fake;
  }

  /** The env of every container the fake created for an execution (one per task attempt), as maps. */
  async containerEnvs(executionName: string): Promise<Record<string, string>[]> {
    const infos = await this.containers(executionName);
    const envs = await Promise.all(infos.map(async (info) => (await this.docker.getContainer(info.Id).inspect()).Config.Env ?? []));
    return envs.map((env) => Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)])));
  }

  protected async removeAll(): Promise<void> {
    await Promise.all([...this.state.executions.values()].map((record) => this.removeExecution(record)));
    this.state.executions.clear();
    this.state.jobs.clear();
  }

  private startExecution(record: ExecutionRecord): void {
    record.finished = this.runner.run(record).then(
      () => updateJobReference(this.state, record),
      (error: unknown) => {
        console.error(`fake cloudrun: the runner of ${record.name} failed`, error);
        if (!record.execution.completionTime) finishExecution(record, `fake runner error: ${String(error)}`);
      },
    );
  }

  /** Stops the execution if it runs, waits for its runner, removes its containers and forgets it. */
  private async removeExecution(record: ExecutionRecord): Promise<void> {
    await stopExecution(record, 'deleted');
    await record.finished;
    await removeContainers(record);
    this.state.executions.delete(record.name);
  }
}
