import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { cappedPageSize } from '../shared/resources.js';
import { stopExecution } from './fake-progress.js';
import { locationOf, page, type ExecutionRecord, type FakeState } from './fake-state.js';
import type { IListRequest, INamedRequest } from './protos.js';
import { timestampMs } from '../shared/protos.js';

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
        .reverse() // newest first, as Cloud Run lists them (seeded ones by their creation time)
        .sort((a, b) => (timestampMs(b.execution.createTime) ?? 0) - (timestampMs(a.execution.createTime) ?? 0));
      const { items, next } = page(records, cappedPageSize(request.pageSize, state.maxPageSize), request.pageToken);
      return { executions: items.map((r) => r.execution), nextPageToken: next };
    },

    async CancelExecution(request: INamedRequest) {
      const record = state.requireExecution(request.name ?? '');
      if (record.execution.completionTime) {
        throw new RpcError(grpc.status.FAILED_PRECONDITION, `Execution '${record.name}' has already completed`);
      }
      await stopExecution(record, 'cancelled');
      return state.executionOperation(record);
    },

    async DeleteExecution(request: INamedRequest) {
      const record = state.requireExecution(request.name ?? '');
      await remove(record);
      return state.deletedExecutionOperation(record);
    },
  };
}

/** google.cloud.run.v2.Tasks: the tasks of one execution, by index, paged; or one task by name. */
export function tasksService(state: FakeState) {
  return {
    ListTasks(request: IListRequest) {
      const record = state.requireExecution(request.parent ?? '');
      const { items, next } = page(record.tasks, cappedPageSize(request.pageSize, state.maxPageSize), request.pageToken);
      return { tasks: items.map((t) => t.task), nextPageToken: next };
    },
    GetTask(request: INamedRequest) {
      const execution = state.executions.get((request.name ?? '').replace(/\/tasks\/[^/]*$/, ''));
      const task = execution?.tasks.find((t) => t.task.name === request.name);
      if (!task) throw new RpcError(grpc.status.NOT_FOUND, `Resource '${request.name}' was not found`);
      return task.task;
    },
  };
}
