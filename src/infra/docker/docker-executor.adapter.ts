import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { BackendUnavailableError, ImageUnavailableError, NotFoundError } from '../../domain/errors.js';
import { isFinal } from '../../domain/execution.js';
import type { BackendSetting, ResolvedExecutionConfig } from '../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, LogLine, LogOptions, WaitOptions } from '../../domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../domain/result.js';
import { RECORD_KEYS } from '../shared/execution-record.js';
import { statusCodeOf, tolerating, translateDockerError } from './docker-errors.js';
import { ensureImage } from './docker-image.js';
import { DeadlineWatch } from './deadline-watch.js';
import { containerLogStream, demuxLines } from './docker-logs.js';
import { STAGING_MOUNT, type DockerExecutorSettings } from './docker-options.js';
import { containerSpec, logCommand, statusFromInspect, type StopReason } from './docker-mapper.js';
import { maskedLines, secretValuesOf } from './docker-secrets.js';
import { stopContainerFor, untilExitOrDeadline } from './docker-stop.js';

const PENDING_POLL_MS = 250;
const MAX_REMEMBERED = 10_000;
const RECONNECT_PAUSE_MS = 250;
const MAX_RECONNECT_PAUSE_MS = 2_000;

/** When the recorded timeout ends: counted from the start, or from the creation for a container never started. */
function deadlineOf(status: ExecutionStatus): number {
  return (status.started ?? status.created).getTime() + status.timeoutSeconds * 1000;
}

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
  /** The timeout of an execution nobody waits on (forgotten) is enforced here while this process lives. */
  private readonly deadlines: DeadlineWatch;

  constructor(private readonly settings: DockerExecutorSettings) {
    this.docker = settings.docker;
    this.deadlines = new DeadlineWatch((id) => this.getStatus(id), deadlineOf, settings.logger);
  }

  containerStagingRoot(): string {
    return STAGING_MOUNT;
  }

  /** A daemon that does not answer is a BackendUnavailableError here, before anything is staged; a known image costs only a ping. */
  async preflight(image: string, _config: ResolvedExecutionConfig, signal?: AbortSignal): Promise<void> {
    const known = this.settings.pullPolicy !== 'always' && this.presentImages.has(image);
    try {
      if (known) await (this.docker.ping as (options: { abortSignal?: AbortSignal }) => Promise<unknown>)({ abortSignal: signal }); // the types omit its options
      else await ensureImage(this.docker, image, this.settings.pullPolicy, signal);
      this.presentImages.add(image);
    } catch (error) {
      throw translateDockerError(error, known ? 'reaching the Docker daemon' : `checking image '${image}'`, 'launch');
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
    this.deadlines.arm(spec.executionId, Date.now() + spec.config.timeout.timeoutSeconds * 1000);
    return { logUrl: logCommand(spec.executionId) };
  }

  /** Whoever asks enforces the recorded timeout: an execution past its deadline is stopped and reported TIMED_OUT. */
  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const found = await this.find(executionId);
    return found && this.enforcingDeadline(found.container, found.status);
  }

  /**
   * Follows the container until it ends, stopping it at its deadline. A daemon that stops answering (a restart)
   * is tried again for `reconnectSeconds`, then the wait fails with BackendUnavailableError; the container is
   * left as it is, for a later `attach`.
   */
  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    // A waiter stops the container at its deadline itself: the watch would only stop it a second time.
    const watched = this.deadlines.disarm(executionId);
    try {
      return await this.follow(executionId, options);
    } catch (error) {
      if (watched !== undefined) this.deadlines.arm(executionId, watched); // nobody waits any more (abort, daemon gone)
      throw error;
    }
  }

  private async follow(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    const signal = options?.signal;
    let onRunning = options?.onRunning;
    let unreachableSince: number | undefined;
    for (let pause = RECONNECT_PAUSE_MS; ;) {
      signal?.throwIfAborted();
      try {
        const final = await this.waitStep(executionId, signal, (status) => {
          onRunning?.(status); // from the inspect this loop makes anyway
          onRunning = undefined;
        });
        if (final) return final;
        unreachableSince = undefined;
      } catch (error) {
        if (!(error instanceof BackendUnavailableError)) throw error;
        unreachableSince ??= Date.now();
        const downMs = Date.now() - unreachableSince;
        if (downMs >= this.settings.reconnectSeconds * 1000) {
          throw new BackendUnavailableError(`${error.message} (still after ${Math.round(downMs / 1000)} s; the execution is left as it is: attach to it once the daemon answers)`, { cause: error });
        }
        await sleep(pause, undefined, { signal });
        pause = Math.min(pause * 2, MAX_RECONNECT_PAUSE_MS);
      }
    }
  }

  /** One look at the container: its final status, or undefined once it changed (started, stopped at its deadline). */
  private async waitStep(executionId: string, signal: AbortSignal | undefined, onRunning: (status: ExecutionStatus) => void): Promise<ExecutionStatus | undefined> {
    const { container, status } = await this.require(executionId);
    if (isFinal(status.state)) return this.finished(container, status);
    if (status.state === 'RUNNING') onRunning(status);
    const deadline = deadlineOf(status);
    if (Date.now() >= deadline) await this.stopFor(container, 'timedOut');
    else if (status.state === 'PENDING') await sleep(PENDING_POLL_MS, undefined, { signal });
    else if ((await untilExitOrDeadline(container, deadline, signal)) === 'deadline') await this.stopFor(container, 'timedOut');
    return undefined;
  }

  async cancel(executionId: string): Promise<void> {
    const { container, status } = await this.require(executionId);
    if (!isFinal(status.state)) await this.stopFor(container, 'cancelled');
  }

  /** The job's lines with its secret values masked, in any process: the container says which of its variables are secrets. */
  async *logs(executionId: string, options?: LogOptions): AsyncIterable<LogLine> {
    const { container } = await this.require(executionId);
    try {
      const maskable = secretValuesOf(await container.inspect());
      yield* maskedLines(demuxLines(await containerLogStream(container, options?.follow ?? false, options?.signal)), maskable);
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
    const statuses = await Promise.all(summaries.map(async (s) => {
      const container = this.docker.getContainer(s.Id);
      const status = await this.inspect(container);
      return status && this.enforcingDeadline(container, status);
    }));
    return statuses.filter((s): s is ExecutionStatus => s !== undefined && (!filter.states || filter.states.includes(s.state)));
  }

  async release(executionId: string): Promise<void> {
    await this.remove(executionId);
  }

  async remove(executionId: string): Promise<void> {
    this.deadlines.disarm(executionId);
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

  private async enforcingDeadline(container: Docker.Container, status: ExecutionStatus): Promise<ExecutionStatus> {
    if (isFinal(status.state) || Date.now() < deadlineOf(status)) return status;
    await this.stopFor(container, 'timedOut');
    return (await this.inspect(container)) ?? status;
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
