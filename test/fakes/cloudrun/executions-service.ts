import { grpc } from 'google-gax';
import { killQuietly } from '../shared/containers.js';
import { RpcError } from '../shared/faults.js';
import { cappedPageSize } from '../shared/resources.js';
import { locationOf, page, type ExecutionRecord, type FakeState } from './fake-state.js';
import type { IListRequest, INamedRequest } from './protos.js';

/** google.cloud.run.v2.Executions: Get/List (a job's, or every job's with `jobs/-`)/Cancel/Delete. */
export function executionsService(state: FakeState, remove: (record: ExecutionRecord) => Promise<void>) {
  return {
    GetExecution: (request: INamedRequest) => state.requireExecution(request.name ?? '').execution,

    ListExecutions(request: IListRequest) {
      const parent = request.parent ?? '';
      const allJobs = parent.endsWith('/jobs/-');
      if (allJobs) state.locationListingTokens.push(request.pageToken ?? '');
      else state.requireJob(parent);
      const records = [...state.executions.values()]
        .filter((r) => (allJobs ? locationOf(r.name) === locationOf(parent) && !state.unlisted.has(r.name) : r.jobName === parent))
        .reverse(); // newest first, as Cloud Run lists them
      const { items, next } = page(records, cappedPageSize(request.pageSize, state.maxPageSize), request.pageToken);
      return { executions: items.map((r) => r.execution), nextPageToken: next };
    },

    async CancelExecution(request: INamedRequest) {
      const record = state.requireExecution(request.name ?? '');
      if (record.execution.completionTime) {
        throw new RpcError(grpc.status.FAILED_PRECONDITION, `Execution '${record.name}' has already completed`);
      }
      record.stopRequested ??= 'cancelled';
      if (record.current) await killQuietly(record.current);
      return state.executionOperation(record);
    },

    async DeleteExecution(request: INamedRequest) {
      const record = state.requireExecution(request.name ?? '');
      await remove(record);
      return state.deletedExecutionOperation(record);
    },
  };
}

/** google.cloud.run.v2.Tasks: the fake's executions have one task each. */
export function tasksService(state: FakeState) {
  return {
    ListTasks(request: IListRequest) {
      const record = state.requireExecution(request.parent ?? '');
      return { tasks: [record.task], nextPageToken: '' };
    },
    GetTask(request: INamedRequest) {
      const record = [...state.executions.values()].find((r) => r.task.name === request.name);
      if (!record) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${request.name}' was not found`);
      return record.task;
    },
  };
}
