import type { BackendSetting, ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, WaitOptions } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { ExecutionPoller } from '../shared/execution-poller.js';
import type { ResolvedGcpOptions } from '../shared/gcp-options.js';
import { settingsForExecution } from '../shared/gcp-settings.js';
import { locationOfName } from '../shared/poll-location.js';
import { cancelExecution } from './cancel-execution.js';
import { CloudRunApi } from './cloudrun-api.js';
import { consoleUrlOf } from './cloudrun-mapper.js';
import { STAGING_MOUNT } from './cloudrun-options.js';
import { ExecutionLookup } from './execution-lookup.js';
import { JobRegistry } from './job-registry.js';
import { checkArrayCommand, launchExecution } from './launch-execution.js';
import { listStatuses, removeExecution } from './list-and-remove.js';
import { cloudRunPollLocation } from './poll-location.js';


/** What the adapter is built from: options resolved once, by the composition root (`resolveGcpOptions`). */
export interface CloudRunExecutorOptions extends ResolvedGcpOptions {
  readonly logger: LoggerPort;
}

/**
 * Cloud Run Jobs: one Job per job definition (reused, its id derived from a hash of the definition) and one
 * Execution per run, started by RunJob with overrides. The staging bucket is mounted at /staging. No live
 * logs (the service points at the console) and nothing to release after a run. A native array is one
 * Execution of N tasks (RunJob's task count), each task's index and output directory set by a shell wrapper.
 */
export class CloudRunExecutorAdapter implements ExecutorPort {
  readonly backend = 'cloudrun' as const;
  readonly nativeArrays = true;
  /** All but the machine settings of Batch and Vertex (machine type, accelerators, boot disk, Ops agent). */
  readonly supportedSettings: readonly BackendSetting[] = [
    'project', 'region', 'stagingBucket', 'serviceAccount', 'cpu', 'memoryGb', 'vpcConnectorNetwork', 'vpcConnectorSubnetwork',
    'labels', 'sidecarsContainers', 'retry.maxAttemptsExecute',
  ];
  /** As env variables resolved by Cloud Run from Secret Manager; plain secret values would be recorded in the Execution. */
  readonly supportsSecretRefs = true;
  private readonly api: CloudRunApi;
  private readonly lookup: ExecutionLookup;
  private readonly jobs: JobRegistry;
  /** Shared by every wait: one listing per location and tick, not one GetExecution per awaited execution. */
  private readonly poller: ExecutionPoller;

  constructor(private readonly options: CloudRunExecutorOptions) {
    this.api = new CloudRunApi(options.settings, options.clientOptions, options.callRetry);
    this.lookup = new ExecutionLookup(this.api);
    this.jobs = new JobRegistry(this.api, options.logger);
    const whereIs = (executionId: string) => {
      const name = this.lookup.knownName(executionId);
      return { executionId, name, location: name ? locationOfName(name) : this.api.location };
    };
    this.poller = new ExecutionPoller({ pollLocation: cloudRunPollLocation(this.api, this.lookup), whereIs }, { ...options.polling, logger: options.logger });
  }

  containerStagingRoot(): string {
    return STAGING_MOUNT;
  }

  /** Settings only: checking the image would need registry credentials Cloud Run has and we may not. */
  async preflight(_image: string, config: ResolvedExecutionConfig): Promise<void> {
    settingsForExecution(this.options.settings, config);
  }

  checkLaunch(spec: LaunchSpec): void {
    checkArrayCommand(spec);
  }

  async launch(spec: LaunchSpec, signal?: AbortSignal): Promise<{ readonly logUrl: string }> {
    const settings = settingsForExecution(this.options.settings, spec.config);
    const executionName = await launchExecution({ api: this.api, jobs: this.jobs, lookup: this.lookup }, settings, spec, signal);
    return { logUrl: consoleUrlOf(executionName) };
  }

  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const execution = await this.lookup.find(executionId);
    return execution && this.lookup.statusOf(execution);
  }

  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    return this.poller.wait(executionId, options?.signal, options?.onRunning);
  }

  async cancel(executionId: string): Promise<void> {
    await cancelExecution(this.api, this.lookup, executionId);
  }

  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    return listStatuses(this.api, this.lookup, filter);
  }

  async remove(executionId: string): Promise<void> {
    const execution = await this.lookup.find(executionId);
    if (!execution) return; // already removed
    await removeExecution(this.api, this.jobs, execution, this.options.logger);
    this.lookup.forget(executionId);
  }

  /** Closes the gRPC channels (only if a client was ever created). */
  async close(): Promise<void> {
    await this.api.close();
  }
}
