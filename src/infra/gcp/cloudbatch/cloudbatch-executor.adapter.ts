import { ValidationError } from '../../../domain/errors.js';
import type { BackendSetting, ResolvedExecutionConfig } from '../../../domain/execution-config.js';
import type { ExecutorPort, LaunchSpec, ListFilter, WaitOptions } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { ExecutionPoller } from '../shared/execution-poller.js';
import { settingsForExecution } from '../shared/gcp-settings.js';
import { locationOfName } from '../shared/poll-location.js';
import { CloudBatchApi } from './cloudbatch-api.js';
import { createJobRequest, logUrlOf } from './cloudbatch-mapper.js';
import { STAGING_MOUNT, type ResolvedCloudBatchOptions } from './cloudbatch-options.js';
import { cancelJob, listStatuses } from './job-lifecycle.js';
import { JobLookup } from './job-lookup.js';
import { computeResourceOf } from './machine-types.js';
import { cloudBatchPollLocation } from './poll-location.js';

/** Batch retries a task at most 10 times (TaskSpec.max_retry_count). */
const MAX_ATTEMPTS_EXECUTE = 11;

/** What the adapter is built from: options resolved once, by the composition root. */
export interface CloudBatchExecutorOptions extends ResolvedCloudBatchOptions {
  readonly logger: LoggerPort;
}

/**
 * Cloud Batch: one job per execution, its id derived from the namespace, the name and the execution id, the
 * staging bucket mounted on the VM and given to the container as /staging. Waits share one poller: one ListJobs
 * per location and tick for all of them. No live logs (the service points at Cloud Logging). Native arrays: one
 * job of N tasks.
 */
export class CloudBatchExecutorAdapter implements ExecutorPort {
  readonly backend = 'cloudbatch' as const;
  readonly nativeArrays = true;
  /** All but the accelerators: GPUs on Batch need drivers and matching machine types this adapter does not set up. */
  readonly supportedSettings: readonly BackendSetting[] = [
    'project', 'region', 'stagingBucket', 'serviceAccount', 'cpu', 'memoryGb', 'machineType', 'bootDiskSizeGb', 'vpcConnectorNetwork',
    'vpcConnectorSubnetwork', 'labels', 'sidecarsContainers', 'installOpsAgent', 'retry.maxAttemptsExecute',
  ];
  /** As the runnable's `secret_variables`, read by Batch from Secret Manager; plain secret values would be recorded in the Job. */
  readonly supportsSecretRefs = true;
  private readonly api: CloudBatchApi;
  private readonly lookup: JobLookup;
  /** Shared by every wait: one listing per location and tick, not one GetJob per awaited job. */
  private readonly poller: ExecutionPoller;

  constructor(private readonly options: CloudBatchExecutorOptions) {
    this.api = new CloudBatchApi(options.settings, options.clientOptions, options.callRetry);
    this.lookup = new JobLookup(this.api);
    const whereIs = (executionId: string) => {
      const name = this.lookup.knownName(executionId);
      return { executionId, name, location: name ? locationOfName(name) : this.api.location };
    };
    this.poller = new ExecutionPoller({ pollLocation: cloudBatchPollLocation(this.api, this.lookup), whereIs }, { ...options.polling, logger: options.logger });
  }

  containerStagingRoot(): string {
    return STAGING_MOUNT;
  }

  /** Settings, and what Batch would refuse or misplace, before anything is staged. */
  async preflight(_image: string, config: ResolvedExecutionConfig): Promise<void> {
    settingsForExecution(this.options.settings, config);
    if (config.retry.maxAttemptsExecute > MAX_ATTEMPTS_EXECUTE) {
      throw new ValidationError('executionConfig.retry.maxAttemptsExecute', `must be at most ${MAX_ATTEMPTS_EXECUTE} on Cloud Batch (a task is retried at most 10 times)`, config.retry.maxAttemptsExecute);
    }
    for (const warning of computeResourceOf(config).warnings) this.options.logger.warn(warning);
  }

  /**
   * One CreateJob. After an ambiguous failure the service asks getStatus first, which gets the job by the name
   * remembered here before asking (in the execution's own location, which a search would miss); a retry anyway
   * gets ALREADY_EXISTS.
   */
  async launch(spec: LaunchSpec, signal?: AbortSignal): Promise<{ readonly logUrl: string }> {
    const settings = settingsForExecution(this.options.settings, spec.config);
    const request = createJobRequest(spec, settings, this.options);
    const name = `${request.parent}/jobs/${request.jobId}`;
    this.lookup.remember(spec.executionId, name, spec.jobNamespace); // forgotten again by a lookup that finds no such job
    if ((await this.api.createJob(request, signal)) === 'exists') {
      this.options.logger.debug(`Batch job ${name} already existed: an earlier attempt at ${spec.executionId} created it`);
    }
    return { logUrl: logUrlOf(settings.project, spec.executionId) };
  }

  async getStatus(executionId: string): Promise<ExecutionStatus | undefined> {
    const job = await this.lookup.find(executionId);
    const status = job && (await this.lookup.statusOf(job)); // undefined for a job being deleted
    return status ?? this.lookup.cancelledByDeletion(executionId);
  }

  async wait(executionId: string, options?: WaitOptions): Promise<ExecutionStatus> {
    return this.poller.wait(executionId, options?.signal, options?.onRunning);
  }

  async cancel(executionId: string): Promise<void> {
    await cancelJob(this.api, this.lookup, this.options.logger, executionId);
  }

  async list(filter: ListFilter): Promise<readonly ExecutionStatus[]> {
    return listStatuses(this.api, this.lookup, filter);
  }

  /** Deletes the job (cleanup); already gone is fine. */
  async remove(executionId: string): Promise<void> {
    const job = await this.lookup.find(executionId);
    if (job) await this.api.deleteJob(job.name as string);
    this.lookup.forget(executionId);
  }

  /** Closes the gRPC channel (only if a client was ever created). */
  async close(): Promise<void> {
    await this.api.close();
  }
}
