import type { protos, v1 } from '@google-cloud/batch';
import { abortable } from '../../shared/abort.js';
import { gaxCall, gaxPaged, LazyClients } from '../shared/gax-call.js';
import { GrpcCode } from '../shared/gax-errors.js';
import { DEFAULT_CALL_RETRY, type CallRetrySettings } from '../shared/gax-retry.js';
import type { GcpClientOptions } from '../shared/gcp-options.js';
import { locationOf, type GcpSettings } from '../shared/gcp-settings.js';
import { NO_AUTO_PAGINATION } from '../shared/protobuf.js';

export type BatchJob = protos.google.cloud.batch.v1.IJob;
export type BatchTask = protos.google.cloud.batch.v1.ITask;
export type BatchStatusEvent = protos.google.cloud.batch.v1.IStatusEvent;
export type BatchTaskGroup = protos.google.cloud.batch.v1.ITaskGroup;
export type BatchRunnable = protos.google.cloud.batch.v1.IRunnable;
export type BatchComputeResource = protos.google.cloud.batch.v1.IComputeResource;
export type BatchAllocationPolicy = protos.google.cloud.batch.v1.IAllocationPolicy;
export type CreateJobRequest = protos.google.cloud.batch.v1.ICreateJobRequest;

type BatchServiceClient = v1.BatchServiceClient;

/** What CreateJob did: created the job, or found it created already (a retry after a lost answer, ALREADY_EXISTS). */
export type CreateOutcome = 'created' | 'exists';
/** What CancelJob answered: accepted, refused because the job already ended, or not supported by this API. */
export type CancelOutcome = 'cancelling' | 'ended' | 'unsupported';

const GONE = new Map([[GrpcCode.NOT_FOUND, undefined]]);

/**
 * The Cloud Batch v1 API as the adapter uses it. Owns the lazily loaded client (@google-cloud/batch loads on the
 * first call, never on import) and the service's location, and translates every SDK error into a domain error
 * here, at one depth. Answers that are outcomes rather than failures (NOT_FOUND, ALREADY_EXISTS,
 * FAILED_PRECONDITION or UNIMPLEMENTED on cancel) come back as values. Idempotent calls (reads, listing pages,
 * cancel, delete) are retried after a transient answer (`retry`); CreateJob is not (the domain's launch retry is).
 */
export class CloudBatchApi {
  /** `projects/<project>/locations/<region>` of the service: where jobs known only by execution id are searched. */
  readonly location: string;
  private readonly client: LazyClients<BatchServiceClient>;

  constructor(
    settings: Pick<GcpSettings, 'project' | 'region'>,
    clientOptions: GcpClientOptions = {},
    private readonly retry: CallRetrySettings = DEFAULT_CALL_RETRY,
  ) {
    this.location = locationOf(settings);
    this.client = new LazyClients(
      async () => new (await import('@google-cloud/batch')).v1.BatchServiceClient({ ...clientOptions }),
      (client) => client.close(),
    );
  }

  /**
   * One CreateJob (the client never retries it). The job id and the request id are derived from the execution id,
   * so a retry after an ambiguous failure cannot make a second job: it gets the job, or ALREADY_EXISTS.
   */
  async createJob(request: CreateJobRequest, signal: AbortSignal | undefined): Promise<CreateOutcome> {
    const exists = new Map([[GrpcCode.ALREADY_EXISTS, 'exists' as const]]);
    try {
      return await gaxCall(`creating Batch job ${request.parent}/jobs/${request.jobId}`, 'launch', async () => {
        await abortable((await abortable(this.client.get(), signal)).createJob(request), signal);
        return 'created' as const;
      }, exists);
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    }
  }

  /** GetJob; undefined when it does not exist (any more). */
  getJob(name: string): Promise<BatchJob | undefined> {
    return gaxCall(`reading Batch job ${name}`, 'call', async () => (await (await this.client.get()).getJob({ name }))[0], GONE, this.retry);
  }

  /** The jobs of a location matching an AIP-160 `filter`, paged lazily (stop iterating to stop paging). */
  listJobs(parent: string, filter: string, orderBy = ''): AsyncIterable<BatchJob> {
    return gaxPaged(`listing the Batch jobs of ${parent}`, async (pageToken) =>
      (await this.client.get()).listJobs({ parent, filter, orderBy, pageToken }, NO_AUTO_PAGINATION), { retry: this.retry });
  }

  /** The tasks of a task group (`…/jobs/J/taskGroups/group0`), in index order; a job deleted meanwhile has none. */
  listTasks(taskGroup: string): AsyncIterable<BatchTask> {
    return gaxPaged(`listing the tasks of ${taskGroup}`, async (pageToken) =>
      (await this.client.get()).listTasks({ parent: taskGroup, pageToken }, NO_AUTO_PAGINATION), { tolerated: [GrpcCode.NOT_FOUND], retry: this.retry });
  }

  /** CancelJob, its operation not awaited (it ends with the job). */
  cancelJob(name: string): Promise<CancelOutcome> {
    const outcomes = new Map<number, CancelOutcome>([[GrpcCode.FAILED_PRECONDITION, 'ended'], [GrpcCode.UNIMPLEMENTED, 'unsupported']]);
    return gaxCall(`cancelling Batch job ${name}`, 'call', async () => {
      await (await this.client.get()).cancelJob({ name });
      return 'cancelling' as const;
    }, outcomes, this.retry);
  }

  /** DeleteJob, and unless told otherwise its operation (the job is gone once it is done); already gone is fine. */
  async deleteJob(name: string, { awaitDeletion = true }: { readonly awaitDeletion?: boolean } = {}): Promise<void> {
    await gaxCall(`deleting Batch job ${name}`, 'call', async () => {
      const [operation] = await (await this.client.get()).deleteJob({ name });
      if (awaitDeletion) await operation.promise();
    }, GONE, this.retry);
  }

  /** Closes the gRPC channel (only if the client was ever created). */
  close(): Promise<void> {
    return this.client.close();
  }
}
