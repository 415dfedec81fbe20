import { randomUUID } from 'node:crypto';
import { grpc } from 'google-gax';
import { newExecutionRecord } from './fake-execution.js';
import { RpcError } from '../shared/faults.js';
import { checkLabels } from '../shared/resources.js';
import { condition, locationOf, page, type ExecutionRecord, type FakeState } from './fake-state.js';
import { timestamp, type ICreateJobRequest, type IJob, type IListRequest, type INamedRequest, type IRunJobRequest } from './protos.js';

const JOB_ID = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface JobsServiceDeps {
  readonly state: FakeState;
  readonly consoleBase: string;
  readonly start: (record: ExecutionRecord) => void;
  readonly remove: (record: ExecutionRecord) => Promise<void>;
}

/** google.cloud.run.v2.Jobs: Create/Get/List/Delete/Run, with the checks Cloud Run makes on ids and labels. */
export function jobsService({ state, consoleBase, start, remove }: JobsServiceDeps) {
  return {
    CreateJob(request: ICreateJobRequest) {
      const { parent, jobId } = request;
      const job: IJob = request.job ?? {};
      if (request.validateOnly) throw new RpcError(grpc.status.UNIMPLEMENTED, 'the fake does not support validate_only');
      if (!parent) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'parent is required');
      if (!JOB_ID.test(jobId ?? '')) {
        throw new RpcError(grpc.status.INVALID_ARGUMENT, `job_id '${jobId}' must be a DNS label: lowercase letters, digits, hyphens, at most 63`);
      }
      checkLabels(job.labels ?? {});
      checkLabels(job.template?.labels ?? {});
      const containers = job.template?.template?.containers ?? [];
      if (containers.length === 0 || containers.some((c) => !c.image)) {
        throw new RpcError(grpc.status.INVALID_ARGUMENT, 'the job template needs at least one container, each with an image');
      }
      const name = `${parent}/jobs/${jobId}`;
      if (state.jobs.has(name)) throw new RpcError(grpc.status.ALREADY_EXISTS, `Resource '${name}' already exists`);
      const now = timestamp(new Date());
      const stored: IJob = {
        ...job, name, uid: randomUUID(), generation: 1, observedGeneration: 1, createTime: now, updateTime: now,
        executionCount: 0, reconciling: false, etag: randomUUID(),
        terminalCondition: condition('Ready', 'CONDITION_SUCCEEDED'),
      };
      state.jobs.set(name, stored);
      return state.jobOperation(parent, stored);
    },

    GetJob: (request: INamedRequest) => state.requireJob(request.name ?? ''),

    ListJobs(request: IListRequest) {
      const jobs = [...state.jobs.values()].filter((j) => locationOf(j.name as string) === request.parent);
      const { items, next } = page(jobs, request.pageSize, request.pageToken);
      return { jobs: items, nextPageToken: next };
    },

    async DeleteJob(request: INamedRequest) {
      const job = state.requireJob(request.name ?? '');
      const executions = [...state.executions.values()].filter((r) => r.jobName === job.name);
      await Promise.all(executions.map(remove));
      state.jobs.delete(job.name as string);
      return state.jobOperation(locationOf(job.name as string), { ...job, deleteTime: timestamp(new Date()) });
    },

    RunJob(request: IRunJobRequest) {
      const job = state.requireJob(request.name ?? '');
      if (request.validateOnly) throw new RpcError(grpc.status.UNIMPLEMENTED, 'the fake does not support validate_only');
      const record = newExecutionRecord(job, request, consoleBase);
      state.executions.set(record.name, record);
      job.executionCount = (job.executionCount ?? 0) + 1;
      job.latestCreatedExecution = { name: record.name, createTime: record.execution.createTime, completionStatus: 'EXECUTION_RUNNING' };
      start(record);
      return state.executionOperation(record, record.operationName);
    },
  };
}
