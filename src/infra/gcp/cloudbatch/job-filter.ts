import type { ExecutionState } from '../../../domain/execution.js';
import type { ListFilter } from '../../../domain/ports/executor.port.js';
import { RECORD_KEYS } from '../../shared/execution-record.js';

/**
 * ListJobs filters (AIP-160) on the labels smartjob puts on every job: the same record keys as every backend,
 * lowercase `[a-z0-9_]` and so plain filter fields.
 */

/** Execution ids an awaited-jobs filter names one by one: past this many, it selects by namespace instead. */
export const MAX_IDS_PER_FILTER = 20;

const label = (key: string, value: string) => `labels.${key}=${JSON.stringify(value)}`;
const anyOf = (terms: readonly string[]) => (terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`);
const MANAGED = label(RECORD_KEYS.managed, 'true');

/** Batch's job states behind each smartjob state (TIMED_OUT is a FAILED job whose task ran over its max run duration). */
export const BATCH_STATES: Readonly<Record<ExecutionState, readonly string[]>> = {
  PENDING: ['QUEUED', 'SCHEDULED'],
  RUNNING: ['RUNNING', 'CANCELLATION_IN_PROGRESS'],
  SUCCEEDED: ['SUCCEEDED'],
  FAILED: ['FAILED'],
  TIMED_OUT: ['FAILED'],
  CANCELLED: ['CANCELLED'],
};

export interface AwaitedJob {
  readonly executionId: string;
  /** Known once the job was launched or seen by this process. */
  readonly namespace: string | undefined;
}

/**
 * The jobs a poll of these awaited executions must see, in one bounded filter: their ids one by one when they are
 * few, else their namespaces (when all are known), else every smartjob job. The listing pages until all are seen.
 */
export function awaitedJobsFilter(awaited: readonly AwaitedJob[]): string {
  if (awaited.length <= MAX_IDS_PER_FILTER) return `${MANAGED} AND ${anyOf(awaited.map((a) => label(RECORD_KEYS.executionId, a.executionId)))}`;
  const namespaces = new Set(awaited.map((a) => a.namespace));
  if (namespaces.has(undefined) || namespaces.size > MAX_IDS_PER_FILTER) return MANAGED;
  return `${MANAGED} AND ${anyOf([...namespaces].map((ns) => label(RECORD_KEYS.namespace, ns!)))}`;
}

/** The job of one execution id. */
export function executionFilter(executionId: string): string {
  return `${MANAGED} AND ${label(RECORD_KEYS.executionId, executionId)}`;
}

/** `list`: namespace and name exactly, states as the Batch states that may hold them (the caller then checks each). */
export function listJobsFilter(filter: ListFilter): string {
  const terms = [MANAGED];
  if (filter.namespace !== undefined) terms.push(label(RECORD_KEYS.namespace, filter.namespace));
  if (filter.name !== undefined) terms.push(label(RECORD_KEYS.name, filter.name));
  if (filter.states) {
    const states = [...new Set(filter.states.flatMap((state) => BATCH_STATES[state] ?? []))];
    if (states.length > 0) terms.push(anyOf(states.map((state) => `status.state=${JSON.stringify(state)}`)));
  }
  return terms.join(' AND ');
}
