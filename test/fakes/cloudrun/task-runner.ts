import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { finish, markRunning, type Ending } from './fake-execution.js';
import type { ExecutionRecord } from './fake-state.js';
import { durationSeconds, type IContainer, type ITaskTemplate } from './protos.js';

export const FAKE_LABEL = 'smartjob-fake';
export const FAKE_LABEL_VALUE = 'cloudrun';
const DOCKER_CALL_TIMEOUT_MS = 60_000;

/** Maps a bucket name to the host directory holding its objects (as files). */
export type BucketDirs = (bucket: string) => string;

type Attempt = { kind: 'exited'; exitCode: number } | { kind: 'timedOut' } | { kind: 'stopped' } | { kind: 'error'; message: string };

/**
 * Runs an execution's single task as containers on the local engine: one container per attempt, network
 * none, the task timeout enforced by killing the container, retries up to `max_retries` (unset means 3).
 */
export class TaskRunner {
  constructor(
    private readonly docker: Docker,
    private readonly bucketDirs: BucketDirs,
    /** Labels every container, so a test sees only its own fake's containers. */
    private readonly instanceId: string,
  ) {}

  async run(record: ExecutionRecord): Promise<void> {
    const template = record.execution.template as ITaskTemplate;
    const maxRetries = template.maxRetries ?? 3;
    const timeoutSeconds = durationSeconds(template.timeout) ?? 600;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.attempt(record, attempt, timeoutSeconds);
      if (outcome.kind === 'exited') record.task.lastAttemptResult = { exitCode: outcome.exitCode, status: { code: outcome.exitCode === 0 ? 0 : 2 } };
      const ending = this.endingOf(record, outcome, attempt >= maxRetries);
      if (ending) return finish(record, ending);
    }
  }

  /** Undefined when another attempt is due. */
  private endingOf(record: ExecutionRecord, outcome: Attempt, lastAttempt: boolean): Ending | undefined {
    const taskId = (record.task.name as string).split('/').pop();
    switch (outcome.kind) {
      case 'stopped':
        return { kind: 'cancelled' };
      case 'error':
        return { kind: 'failed', exitCode: undefined, message: outcome.message };
      case 'exited':
        if (outcome.exitCode === 0) return { kind: 'succeeded' };
        return lastAttempt ? { kind: 'failed', exitCode: outcome.exitCode, message: `Task ${taskId} failed: the container exited with code ${outcome.exitCode}.` } : undefined;
      case 'timedOut':
        return lastAttempt ? { kind: 'timedOut' } : undefined;
    }
  }

  private async attempt(record: ExecutionRecord, attempt: number, timeoutSeconds: number): Promise<Attempt> {
    if (record.stopRequested) return { kind: 'stopped' };
    let container: Docker.Container;
    try {
      // A stuck daemon must end the attempt (FAILED, with the reason), never leave the execution pending forever.
      const abortSignal = AbortSignal.timeout(DOCKER_CALL_TIMEOUT_MS);
      container = await this.docker.createContainer({ ...this.containerSpec(record, attempt), abortSignal } as Docker.ContainerCreateOptions);
    } catch (error) {
      return { kind: 'error', message: `the task container could not be created: ${(error as Error).message}` };
    }
    record.containers.push(container);
    record.current = container;
    try {
      await container.start({ abortSignal: AbortSignal.timeout(DOCKER_CALL_TIMEOUT_MS) });
      // 'not-running' after start, not 'next-exit' before it: a busy daemon may handle the wait after a quick
      // exit, and 'next-exit' would then wait for an exit that never comes.
      const exited = container.wait({ condition: 'not-running' }) as Promise<{ StatusCode: number }>;
      exited.catch(() => undefined); // awaited below; this only covers the case where a failed kill skips that
      markRunning(record, attempt);
      if (record.stopRequested) await killQuietly(container); // cancelled while it was starting
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killQuietly(container).catch((error: unknown) => console.error(`fake cloudrun: cannot stop ${record.name} at its timeout`, error));
      }, timeoutSeconds * 1000);
      const { StatusCode } = await exited.finally(() => clearTimeout(timer));
      if (record.stopRequested) return { kind: 'stopped' };
      return timedOut ? { kind: 'timedOut' } : { kind: 'exited', exitCode: StatusCode };
    } catch (error) {
      if (record.stopRequested) return { kind: 'stopped' };
      return { kind: 'error', message: `the task container failed: ${(error as Error).message}` };
    } finally {
      record.current = undefined;
    }
  }

  private containerSpec(record: ExecutionRecord, attempt: number): Docker.ContainerCreateOptions {
    const template = record.execution.template as ITaskTemplate;
    // Sidecars are recorded on the template but not run: the fake runs the main (first) container only.
    const main = (template.containers ?? [])[0] as IContainer;
    const env = (main.env ?? []).map((e) => `${e.name}=${e.value ?? ''}`);
    env.push(
      `CLOUD_RUN_JOB=${record.jobName.split('/').pop()}`,
      `CLOUD_RUN_EXECUTION=${record.name.split('/').pop()}`,
      'CLOUD_RUN_TASK_INDEX=0',
      `CLOUD_RUN_TASK_ATTEMPT=${attempt}`,
      'CLOUD_RUN_TASK_COUNT=1',
    );
    const { binds, tmpfs } = this.mounts(template, main);
    return {
      Image: main.image as string,
      Entrypoint: main.command && main.command.length > 0 ? [...main.command] : undefined,
      Cmd: main.args && main.args.length > 0 ? [...main.args] : undefined,
      WorkingDir: main.workingDir || undefined,
      Env: env,
      Labels: { [FAKE_LABEL]: FAKE_LABEL_VALUE, [`${FAKE_LABEL}.instance`]: this.instanceId, [`${FAKE_LABEL}.execution`]: record.name },
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

/** Kill, where "already stopped" (409) or "already gone" (404) is fine. */
export async function killQuietly(container: Docker.Container): Promise<void> {
  try {
    await container.kill();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 409 && status !== 404 && status !== 304) throw error;
  }
}

/** Remove, where "already gone" (404) is fine. */
export async function removeQuietly(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error; // already gone is fine
  }
}
