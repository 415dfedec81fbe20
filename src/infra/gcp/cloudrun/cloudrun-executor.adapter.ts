import { NotFoundError, NotSupportedError, ValidationError } from '../../../domain/errors.js';
import type { OptionalSetting, ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, LogLine, WaitOptions } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { ConsoleLoggerAdapter } from '../../local/console-logger.adapter.js';
import { translateGaxError } from '../gax-errors.js';
import { parseStagingBucket, resolveGcpSettings, type GcpSettings } from '../gcp-settings.js';
import { abortable } from '../../shared/abort.js';
import { cancelExecution } from './cancel-execution.js';
import { closeCloudRunClients, loadCloudRunClients, type CloudRunClients, type RunExecution } from './cloudrun-clients.js';
import { STAGING_MOUNT, resolvePolling, type CloudRunBackendOptions } from './cloudrun-options.js';
import { ExecutionLookup } from './execution-lookup.js';
import { ExecutionPoller } from './execution-poller.js';
import { consoleUrlOf } from './execution-status.js';
import { JobRegistry } from './job-registry.js';
import { launchExecution } from './launch-execution.js';
import { listStatuses, removeExecution } from './list-and-remove.js';

const UNSUPPORTED: readonly OptionalSetting[] = ['machineType', 'acceleratorType', 'acceleratorCount', 'bootDiskSizeGb', 'installOpsAgent'];

/**
 * Cloud Run Jobs: one Job per job definition (reused, its id derived from a hash of the definition) and one
 * Execution per run, started by RunJob with overrides. The staging bucket is mounted at /staging.
 */
export class CloudRunExecutorAdapter implements ExecutorPort {
  readonly backend = 'cloudrun' as const;
  private readonly logger: LoggerPort;
  private readonly lookup: ExecutionLookup;
  private readonly jobs: JobRegistry;
  /** Shared by every wait: one listing per tick, not one GetExecution per awaited execution. */
  private readonly poller: ExecutionPoller;
  private clientsPromise: Promise<CloudRunClients> | undefined;
  private location: string | undefined;

  constructor(private readonly options: CloudRunBackendOptions = {}) {
    this.logger = options.logger ?? new ConsoleLoggerAdapter();
    const polling = { ...resolvePolling(options), logger: this.logger };
    const clients = () => this.clients();
    const locationParent = () => this.locationParent();
    this.lookup = new ExecutionLookup(clients, locationParent);
    this.jobs = new JobRegistry(clients, this.logger);
    this.poller = new ExecutionPoller({ lookup: this.lookup, clients, locationParent }, polling);
  }

  containerStagingRoot(): string {
    return STAGING_MOUNT;
  }

  unsupportedSettings(config: ResolvedExecutionConfig): readonly OptionalSetting[] {
    return UNSUPPORTED.filter((setting) => config[setting] !== undefined);
  }

  /** Settings only: checking the image would need registry credentials Cloud Run has and we may not. */
  async preflight(_image: string, config: ResolvedExecutionConfig): Promise<void> {
    const { stagingBucket } = this.settingsFor(config);
    const own = this.options.stagingBucket && parseStagingBucket(this.options.stagingBucket).uri;
    // Inputs are staged by the service's storage, in its bucket: the job must mount that same bucket.
    if (own && stagingBucket.uri !== own) {
      throw new ValidationError('executionConfig.stagingBucket', `must be the service's staging bucket ${own} (set it on the service, not per execution)`, config.stagingBucket);
    }
  }

  async launch(spec: LaunchSpec, signal?: AbortSignal): Promise<{ readonly logUrl: string }> {
    const settings = this.settingsFor(spec.config);
    const clients = await abortable(this.clients(), signal);
    const executionName = await launchExecution({ clients, jobs: this.jobs, lookup: this.lookup }, settings, spec, signal);
    return { logUrl: consoleUrlOf(executionName) };
  }

  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const execution = await this.lookup.find(executionId);
    return execution && this.statusOf(execution, executionId);
  }

  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    return this.poller.wait(executionId, options?.signal);
  }

  async cancel(executionId: string): Promise<void> {
    await cancelExecution(() => this.clients(), this.lookup, executionId);
  }

  logs(executionId: string): AsyncIterable<LogLine> {
    const refuse = async (): Promise<IteratorResult<LogLine>> => {
      const execution = await this.requireExecution(executionId);
      throw new NotSupportedError(`live log streaming is not supported on the cloudrun backend; see ${consoleUrlOf(execution.name as string)}`);
    };
    return { [Symbol.asyncIterator]: () => ({ next: refuse }) };
  }

  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    const parent = this.locationParent(); // settings first: a ConfigurationError needs no client
    return listStatuses(await this.clients(), this.lookup, parent, filter);
  }

  /** Nothing to free: Cloud Run keeps no per-execution resource that only reporting needs. */
  async release(): Promise<void> {}

  async remove(executionId: string): Promise<void> {
    const execution = await this.lookup.find(executionId);
    if (!execution) return; // already removed
    await removeExecution(await this.clients(), this.jobs, execution, this.logger);
    this.lookup.forget(executionId);
  }

  /** Closes the gRPC channels (only if a client was ever created). */
  async close(): Promise<void> {
    const clients = this.clientsPromise;
    this.clientsPromise = undefined;
    if (clients) await closeCloudRunClients(await clients);
  }

  private clients(): Promise<CloudRunClients> {
    this.clientsPromise ??= loadCloudRunClients(this.options.clientOptions).catch((error: unknown) => {
      this.clientsPromise = undefined; // let the next call try again
      throw error;
    });
    return this.clientsPromise;
  }

  /** Per-execution config first, then the adapter's options, then SMARTJOB_* variables. */
  private settingsFor(config: ResolvedExecutionConfig): GcpSettings {
    return resolveGcpSettings('cloudrun', [config, this.options]);
  }

  /** Where executions launched elsewhere are searched: the adapter's own project and region. */
  private locationParent(): string {
    if (!this.location) {
      const { project, region } = resolveGcpSettings('cloudrun', [this.options]);
      this.location = `projects/${project}/locations/${region}`;
    }
    return this.location;
  }

  private async requireExecution(executionId: string): Promise<RunExecution> {
    const execution = await this.lookup.find(executionId);
    if (!execution) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the cloudrun backend`);
    return execution;
  }

  private async statusOf(execution: RunExecution, executionId: string): Promise<ExecutionStatus | undefined> {
    try {
      return await this.lookup.statusOf(execution);
    } catch (error) {
      throw translateGaxError(error, `reading the status of execution ${executionId}`);
    }
  }
}
