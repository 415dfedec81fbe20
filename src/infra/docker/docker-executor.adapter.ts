import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { NotFoundError } from '../../domain/errors.js';
import { isFinal } from '../../domain/execution.js';
import type { ResolvedExecutionConfig } from '../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, LogLine, LogOptions, WaitOptions } from '../../domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../domain/result.js';
import { tolerating, translateDockerError } from './docker-errors.js';
import { ensureImage, type PullPolicy } from './docker-image.js';
import { LABEL, containerName, labelsFor } from './docker-labels.js';
import { demuxLines } from './docker-logs.js';
import { STAGING_MOUNT } from './docker-options.js';
import { STOP_MARKER, logCommand, statusFromInspect, stopReasonOf, type StopReason } from './docker-status.js';

/** Where the staging area comes from, once resolved. */
export type ResolvedDockerStaging = { readonly mode: 'bind'; readonly hostDir: string } | { readonly mode: 'volume'; readonly volumeName: string };

export interface DockerExecutorSettings {
  readonly docker: Docker;
  readonly staging: ResolvedDockerStaging;
  readonly networkMode: string | undefined;
  readonly pullPolicy: PullPolicy;
  readonly stopGraceSeconds: number;
  readonly removeOnFinish: boolean;
}

const SUPPORTED = new Set(['cpu', 'memoryGb', 'labels']);
const PENDING_POLL_MS = 250;

/** One container per execution on a Docker daemon; its labels are the only record of the execution. */
export class DockerExecutorAdapter implements ExecutorPort {
  readonly backend = 'docker' as const;
  private readonly docker: Docker;

  constructor(private readonly settings: DockerExecutorSettings) {
    this.docker = settings.docker;
  }

  containerStagingRoot(): string {
    return STAGING_MOUNT;
  }

  unsupportedSettings(config: ResolvedExecutionConfig): readonly string[] {
    const ignored = Object.entries(config)
      .filter(([key, value]) => value !== undefined && key !== 'retry' && key !== 'timeout' && !SUPPORTED.has(key))
      .map(([key]) => key);
    if (config.retry.maxAttemptsExecute > 1) ignored.push('retry.maxAttemptsExecute (Docker never re-runs a job)');
    return ignored;
  }

  async preflight(image: string, _config: ResolvedExecutionConfig, signal?: AbortSignal): Promise<void> {
    try {
      await ensureImage(this.docker, image, this.settings.pullPolicy, signal);
    } catch (error) {
      throw translateDockerError(error, `checking image '${image}'`);
    }
  }

  async launch(spec: LaunchSpec, signal?: AbortSignal): Promise<{ logUrl: string }> {
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({ ...this.containerSpec(spec), abortSignal: signal } as Docker.ContainerCreateOptions);
    } catch (error) {
      throw translateDockerError(error, `creating the container of ${spec.executionId}`);
    }
    try {
      await container.start({ abortSignal: signal });
    } catch (error) {
      // Whether or not it started server-side, remove it: a retry then starts from a clean slate, never twice.
      await tolerating([404], () => container.remove({ force: true }));
      throw translateDockerError(error, `starting the container of ${spec.executionId}`);
    }
    return { logUrl: logCommand(spec.executionId) };
  }

  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const found = await this.find(executionId);
    return found?.status;
  }

  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    const signal = options?.signal;
    for (;;) {
      signal?.throwIfAborted();
      const { container, status } = await this.require(executionId);
      if (isFinal(status.state)) return this.finished(container, status);
      const deadline = (status.started ?? status.created).getTime() + status.timeoutSeconds * 1000;
      if (status.state === 'PENDING') {
        if (Date.now() >= deadline) await this.stopFor(container, 'timedOut');
        else await sleep(PENDING_POLL_MS, undefined, { signal });
        continue;
      }
      await this.untilExitOrDeadline(container, deadline, signal);
    }
  }

  async cancel(executionId: string): Promise<void> {
    const { container, status } = await this.require(executionId);
    if (!isFinal(status.state)) await this.stopFor(container, 'cancelled');
  }

  async *logs(executionId: string, options?: LogOptions): AsyncIterable<LogLine> {
    const { container } = await this.require(executionId);
    const follow = options?.follow ?? false;
    const common = { stdout: true, stderr: true, abortSignal: options?.signal };
    // Without follow dockerode answers with the whole (multiplexed) buffer, with follow a stream.
    const chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array> = follow
      ? ((await container.logs({ ...common, follow: true })) as unknown as AsyncIterable<Uint8Array>)
      : [await container.logs({ ...common, follow: false })];
    yield* demuxLines(chunks);
  }

  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    const labels = [`${LABEL.managed}=true`];
    if (filter.namespace) labels.push(`${LABEL.namespace}=${filter.namespace}`);
    if (filter.name) labels.push(`${LABEL.name}=${filter.name}`);
    const summaries = await this.docker.listContainers({ all: true, filters: { label: labels } });
    const statuses = await Promise.all(summaries.map((s) => this.inspect(this.docker.getContainer(s.Id))));
    return statuses.filter((s): s is ExecutionStatus => s !== undefined && (!filter.states || filter.states.includes(s.state)));
  }

  async release(executionId: string): Promise<void> {
    await this.remove(executionId);
  }

  async remove(executionId: string): Promise<void> {
    const found = await this.find(executionId);
    // Never forced: removing a running container must fail loudly, not kill the job.
    if (found) await tolerating([404], () => found.container.remove());
  }

  private containerSpec(spec: LaunchSpec): Docker.ContainerCreateOptions {
    const { staging } = this.settings;
    const { cpu, memoryGb } = spec.config;
    return {
      name: containerName(spec),
      Image: spec.image,
      Cmd: spec.args.length > 0 ? [...spec.args] : undefined,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: labelsFor(spec),
      HostConfig: {
        Init: true, // signals reach the job even when it does not handle them as PID 1
        NetworkMode: this.settings.networkMode,
        Binds: staging.mode === 'bind' ? [`${staging.hostDir}:${STAGING_MOUNT}`] : undefined,
        Mounts: staging.mode === 'volume' ? [{ Type: 'volume', Source: staging.volumeName, Target: STAGING_MOUNT }] : undefined,
        Memory: memoryGb ? Math.round(memoryGb * 1024 ** 3) : undefined,
        MemorySwap: memoryGb ? Math.round(memoryGb * 1024 ** 3) : undefined, // no swap: the limit is the limit
        NanoCpus: cpu ? Math.round(cpu * 1e9) : undefined,
      },
    };
  }

  /** Waits for the container to stop; at the deadline stops it and records the timeout. */
  private async untilExitOrDeadline(container: Docker.Container, deadline: number, signal: AbortSignal | undefined): Promise<void> {
    const done = new AbortController();
    const both = signal ? AbortSignal.any([signal, done.signal]) : done.signal;
    const exited = container.wait({ condition: 'not-running', abortSignal: both }).then(() => 'exited' as const);
    const timer = sleep(Math.max(0, deadline - Date.now()), 'deadline' as const, { signal: both });
    exited.catch(() => undefined); // the loser of the race is aborted below; its rejection means nothing
    timer.catch(() => undefined);
    try {
      if ((await Promise.race([exited, timer])) === 'deadline') await this.stopFor(container, 'timedOut');
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw translateDockerError(error, 'waiting for the container');
    } finally {
      done.abort();
    }
  }

  /** Records why (by renaming: labels are immutable), then stops. Idempotent; first reason wins. */
  private async stopFor(container: Docker.Container, reason: StopReason): Promise<void> {
    const info = await container.inspect();
    const name = info.Name.replace(/^\//, '');
    if (!stopReasonOf(name)) await tolerating([409], () => container.rename({ name: `${name}${STOP_MARKER[reason]}` }));
    await tolerating([304, 404, 409], () => container.stop({ t: this.settings.stopGraceSeconds }));
  }

  private async finished(container: Docker.Container, status: ExecutionStatus): Promise<ExecutionStatus> {
    if (this.settings.removeOnFinish) await tolerating([404, 409], () => container.remove());
    return status;
  }

  private async require(executionId: string) {
    const found = await this.find(executionId);
    if (!found) throw new NotFoundError(`execution '${executionId}'`, `no container of execution '${executionId}' on the Docker daemon`);
    return found;
  }

  private async find(executionId: string): Promise<{ container: Docker.Container; status: ExecutionStatus } | undefined> {
    let summaries: Docker.ContainerInfo[];
    try {
      summaries = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL.executionId}=${executionId}`] } });
    } catch (error) {
      throw translateDockerError(error, `looking up execution ${executionId}`);
    }
    const first = summaries[0];
    if (!first) return undefined;
    const container = this.docker.getContainer(first.Id);
    const status = await this.inspect(container);
    return status ? { container, status } : undefined;
  }

  private async inspect(container: Docker.Container): Promise<ExecutionStatus | undefined> {
    try {
      return statusFromInspect(await container.inspect());
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined; // removed between list and inspect
      throw translateDockerError(error, 'inspecting a container');
    }
  }
}
