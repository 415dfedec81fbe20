import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { fakeLabels, runAttempt, type AttemptOutcome, type BucketDirs } from '../shared/containers.js';
import type { FakeSecretStore } from '../shared/secret-store.js';
import { attemptEnded, attemptStarted, finishExecution, finishTask, type Ending } from './fake-progress.js';
import type { ExecutionRecord, TaskRecord } from './fake-state.js';
import { durationSeconds, type IContainer, type ITaskTemplate } from './protos.js';

export const FAKE_BACKEND = 'cloudrun';

/**
 * Runs an execution's tasks as containers on the local engine, `parallelism` tasks at a time (lowest index
 * first): one container per attempt, network none, the task timeout enforced by killing the container, retries
 * up to `max_retries` (unset means 3). A task that failed does not stop the others; once every task has ended,
 * the execution ends. After a cancel, the tasks not started yet end cancelled without running.
 */
export class TaskRunner {
  constructor(
    private readonly docker: Docker,
    private readonly bucketDirs: BucketDirs,
    /** Labels every container, so a test sees only its own fake's containers. */
    private readonly instanceId: string,
    private readonly secrets: FakeSecretStore,
    /** The fake's wording, read when a task times out (a test may change it). */
    private readonly wording: { readonly timeoutMessage: string },
  ) {}

  async run(record: ExecutionRecord): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < record.tasks.length) await this.runTask(record, record.tasks[next++] as TaskRecord);
    };
    const parallelism = Math.min(Number(record.execution.parallelism) || record.tasks.length, record.tasks.length);
    await Promise.all(Array.from({ length: parallelism }, worker));
    finishExecution(record);
  }

  private async runTask(record: ExecutionRecord, taskRecord: TaskRecord): Promise<void> {
    const template = record.execution.template as ITaskTemplate;
    const env = this.resolvedEnv(record);
    if ('missing' in env) return finishTask(record, taskRecord, { kind: 'failed', exitCode: undefined, message: env.missing });
    const maxRetries = template.maxRetries ?? 3;
    const timeoutSeconds = durationSeconds(template.timeout) ?? 600;
    for (let attempt = 0; ; attempt++) {
      let ran = false;
      const outcome = await runAttempt(this.docker, taskRecord, this.containerSpec(record, taskRecord, attempt, env.env), {
        timeoutSeconds, label: 'fake cloudrun', onRunning: () => {
          ran = true;
          attemptStarted(record, taskRecord, attempt);
        },
      });
      if (ran) attemptEnded(record);
      if (outcome.kind === 'exited') taskRecord.task.lastAttemptResult = { exitCode: outcome.exitCode, status: { code: outcome.exitCode === 0 ? 0 : 2 } };
      if (outcome.kind === 'timedOut') taskRecord.task.lastAttemptResult = {}; // killed at its timeout: no exit code of its own
      const ending = this.endingOf(taskRecord, outcome, attempt >= maxRetries);
      if (ending) return finishTask(record, taskRecord, ending);
    }
  }

  /** Undefined when another attempt is due. */
  private endingOf({ task }: TaskRecord, outcome: AttemptOutcome, lastAttempt: boolean): Ending | undefined {
    const taskId = (task.name as string).split('/').pop();
    switch (outcome.kind) {
      case 'stopped':
        return { kind: 'cancelled' };
      case 'error':
        return { kind: 'failed', exitCode: undefined, message: outcome.message };
      case 'exited':
        if (outcome.exitCode === 0) return { kind: 'succeeded' };
        return lastAttempt ? { kind: 'failed', exitCode: outcome.exitCode, message: `Task ${taskId} failed: the container exited with code ${outcome.exitCode}.` } : undefined;
      case 'timedOut':
        return lastAttempt ? { kind: 'timedOut', message: this.wording.timeoutMessage } : undefined;
    }
  }

  /** The main container's env, secret references read from the fake's Secret Manager; the first missing one instead. */
  private resolvedEnv(record: ExecutionRecord): { env: string[] } | { missing: string } {
    const main = ((record.execution.template as ITaskTemplate).containers ?? [])[0] as IContainer;
    const project = record.name.split('/')[1] ?? '';
    const env: string[] = [];
    for (const e of main.env ?? []) {
      const ref = e.valueSource?.secretKeyRef;
      const secret = ref?.secret?.includes('/') ? ref.secret : `projects/${project}/secrets/${ref?.secret ?? ''}`;
      const resolved = ref ? this.secrets.read(`${secret}/versions/${ref.version || 'latest'}`) : { value: e.value ?? '' };
      if ('missing' in resolved) return resolved;
      env.push(`${e.name}=${resolved.value}`);
    }
    return { env };
  }

  private containerSpec(record: ExecutionRecord, { task }: TaskRecord, attempt: number, resolvedEnv: readonly string[]): Docker.ContainerCreateOptions {
    const template = record.execution.template as ITaskTemplate;
    // Sidecars are recorded on the template but not run: the fake runs the main (first) container only.
    const main = (template.containers ?? [])[0] as IContainer;
    const env = [...resolvedEnv];
    env.push(
      `CLOUD_RUN_JOB=${record.jobName.split('/').pop()}`,
      `CLOUD_RUN_EXECUTION=${record.name.split('/').pop()}`,
      `CLOUD_RUN_TASK_INDEX=${task.index ?? 0}`,
      `CLOUD_RUN_TASK_ATTEMPT=${attempt}`,
      `CLOUD_RUN_TASK_COUNT=${record.tasks.length}`,
    );
    const { binds, tmpfs } = this.mounts(template, main);
    return {
      Image: main.image as string,
      Entrypoint: main.command && main.command.length > 0 ? [...main.command] : undefined,
      Cmd: main.args && main.args.length > 0 ? [...main.args] : undefined,
      WorkingDir: main.workingDir || undefined,
      Env: env,
      Labels: fakeLabels(FAKE_BACKEND, this.instanceId, record.name),
      HostConfig: { NetworkMode: 'none', Binds: binds, Tmpfs: tmpfs },
    };
  }

  /** GCS volumes become bind mounts of the bucket's host directory (honouring `only-dir=`); in-memory volumes tmpfs. */
  private mounts(template: ITaskTemplate, container: IContainer): { binds: string[]; tmpfs: Record<string, string> } {
    const binds: string[] = [];
    const tmpfs: Record<string, string> = {};
    for (const mount of container.volumeMounts ?? []) {
      const volume = (template.volumes ?? []).find((v) => v.name === mount.name);
      if (volume?.gcs?.bucket) {
        const onlyDir = (volume.gcs.mountOptions ?? []).find((o) => o.startsWith('only-dir='))?.slice('only-dir='.length);
        const hostDir = onlyDir ? join(this.bucketDirs(volume.gcs.bucket), onlyDir) : this.bucketDirs(volume.gcs.bucket);
        mkdirSync(hostDir, { recursive: true });
        binds.push(`${hostDir}:${mount.mountPath}${volume.gcs.readOnly ? ':ro' : ''}`);
      } else if (volume?.emptyDir) {
        tmpfs[mount.mountPath as string] = '';
      }
    }
    return { binds, tmpfs };
  }
}
