import { randomUUID } from 'node:crypto';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { compileFilter, labelField, type FilterField, type FilterSchema } from '../shared/list-filter.js';
import { timestamp, timestampMs, type INamedRequest, type IOperation } from '../shared/protos.js';
import { cappedPageSize, locationOf, page, requireLocation } from '../shared/resources.js';
import type { BatchState, JobRecord, TaskRecord } from './batch-state.js';
import { isTerminal, jobState } from './job-status.js';
import type { JobRunner } from './job-runner.js';
import { newJobRecord } from './job-validation.js';
import { JOB_STATES, packAny, TASK_STATES, type ICreateJobRequest, type IListJobsRequest, type IListTasksRequest } from './protos.js';

/** ListJobs `filter`: `labels.KEY`, `status.state` (a JobStatus.State name) and `name`, in the AIP-160 subset of list-filter.ts. */
const JOB_FIELDS: Record<string, FilterField<JobRecord>> = {
  'status.state': { ops: ['=', '!='], values: JOB_STATES, get: (r) => (r.job.status?.state as string | undefined) ?? undefined },
  name: { ops: ['=', '!=', ':'], get: (r) => r.name },
};
const jobFilter: FilterSchema<JobRecord> = (name) => labelField(name, (r: JobRecord) => r.job.labels) ?? JOB_FIELDS[name];
/** ListTasks `filter`: "State=TaskStatus.State e.g. State=RUNNING" (batch.proto ListTasksRequest.filter). */
const taskFilter: FilterSchema<TaskRecord> = (name) =>
  name === 'State' ? { ops: ['='], values: TASK_STATES, get: (t) => (t.task.status?.state as string | undefined) ?? undefined } : undefined;
const ORDERS: Record<string, (a: JobRecord, b: JobRecord) => number> = {
  '': () => 0,
  name: (a, b) => a.name.localeCompare(b.name),
  'name desc': (a, b) => b.name.localeCompare(a.name),
  create_time: (a, b) => (timestampMs(a.job.createTime) ?? 0) - (timestampMs(b.job.createTime) ?? 0),
  'create_time desc': (a, b) => (timestampMs(b.job.createTime) ?? 0) - (timestampMs(a.job.createTime) ?? 0),
};

/** google.cloud.batch.v1.BatchService, with the checks Batch makes on ids, labels and filters. */
export function batchService(state: BatchState, runner: JobRunner) {
  return {
    CreateJob(request: ICreateJobRequest) {
      const record = newJobRecord(request);
      const existing = state.jobs.get(record.name);
      // request_id: a retry of a request that already succeeded gets the job it created (batch.proto CreateJobRequest).
      if (existing && record.requestId && existing.requestId === record.requestId) return existing.job;
      if (existing) throw new RpcError(grpc.status.ALREADY_EXISTS, `Resource '${record.name}' already exists`);
      state.jobs.set(record.name, record);
      runner.start(record);
      return record.job;
    },

    GetJob: (request: INamedRequest) => state.requireJob(request.name ?? '').job,

    ListJobs(request: IListJobsRequest) {
      const parent = requireLocation(request.parent); // `locations/-` lists every location of the project
      const matches = compileFilter(request.filter, jobFilter);
      const order = ORDERS[(request.orderBy ?? '').trim()];
      if (!order) throw new RpcError(grpc.status.INVALID_ARGUMENT, `order_by '${request.orderBy}' is not one of: name, name desc, create_time, create_time desc`);
      const inParent = (name: string) => locationOf(name) === parent || (parent.endsWith('/locations/-') && name.startsWith(parent.slice(0, -1)));
      const records = [...state.jobs.values()].filter((r) => inParent(r.name) && matches(r)).sort(order);
      const { items, next } = page(records, cappedPageSize(request.pageSize, state.maxPageSize), request.pageToken);
      return { jobs: items.map((r) => r.job), nextPageToken: next, unreachable: [] };
    },

    async CancelJob(request: INamedRequest) {
      const record = state.requireJob(request.name ?? '');
      if (isTerminal(jobState(record)) || record.stopRequested === 'deleted') {
        throw new RpcError(grpc.status.FAILED_PRECONDITION, `Job '${record.name}' is ${jobState(record)} and cannot be cancelled`);
      }
      const operation = jobOperation(state, record, 'cancel', () => jobState(record) === 'CANCELLED' || !state.jobs.has(record.name),
        packAny('google.cloud.batch.v1.CancelJobResponse', {}));
      await runner.cancel(record);
      return operation;
    },

    DeleteJob(request: INamedRequest) {
      const record = state.requireJob(request.name ?? '');
      const operation = jobOperation(state, record, 'delete', () => !state.jobs.has(record.name), packAny('google.protobuf.Empty', {}));
      runner.remove(record).catch((error: unknown) => console.error(`fake cloudbatch: deleting ${record.name} failed`, error));
      return operation;
    },

    GetTask: (request: INamedRequest) => state.requireTask(request.name ?? '').task.task,

    ListTasks(request: IListTasksRequest) {
      const parent = request.parent ?? '';
      const match = /^(.+\/jobs\/[^/]+)\/taskGroups\/group0$/.exec(parent);
      const record = match ? state.jobs.get(match[1]!) : undefined;
      if (!record) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${parent}' was not found`);
      const matches = compileFilter(request.filter, taskFilter);
      const { items, next } = page(record.tasks.filter(matches), cappedPageSize(request.pageSize, state.maxPageSize), request.pageToken);
      return { tasks: items.map((t) => t.task), nextPageToken: next, unreachable: [] };
    },
  };
}

/** A Cancel or Delete operation: metadata google.cloud.batch.v1.OperationMetadata, done once `isDone()`. */
function jobOperation(state: BatchState, record: JobRecord, verb: 'cancel' | 'delete', isDone: () => boolean, response: IOperation['response']): IOperation {
  const name = `${locationOf(record.name)}/operations/operation-${Date.now()}-${randomUUID()}`;
  const createTime = timestamp(new Date());
  let endTime: ReturnType<typeof timestamp> | undefined;
  return state.operations.add(name, () => {
    const done = isDone();
    if (done) endTime ??= timestamp(new Date());
    const metadata = packAny('google.cloud.batch.v1.OperationMetadata', { createTime, endTime, target: record.name, verb, apiVersion: 'v1' });
    return done ? { name, metadata, done, response } : { name, metadata, done };
  });
}
