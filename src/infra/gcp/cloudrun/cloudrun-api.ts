import type { ExecutionsClient, JobsClient, TasksClient, protos } from '@google-cloud/run';
import { abortable } from '../../shared/abort.js';
import { gaxCall, gaxPageList, gaxPaged, LazyClients } from '../shared/gax-call.js';
import { GrpcCode } from '../shared/gax-errors.js';
import { DEFAULT_CALL_RETRY, type CallRetrySettings } from '../shared/gax-retry.js';
import type { GcpClientOptions } from '../shared/gcp-options.js';
import { locationOf, type GcpSettings } from '../shared/gcp-settings.js';
import { NO_AUTO_PAGINATION } from '../shared/protobuf.js';

export type RunJob = protos.google.cloud.run.v2.IJob;
export type RunExecution = protos.google.cloud.run.v2.IExecution;
export type RunTask = protos.google.cloud.run.v2.ITask;
export type RunCondition = protos.google.cloud.run.v2.ICondition;
export type RunTaskTemplate = protos.google.cloud.run.v2.ITaskTemplate;
export type RunContainer = protos.google.cloud.run.v2.IContainer;
export type RunEnvVar = protos.google.cloud.run.v2.IEnvVar;
export type RunJobRequest = protos.google.cloud.run.v2.IRunJobRequest;

interface Clients {
  readonly jobs: JobsClient;
  readonly executions: ExecutionsClient;
  readonly tasks: TasksClient;
}

/** What RunJob did: started an execution (named, when the answer says so), or found its Job gone. */
export type RunOutcome = { readonly kind: 'started'; readonly executionName: string | undefined } | { readonly kind: 'jobMissing' };

const GONE = new Map([[GrpcCode.NOT_FOUND, undefined]]);
/** Tasks asked per ListTasks page: an array of up to 10,000 tasks is read in a few calls (Cloud Run may answer fewer per page). */
const TASK_PAGE_SIZE = 1000;

/**
 * The Cloud Run Admin API as the adapter uses it. Owns the lazily loaded clients (@google-cloud/run loads on
 * the first call, never on import) and the service's location, and translates every SDK error into a domain
 * error here, at one depth. Answers that are outcomes rather than failures (NOT_FOUND, ALREADY_EXISTS,
 * FAILED_PRECONDITION on cancel) come back as values. Idempotent calls (reads, listing pages, cancel, delete) are
 * retried after a transient answer (`retry`); creating a job and RunJob are not (the domain's launch retry is).
 */
export class CloudRunApi {
  /** `projects/<project>/locations/<region>` of the service: where executions known only by id are searched. */
  readonly location: string;
  private readonly clients: LazyClients<Clients>;

  constructor(
    settings: Pick<GcpSettings, 'project' | 'region'>,
    clientOptions: GcpClientOptions = {},
    private readonly retry: CallRetrySettings = DEFAULT_CALL_RETRY,
  ) {
    this.location = locationOf(settings);
    this.clients = new LazyClients(
      async () => {
        const { v2 } = await import('@google-cloud/run');
        const opts = { ...clientOptions };
        return { jobs: new v2.JobsClient(opts), executions: new v2.ExecutionsClient(opts), tasks: new v2.TasksClient(opts) };
      },
      async ({ jobs, executions, tasks }) => {
        await Promise.all([jobs.close(), executions.close(), tasks.close()]);
      },
    );
  }

  /** GetJob; undefined when it does not exist. */
  getJob(name: string): Promise<RunJob | undefined> {
    return gaxCall(`reading Cloud Run job ${name}`, 'launch', async () => (await (await this.jobs()).getJob({ name }))[0], GONE);
  }

  /** CreateJob and its operation; 'exists' when a concurrent creator won (ALREADY_EXISTS). */
  createJob(name: string, job: RunJob): Promise<'created' | 'exists'> {
    const slash = name.lastIndexOf('/jobs/');
    const request = { parent: name.slice(0, slash), jobId: name.slice(slash + '/jobs/'.length), job };
    const exists = new Map([[GrpcCode.ALREADY_EXISTS, 'exists' as const]]);
    return gaxCall(`creating Cloud Run job ${name}`, 'launch', async () => {
      const [operation] = await (await this.jobs()).createJob(request);
      await operation.promise();
      return 'created' as const;
    }, exists);
  }

  /**
   * One RunJob, never retried here: it is not idempotent, and a retry after a lost answer would start a second
   * execution. Its operation is not awaited either: the client's polling budget would end long executions early.
   */
  async runJob(request: RunJobRequest, signal: AbortSignal | undefined): Promise<RunOutcome> {
    const jobMissing = new Map([[GrpcCode.NOT_FOUND, { kind: 'jobMissing' as const }]]);
    try {
      return await gaxCall(`starting an execution of Cloud Run job ${request.name}`, 'launch', async () => {
        const [operation] = await abortable((await abortable(this.jobs(), signal)).runJob(request), signal);
        const metadata = operation.metadata as { name?: string | null } | null; // the operation's metadata is the Execution
        return { kind: 'started' as const, executionName: metadata?.name || undefined };
      }, jobMissing);
    } catch (error) {
      throw signal?.aborted ? signal.reason : error;
    }
  }

  /** GetExecution; undefined when it does not exist (any more). */
  getExecution(name: string): Promise<RunExecution | undefined> {
    return gaxCall(`reading execution ${name}`, 'call', async () => (await (await this.executions()).getExecution({ name }))[0], GONE, this.retry);
  }

  /** The executions of a job, or with `<location>/jobs/-` of every job of a location, newest first; a deleted job has none. */
  listExecutions(parent: string, pageSize?: number): AsyncIterable<RunExecution> {
    return gaxPaged(`listing the Cloud Run executions of ${parent}`, this.executionsPage(parent, pageSize), { tolerated: [GrpcCode.NOT_FOUND], retry: this.retry });
  }

  /** The same listing page by page, one call each (asked for only when iterated to), for callers that cap their calls. */
  listExecutionPages(parent: string, pageSize?: number): AsyncIterable<readonly RunExecution[]> {
    return gaxPageList(`listing the Cloud Run executions of ${parent}`, this.executionsPage(parent, pageSize), { tolerated: [GrpcCode.NOT_FOUND], retry: this.retry });
  }

  /** Whether a job has any execution left (one page of one). */
  async hasExecutions(jobName: string): Promise<boolean> {
    for await (const _ of this.listExecutions(jobName, 1)) return true;
    return false;
  }

  /** The jobs of the service's location. */
  listJobs(): AsyncIterable<RunJob> {
    const { location } = this;
    return gaxPaged(`listing the Cloud Run jobs of ${location}`, async (pageToken) =>
      (await this.jobs()).listJobs({ parent: location, pageToken }, NO_AUTO_PAGINATION), { retry: this.retry });
  }

  /** The first (and, for smartjob, only) task of an execution: the exit code of its last attempt is there. */
  async firstTask(executionName: string): Promise<RunTask | undefined> {
    const [tasks] = await gaxCall(`listing the tasks of ${executionName}`, 'call', async () =>
      (await this.clients.get()).tasks.listTasks({ parent: executionName }, NO_AUTO_PAGINATION), new Map(), this.retry);
    return tasks[0];
  }

  /**
   * Every task of an execution, by pages of TASK_PAGE_SIZE (a native array's tasks, read once at its end).
   * An execution deleted meanwhile has none.
   */
  async allTasks(executionName: string): Promise<RunTask[]> {
    const tasks: RunTask[] = [];
    const pages = gaxPaged(`listing the tasks of ${executionName}`, async (pageToken) =>
      (await this.clients.get()).tasks.listTasks({ parent: executionName, pageSize: TASK_PAGE_SIZE, pageToken }, NO_AUTO_PAGINATION),
    { tolerated: [GrpcCode.NOT_FOUND], retry: this.retry });
    for await (const task of pages) tasks.push(task);
    return tasks;
  }

  /** CancelExecution, its operation not awaited (it ends with the execution); false when refused because it already ended. */
  cancelExecution(name: string): Promise<boolean> {
    return gaxCall(`cancelling execution ${name}`, 'call', async () => {
      await (await this.executions()).cancelExecution({ name });
      return true;
    }, new Map([[GrpcCode.FAILED_PRECONDITION, false]]), this.retry);
  }

  /** DeleteExecution and its operation; already gone is fine. */
  async deleteExecution(name: string): Promise<void> {
    await gaxCall(`deleting execution ${name}`, 'call', async () => {
      const [operation] = await (await this.executions()).deleteExecution({ name });
      await operation.promise();
    }, GONE, this.retry);
  }

  /** DeleteJob and its operation; already gone is fine. */
  async deleteJob(name: string): Promise<void> {
    await gaxCall(`deleting Cloud Run job ${name}`, 'call', async () => {
      const [operation] = await (await this.jobs()).deleteJob({ name });
      await operation.promise();
    }, GONE, this.retry);
  }

  private executionsPage(parent: string, pageSize: number | undefined) {
    return async (pageToken: string | undefined) => (await this.executions()).listExecutions({ parent, pageSize, pageToken }, NO_AUTO_PAGINATION);
  }

  /** Closes the gRPC channels (only if a client was ever created). */
  close(): Promise<void> {
    return this.clients.close();
  }

  private async jobs(): Promise<JobsClient> {
    return (await this.clients.get()).jobs;
  }

  private async executions(): Promise<ExecutionsClient> {
    return (await this.clients.get()).executions;
  }
}
