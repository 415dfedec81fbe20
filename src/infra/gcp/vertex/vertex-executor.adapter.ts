import { BackendError, NotFoundError, SchedulingError } from '../../../domain/errors.js';
import type { BackendSetting, ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, WaitOptions } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { ExecutionPoller } from '../shared/execution-poller.js';
import type { ResolvedGcpOptions } from '../shared/gcp-options.js';
import { locationOf, settingsForExecution } from '../shared/gcp-settings.js';
import { CustomJobLookup } from './custom-job-lookup.js';
import { checkMachineSettings } from './machine-settings.js';
import { vertexPollLocation } from './poll-location.js';
import { VertexApi } from './vertex-api.js';
import { jobStateOf, listFilterOf } from './vertex-filters.js';
import { jobLabelsOf } from './vertex-labels.js';
import { customJobOf, fuseRootOf, hasEnded, logUrlOf, statusOf } from './vertex-mapper.js';

/** What the adapter is built from: options resolved once, by the composition root (`resolveGcpOptions`). */
export interface VertexExecutorOptions extends ResolvedGcpOptions {
  readonly logger: LoggerPort;
}

/**
 * Vertex AI CustomJobs: one CustomJob per execution (one worker pool, one replica), its id assigned by Vertex
 * and the execution found again by its labels. The staging bucket is seen through Cloud Storage FUSE at
 * /gcs/<bucket>. No task retries, no sidecars, no live logs (the service points at Cloud Logging).
 */
export class VertexExecutorAdapter implements ExecutorPort {
  readonly backend = 'vertex' as const;
  /** Machine type, accelerators and boot disk; no cpu/memory (the machine type sets them), sidecars, retries or Ops agent. */
  readonly supportedSettings: readonly BackendSetting[] = [
    'project', 'region', 'stagingBucket', 'serviceAccount', 'machineType', 'acceleratorType', 'acceleratorCount',
    'bootDiskSizeGb', 'bootDiskType', 'vpcConnectorNetwork', 'labels',
  ];
  private readonly api: VertexApi;
  private readonly lookup: CustomJobLookup;
  /** Shared by every wait: one ListCustomJobs per location and tick, not one GetCustomJob per awaited execution. */
  private readonly poller: ExecutionPoller;

  constructor(private readonly options: VertexExecutorOptions) {
    this.api = new VertexApi(options.settings, options.clientOptions, options.callRetry);
    this.lookup = new CustomJobLookup(this.api);
    const whereIs = (executionId: string) => ({ executionId, name: this.lookup.knownName(executionId), location: this.lookup.locationOf(executionId) });
    const pollLocation = vertexPollLocation(this.api, this.lookup);
    this.poller = new ExecutionPoller({ pollLocation, whereIs }, { ...options.polling, logger: options.logger });
  }

  containerStagingRoot(): string {
    return fuseRootOf(this.options.settings.stagingBucket);
  }

  /** Settings only (checking the image would need registry credentials Vertex has and we may not). */
  async preflight(_image: string, config: ResolvedExecutionConfig): Promise<void> {
    settingsForExecution(this.options.settings, config);
    await checkMachineSettings(config, () => this.api.acceleratorTypes(), this.options.logger);
  }

  /**
   * One CreateCustomJob. Not abandoned when the signal aborts: a call left running could still create the job
   * after the service concluded that nothing started. Its retry (by the service) first asks `getStatus`, which
   * finds a job whose answer was lost by its label, in the location it was created in: never two jobs for one execution.
   */
  async launch(spec: LaunchSpec, _signal?: AbortSignal): Promise<{ readonly logUrl: string }> {
    const settings = settingsForExecution(this.options.settings, spec.config);
    const { labels, changes } = jobLabelsOf(spec);
    if (changes.length > 0) this.options.logger.warn(`labels of ${spec.executionId} changed to fit Vertex AI's label rules: ${changes.join('; ')}`);
    const parent = locationOf(settings);
    this.lookup.expect(spec.executionId, parent);
    const created = await this.api.createCustomJob(parent, customJobOf(spec, settings, labels));
    if (!created.name) throw new SchedulingError(`CreateCustomJob answered without naming the job of ${spec.executionId}`, { retryable: true });
    this.lookup.remember(spec.executionId, created.name, parent);
    return { logUrl: logUrlOf(created.name) };
  }

  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const job = await this.lookup.find(executionId);
    return job && statusOf(job);
  }

  /** `onRunning` comes from the listings the poller makes anyway: no extra call. */
  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    return this.poller.wait(executionId, options?.signal, options?.onRunning);
  }

  /** CancelCustomJob, idempotent: a job that ended, or is being cancelled, is left as it is. */
  async cancel(executionId: string): Promise<void> {
    const job = await this.lookup.find(executionId);
    if (!job) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the vertex backend`);
    if (hasEnded(job) || jobStateOf(job.state) === 'JOB_STATE_CANCELLING') return;
    if (await this.api.cancelCustomJob(job.name as string)) return; // wait() reports the outcome
    // Refused (FAILED_PRECONDITION): it ended meanwhile, and then there is nothing left to cancel.
    const now = await this.lookup.find(executionId);
    if (now && !hasEnded(now)) throw new BackendError(`Vertex AI refused to cancel CustomJob ${job.name} although it has not ended`);
  }

  /** smartjob's jobs of the service's location, selected server-side by their labels and state. */
  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    const text = listFilterOf(filter);
    if (text === undefined) return [];
    const statuses: ExecutionStatus[] = [];
    for await (const job of this.api.listCustomJobs(this.api.location, text)) {
      const status = statusOf(job);
      if (!status || (filter.states && !filter.states.includes(status.state))) continue;
      this.lookup.remember(status.executionId, job.name as string, this.api.location);
      statuses.push(status);
    }
    return statuses;
  }

  /** DeleteCustomJob of a finished execution (cleanup); already gone is fine. */
  async remove(executionId: string): Promise<void> {
    const job = await this.lookup.find(executionId);
    if (!job) return;
    await this.api.deleteCustomJob(job.name as string);
    this.lookup.forget(executionId);
  }

  /** Closes the gRPC channels (only if a client was ever created). */
  async close(): Promise<void> {
    await this.api.close();
  }
}
