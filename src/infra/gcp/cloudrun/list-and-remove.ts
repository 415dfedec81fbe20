import type { ListFilter } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import { GrpcCode, hasGrpcCode, translateGaxError } from '../gax-errors.js';
import type { CloudRunClients, RunExecution } from './cloudrun-clients.js';
import type { ExecutionLookup } from './execution-lookup.js';
import { LABELS } from './job-template.js';
import type { JobRegistry } from './job-registry.js';

const NO_AUTO_PAGINATION = { autoPaginate: false } as const;

/** Statuses of smartjob executions: jobs are selected by their labels, executions by their recorded id. */
export async function listStatuses(
  clients: CloudRunClients,
  lookup: ExecutionLookup,
  locationParent: string,
  filter: ListFilter,
): Promise<ExecutionStatus[]> {
  const statuses: ExecutionStatus[] = [];
  try {
    for await (const job of clients.jobs.listJobsAsync({ parent: locationParent }, NO_AUTO_PAGINATION)) {
      const labels = job.labels ?? {};
      if (labels[LABELS.smartjob] !== 'true') continue;
      if (filter.namespace !== undefined && labels[LABELS.namespace] !== filter.namespace) continue;
      if (filter.name !== undefined && labels[LABELS.name] !== filter.name) continue;
      for (const execution of await executionsOf(clients, job.name as string)) {
        const status = await lookup.statusOf(execution);
        if (!status || (filter.states && !filter.states.includes(status.state))) continue;
        lookup.remember(status.executionId, execution.name as string);
        statuses.push(status);
      }
    }
  } catch (error) {
    throw translateGaxError(error, `listing the Cloud Run executions of ${locationParent}`);
  }
  return statuses;
}

/** A job deleted while we list it simply has no executions. */
async function executionsOf(clients: CloudRunClients, jobName: string): Promise<RunExecution[]> {
  const found: RunExecution[] = [];
  try {
    for await (const execution of clients.executions.listExecutionsAsync({ parent: jobName }, NO_AUTO_PAGINATION)) found.push(execution);
  } catch (error) {
    if (!hasGrpcCode(error, GrpcCode.NOT_FOUND)) throw error;
  }
  return found;
}

/**
 * Deletes an execution, then its Job once the Job has no execution left at all: deleting a Job deletes
 * its executions, and a finished one not yet cleaned up must stay findable.
 */
export async function removeExecution(
  clients: CloudRunClients,
  jobs: JobRegistry,
  execution: RunExecution,
  logger: LoggerPort,
): Promise<void> {
  const executionName = execution.name as string;
  const jobName = execution.job || executionName.slice(0, executionName.lastIndexOf('/executions/'));
  try {
    const [operation] = await clients.executions.deleteExecution({ name: executionName });
    await operation.promise();
  } catch (error) {
    if (!hasGrpcCode(error, GrpcCode.NOT_FOUND)) throw translateGaxError(error, `deleting execution ${executionName}`);
  }
  try {
    const [remaining] = await clients.executions.listExecutions({ parent: jobName, pageSize: 1 }, NO_AUTO_PAGINATION);
    if (remaining.length > 0) return;
    jobs.forget(jobName);
    const [operation] = await clients.jobs.deleteJob({ name: jobName });
    await operation.promise();
    logger.info(`deleted Cloud Run job ${jobName}: it had no execution left`);
  } catch (error) {
    if (!hasGrpcCode(error, GrpcCode.NOT_FOUND)) throw translateGaxError(error, `deleting Cloud Run job ${jobName}`);
  }
}
