import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { ImageUnavailableError, NotFoundError } from '../../domain/errors.js';
import { isFinal } from '../../domain/execution.js';
import type { BackendSetting, ResolvedExecutionConfig } from '../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, LogLine, LogOptions, WaitOptions } from '../../domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../domain/result.js';
import { RECORD_KEYS } from '../shared/execution-record.js';
import { statusCodeOf, tolerating, translateDockerError } from './docker-errors.js';
import { ensureImage } from './docker-image.js';
import { containerLogStream, demuxLines } from './docker-logs.js';
import { STAGING_MOUNT, type DockerExecutorSettings } from './docker-options.js';
import { containerSpec, logCommand, statusFromInspect, type StopReason } from './docker-mapper.js';
import { stopContainerFor, untilExitOrDeadline } from './docker-stop.js';

const PENDING_POLL_MS = 250;
const MAX_REMEMBERED = 10_000;

/** One container per execution on a Docker daemon; its labels are the only record of the execution. */
export class DockerExecutorAdapter implements ExecutorPort {
  readonly backend = 'docker' as const;
  /** Limits and labels; no GCP placement, machine shapes, VPC, sidecars, and no re-run of a failed job. */
  readonly supportedSettings: readonly BackendSetting[] = ['cpu', 'memoryGb', 'labels'];
  readonly releaseDeletesRecord = true;
  /** Into the container's environment only: labels (the record) never hold them. */
  readonly supportsSecretEnvs = true;
  private readonly docker: Docker;
  /** execution id → container id, so this process skips a list call for the executions it knows. */
  private readonly containerIds = new Map<string, string>();
  /** Images seen present: one inspect per image and process, not per job. */
  private readonly presentImages = new Set<string>();

  constructor(private readonly settings: DockerExecutorSettings) {
    this.docker = settings.docker;
  }

  containerStagingRoot(): string {
    return STAGING_MOUNT;
  }

  async preflight(image: string, _config: ResolvedExecutionConfig, signal?: AbortSignal): Promise<void> {
    if (this.settings.pullPolicy !== 'always' && this.presentImages.has(image)) return;
    try {
      await ensureImage(this.docker, image, this.settings.pullPolicy, signal);
      this.presentImages.add(image);
    } catch (error) {
      throw translateDockerError(error, `checking image '${image}'`, 'launch');
    }
  }

  async launch(spec: LaunchSpec, signal?: AbortSignal): Promise<{ logUrl: string }> {
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({ ...containerSpec(spec, this.settings), abortSignal: signal } as Docker.ContainerCreateOptions);
    } catch (error) {
      if (statusCodeOf(error) === 404) {
        this.presentImages.delete(spec.image); // removed since preflight saw it
        throw new ImageUnavailableError(spec.image, { cause: error });
      }
      throw translateDockerError(error, `creating the container of ${spec.executionId}`, 'launch');
    }
    this.remember(spec.executionId, container.id);
    try {
      await container.start({ abortSignal: signal });
    } catch (error) {
      this.containerIds.delete(spec.executionId);
      // Whether or not it started server-side, remove it: a retry then starts from a clean slate, never twice.
      await tolerating([404], () => container.remove({ force: true }));
      throw translateDockerError(error, `starting the container of ${spec.executionId}`, 'launch');
    }
    return { logUrl: logCommand(spec.executionId) };
  }

  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const found = await this.find(executionId);
    return found?.status;
  }

  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    const signal = options?.signal;
    let reportedRunning = false;
    for (;;) {
      signal?.throwIfAborted();
      const { container, status } = await this.require(executionId);
      if (isFinal(status.state)) return this.finished(container, status);
      if (status.state === 'RUNNING' && !reportedRunning) {
        reportedRunning = true;
        options?.onRunning?.(status); // from the inspect this loop makes anyway
      }
      const deadline = (status.started ?? status.created).getTime() + status.timeoutSeconds * 1000;
      if (status.state === 'PENDING') {
        if (Date.now() >= deadline) await this.stopFor(container, 'timedOut');
        else await sleep(PENDING_POLL_MS, undefined, { signal });
        continue;
      }
      if ((await untilExitOrDeadline(container, deadline, signal)) === 'deadline') await this.stopFor(container, 'timedOut');
    }
  }

  async cancel(executionId: string): Promise<void> {
    const { container, status } = await this.require(executionId);
    if (!isFinal(status.state)) await this.stopFor(container, 'cancelled');
  }

  async *logs(executionId: string, options?: LogOptions): AsyncIterable<LogLine> {
    const { container } = await this.require(executionId);
    try {
      yield* demuxLines(await containerLogStream(container, options?.follow ?? false, options?.signal));
    } catch (error) {
      throw translateDockerError(error, `reading the logs of ${executionId}`);
    }
  }

  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    const labels = [`${RECORD_KEYS.managed}=true`];
    if (filter.namespace) labels.push(`${RECORD_KEYS.namespace}=${filter.namespace}`);
    if (filter.name) labels.push(`${RECORD_KEYS.name}=${filter.name}`);
    const summaries = await this.docker.listContainers({ all: true, filters: { label: labels } }).catch((error: unknown) => {
      throw translateDockerError(error, 'listing containers');
    });
    const statuses = await Promise.all(summaries.map((s) => this.inspect(this.docker.getContainer(s.Id))));
    return statuses.filter((s): s is ExecutionStatus => s !== undefined && (!filter.states || filter.states.includes(s.state)));
  }

  async release(executionId: string): Promise<void> {
    await this.remove(executionId);
  }

  async remove(executionId: string): Promise<void> {
    const id = this.containerIds.get(executionId) ?? (await this.find(executionId))?.container.id;
    // Never forced: the daemon refuses to remove a running container (409), which surfaces; a removal
    // already in progress (another process cleaning up) is as good as done.
    if (id) await tolerating([404], () => this.docker.getContainer(id).remove()).catch((error: unknown) => {
      if (statusCodeOf(error) === 409 && /already in progress/.test((error as Error).message)) return;
      throw translateDockerError(error, `removing the container of ${executionId}`);
    });
    this.containerIds.delete(executionId);
  }

  private stopFor(container: Docker.Container, reason: StopReason): Promise<void> {
    return stopContainerFor(container, reason, this.settings.stopGraceSeconds).catch((error: unknown) => {
      throw translateDockerError(error, `stopping container ${container.id}`);
    });
  }

  private async finished(container: Docker.Container, status: ExecutionStatus): Promise<ExecutionStatus> {
    if (this.settings.removeOnFinish) await tolerating([404, 409], () => container.remove());
    return status;
  }

  private remember(executionId: string, containerId: string): void {
    if (this.containerIds.size >= MAX_REMEMBERED) this.containerIds.delete(this.containerIds.keys().next().value!);
    this.containerIds.set(executionId, containerId);
  }

  private async require(executionId: string) {
    const found = await this.find(executionId);
    if (!found) throw new NotFoundError(`execution '${executionId}'`, `no container of execution '${executionId}' on the Docker daemon`);
    return found;
  }

  private async find(executionId: string): Promise<{ container: Docker.Container; status: ExecutionStatus } | undefined> {
    const knownId = this.containerIds.get(executionId);
    if (knownId) {
      const container = this.docker.getContainer(knownId);
      const status = await this.inspect(container);
      if (status) return { container, status };
      this.containerIds.delete(executionId); // removed meanwhile (cleanup, another process)
    }
    let summaries: Docker.ContainerInfo[];
    try {
      summaries = await this.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${executionId}`] } });
    } catch (error) {
      throw translateDockerError(error, `looking up execution ${executionId}`);
    }
    const first = summaries[0];
    if (!first) return undefined;
    const container = this.docker.getContainer(first.Id);
    const status = await this.inspect(container);
    if (status) this.remember(executionId, first.Id);
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
