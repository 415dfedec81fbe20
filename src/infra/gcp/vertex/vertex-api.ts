import type { protos, v1 } from '@google-cloud/aiplatform';
import { gaxCall, gaxPaged, LazyClients } from '../shared/gax-call.js';
import { GrpcCode } from '../shared/gax-errors.js';
import { DEFAULT_CALL_RETRY, type CallRetrySettings } from '../shared/gax-retry.js';
import type { GcpClientOptions } from '../shared/gcp-options.js';
import { locationOf, type GcpSettings } from '../shared/gcp-settings.js';
import { NO_AUTO_PAGINATION } from '../shared/protobuf.js';
import { regionalEndpoint } from './vertex-options.js';

export type CustomJob = protos.google.cloud.aiplatform.v1.ICustomJob;
export type WorkerPoolSpec = protos.google.cloud.aiplatform.v1.IWorkerPoolSpec;
type JobServiceClient = v1.JobServiceClient;

const GONE = new Map([[GrpcCode.NOT_FOUND, undefined]]);

/**
 * The Vertex AI JobService (CustomJobs) as the adapter uses it. Owns the lazily loaded clients (the
 * @google-cloud/aiplatform package costs about a second to load: only on the first call, never on import), one
 * per endpoint (regional by default: `<region>-aiplatform.googleapis.com`, unless `clientOptions.apiEndpoint`
 * says otherwise), and translates every SDK error into a domain error here. The client retries nothing; idempotent
 * calls (reads, listing pages, cancel, delete) are retried here after a transient answer (`retry`), CreateCustomJob not.
 */
export class VertexApi {
  /** `projects/<project>/locations/<region>` of the service: where executions known only by id are searched. */
  readonly location: string;
  private readonly clients = new Map<string, LazyClients<JobServiceClient>>();

  constructor(
    settings: Pick<GcpSettings, 'project' | 'region'>,
    private readonly clientOptions: GcpClientOptions = {},
    private readonly retry: CallRetrySettings = DEFAULT_CALL_RETRY,
  ) {
    this.location = locationOf(settings);
  }

  /** CreateCustomJob, once: not idempotent (Vertex assigns the id), so a retry must first look the job up by label. */
  createCustomJob(parent: string, customJob: CustomJob): Promise<CustomJob> {
    return gaxCall(`creating a Vertex AI CustomJob in ${parent}`, 'launch', async () =>
      (await (await this.clientFor(parent)).createCustomJob({ parent, customJob }))[0]);
  }

  /** GetCustomJob; undefined when it does not exist (any more). */
  getCustomJob(name: string): Promise<CustomJob | undefined> {
    return gaxCall(`reading CustomJob ${name}`, 'call', async () => (await (await this.clientFor(name)).getCustomJob({ name }))[0], GONE, this.retry);
  }

  /** ListCustomJobs of a location with an AIP-160 filter, paged by the caller. */
  listCustomJobs(parent: string, filter: string, pageSize?: number): AsyncIterable<CustomJob> {
    return gaxPaged(`listing the CustomJobs of ${parent} (filter ${filter})`, async (pageToken) =>
      (await this.clientFor(parent)).listCustomJobs({ parent, filter, pageSize, pageToken }, NO_AUTO_PAGINATION), { retry: this.retry });
  }

  /** CancelCustomJob; false when refused because the job already ended (FAILED_PRECONDITION). */
  cancelCustomJob(name: string): Promise<boolean> {
    return gaxCall(`cancelling CustomJob ${name}`, 'call', async () => {
      await (await this.clientFor(name)).cancelCustomJob({ name });
      return true;
    }, new Map([[GrpcCode.FAILED_PRECONDITION, false]]), this.retry);
  }

  /** DeleteCustomJob and its operation; already gone is fine. */
  async deleteCustomJob(name: string): Promise<void> {
    await gaxCall(`deleting CustomJob ${name}`, 'call', async () => {
      const [operation] = await (await this.clientFor(name)).deleteCustomJob({ name });
      await operation.promise();
    }, GONE, this.retry);
  }

  /**
   * The AcceleratorType names the client can encode (an unknown name would silently encode as unspecified), from
   * the package's protos: loading it, but building no client (so no credential lookup before anything is staged).
   */
  async acceleratorTypes(): Promise<readonly string[]> {
    const { protos: types } = await import('@google-cloud/aiplatform');
    return Object.keys(types.google.cloud.aiplatform.v1.AcceleratorType);
  }

  /** Closes the gRPC channels (only those ever opened). */
  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.all(clients.map((c) => c.close()));
  }

  /**
   * The client of the endpoint serving the region a resource name (`projects/p/locations/<region>/…`) is in,
   * built on first use (it connects on its first call).
   */
  clientFor(resourceName: string): Promise<JobServiceClient> {
    const apiEndpoint = this.clientOptions.apiEndpoint ?? regionalEndpoint(resourceName.split('/')[3] ?? '');
    let clients = this.clients.get(apiEndpoint);
    if (!clients) {
      clients = new LazyClients<JobServiceClient>(async () => {
        const { v1: vertex } = await import('@google-cloud/aiplatform');
        return new vertex.JobServiceClient({ ...this.clientOptions, apiEndpoint });
      }, (client) => client.close());
      this.clients.set(apiEndpoint, clients);
    }
    return clients.get();
  }
}
