import { BackendError } from '../../../domain/errors.js';
import type { ListFilter } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import type { CloudRunApi, RunExecution } from './cloudrun-api.js';
import { RECORD_KEYS } from '../../shared/execution-record.js';
import type { ExecutionLookup } from './execution-lookup.js';
import type { JobRegistry } from './job-registry.js';

/** Statuses of smartjob executions of the service's location: jobs are selected by their labels, executions by their record. */
export async function listStatuses(api: CloudRunApi, lookup: ExecutionLookup, filter: ListFilter): Promise<ExecutionStatus[]> {
  const statuses: ExecutionStatus[] = [];
  for await (const job of api.listJobs()) {
    const labels = job.labels ?? {};
    if (labels[RECORD_KEYS.managed] !== 'true') continue;
    if (filter.namespace !== undefined && labels[RECORD_KEYS.namespace] !== filter.namespace) continue;
    if (filter.name !== undefined && labels[RECORD_KEYS.name] !== filter.name) continue;
    for await (const execution of api.listExecutions(job.name as string)) {
      const status = await lookup.statusOf(execution);
      if (!status || (filter.states && !filter.states.includes(status.state))) continue;
      lookup.remember(status.executionId, execution.name as string);
      statuses.push(status);
    }
  }
  return statuses;
}

/**
 * Deletes an execution, then its Job once the Job has no execution left at all: deleting a Job deletes
 * its executions, and a finished one not yet cleaned up must stay findable.
 */
export async function removeExecution(api: CloudRunApi, jobs: JobRegistry, execution: RunExecution, logger: LoggerPort): Promise<void> {
  const executionName = execution.name as string;
  const jobName = jobNameOfExecution(executionName);
  await api.deleteExecution(executionName);
  if (await api.hasExecutions(jobName)) return;
  jobs.forget(jobName);
  await api.deleteJob(jobName);
  logger.info(`deleted Cloud Run job ${jobName}: it had no execution left`);
}

/**
 * `projects/p/locations/l/jobs/j/executions/e` → `projects/p/locations/l/jobs/j`. From the execution's own name,
 * never from `Execution.job`: Cloud Run fills that with the job's short id, which no Jobs call accepts.
 */
export function jobNameOfExecution(executionName: string): string {
  const at = executionName.lastIndexOf('/executions/');
  if (at < 0) throw new BackendError(`Cloud Run answered an execution name without a job: ${executionName}`);
  return executionName.slice(0, at);
}
