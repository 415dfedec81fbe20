import { randomInt } from 'node:crypto';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { compileFilter, labelField, type FilterField, type FilterSchema } from '../shared/list-filter.js';
import { timestamp, timestampMs, type INamedRequest } from '../shared/protos.js';
import { cappedPageSize, locationOf, page, requireLocation } from '../shared/resources.js';
import { isTerminal, type CustomJobRunner } from './custom-job-runner.js';
import { newCustomJobRecord } from './custom-job-validation.js';
import { JOB_STATES, packAny, type ICreateCustomJobRequest, type IListCustomJobsRequest } from './protos.js';
import type { CustomJobRecord, VertexState } from './vertex-state.js';

/**
 * ListCustomJobs `filter`, as job_service.proto documents it: `display_name` (= != and : wildcard), `state`
 * (= !=), `create_time` (= != < <= > >=, RFC 3339), `labels.key=value` and `labels.key:*`.
 */
const FIELDS: Record<string, FilterField<CustomJobRecord>> = {
  display_name: { ops: ['=', '!=', ':'], get: (r) => r.job.displayName ?? undefined },
  state: { ops: ['=', '!='], values: JOB_STATES, get: (r) => (r.job.state as string | undefined) ?? undefined },
  create_time: { ops: ['=', '!=', '<', '<=', '>', '>='], timestamp: true, get: (r) => new Date(timestampMs(r.job.createTime) ?? 0).toISOString() },
};
const customJobFilter: FilterSchema<CustomJobRecord> = (name) => labelField(name, (r: CustomJobRecord) => r.job.labels) ?? FIELDS[name];

/** google.cloud.aiplatform.v1.JobService, the CustomJob methods, with the checks Vertex makes. */
export function jobService(state: VertexState, runner: CustomJobRunner) {
  return {
    CreateCustomJob(request: ICreateCustomJobRequest) {
      const record = newCustomJobRecord(request, state);
      state.jobs.set(record.name, record);
      runner.start(record);
      return record.job;
    },

    GetCustomJob: (request: INamedRequest) => state.requireJob(request.name ?? '').job,

    ListCustomJobs(request: IListCustomJobsRequest) {
      const parent = state.canonical(requireLocation(request.parent));
      const matches = compileFilter(request.filter, customJobFilter);
      const records = [...state.jobs.values()].filter((r) => locationOf(r.name) === parent && matches(r));
      const { items, next } = page(records, cappedPageSize(request.pageSize, state.maxPageSize), request.pageToken);
      return { customJobs: items.map((r) => r.job), nextPageToken: next };
    },

    async CancelCustomJob(request: INamedRequest) {
      const record = state.requireJob(request.name ?? '');
      if (isTerminal(record)) throw new RpcError(grpc.status.FAILED_PRECONDITION, `Cannot cancel the CustomJob ${record.name}: it is in state ${record.job.state}`);
      await runner.cancel(record);
      return {};
    },

    DeleteCustomJob(request: INamedRequest) {
      const record = state.requireJob(request.name ?? '');
      // Believed, not confirmed: Vertex deletes only jobs that have ended (cancel a running one first).
      if (!isTerminal(record)) throw new RpcError(grpc.status.FAILED_PRECONDITION, `Cannot delete the CustomJob ${record.name}: it is in state ${record.job.state}`);
      const name = `${record.name}/operations/${randomInt(1e9, 1e10 - 1)}${randomInt(1e8, 1e9 - 1)}`;
      const createTime = timestamp(new Date());
      const response = packAny('google.protobuf.Empty', {});
      runner.remove(record).catch((error: unknown) => console.error(`fake vertex: deleting ${record.name} failed`, error));
      return state.operations.add(name, () => {
        const done = !state.jobs.has(record.name);
        const metadata = packAny('google.cloud.aiplatform.v1.DeleteOperationMetadata', { genericMetadata: { createTime, updateTime: timestamp(new Date()) } });
        return done ? { name, metadata, done, response } : { name, metadata, done };
      });
    },
  };
}
