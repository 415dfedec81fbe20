import { BackendError, NotFoundError } from '../../../domain/errors.js';
import { isFinal } from '../../../domain/execution.js';
import type { ListFilter } from '../../../domain/ports/executor.port.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import type { ExecutionStatus } from '../../../domain/result.js';
import type { CloudBatchApi } from './cloudbatch-api.js';
import { isBeingDeleted, recordOfJob, stateOf, statusOf } from './cloudbatch-mapper.js';
import { listJobsFilter } from './job-filter.js';
import type { JobLookup } from './job-lookup.js';

/**
 * CancelJob, idempotent: a job that already ended (or is being deleted) is left as it is. Where the API answers
 * that it cannot cancel (UNIMPLEMENTED), the job is deleted instead, and its waits report CANCELLED.
 */
export async function cancelJob(api: CloudBatchApi, lookup: JobLookup, logger: LoggerPort, executionId: string): Promise<void> {
  const job = await lookup.find(executionId);
  if (!job) throw new NotFoundError(`execution '${executionId}'`, `execution '${executionId}' was not found on the cloudbatch backend`);
  if (isBeingDeleted(job) || isFinal(stateOf(job))) return;
  const name = job.name as string;
  const outcome = await api.cancelJob(name);
  if (outcome === 'cancelling') return; // wait() reports the outcome
  if (outcome === 'unsupported') {
    const status = statusOf(job);
    if (status) {
      const message = 'cancelled by deleting its Batch job (this API does not support CancelJob)';
      lookup.rememberCancelledByDeletion({ ...status, state: 'CANCELLED', stopped: new Date(), exitCode: undefined, message });
    }
    logger.warn(`CancelJob is not supported for ${name}: deleting the job instead`);
    await api.deleteJob(name, { awaitDeletion: false });
    return;
  }
  // Refused (FAILED_PRECONDITION): it ended meanwhile, and then there is nothing left to cancel.
  const now = await lookup.find(executionId);
  if (now && !isBeingDeleted(now) && !isFinal(stateOf(now))) {
    throw new BackendError(`Cloud Batch refused to cancel job ${name} although it has not ended`);
  }
}

/** Statuses of the smartjob jobs of the service's location, selected by their labels (and Batch states) server-side. */
export async function listStatuses(api: CloudBatchApi, lookup: JobLookup, filter: ListFilter): Promise<ExecutionStatus[]> {
  if (filter.states?.length === 0) return [];
  const statuses: ExecutionStatus[] = [];
  for await (const job of api.listJobs(api.location, listJobsFilter(filter))) {
    const record = recordOfJob(job);
    if (!record || isBeingDeleted(job)) continue;
    const status = await lookup.statusOf(job);
    if (!status || (filter.states && !filter.states.includes(status.state))) continue;
    lookup.remember(status.executionId, job.name as string, record.jobNamespace);
    statuses.push(status);
  }
  return statuses;
}
