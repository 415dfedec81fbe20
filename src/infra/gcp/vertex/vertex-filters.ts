import type { ExecutionState } from '../../../domain/execution.js';
import type { ListFilter } from '../../../domain/ports/executor.port.js';
import { RECORD_KEYS } from '../../shared/execution-record.js';

/**
 * ListCustomJobs filters (AIP-160, as job_service.proto documents them: `labels.key=value`, `state`, `OR`, `AND`,
 * parentheses), pure. Values are quoted; only values that could be recorded are ever put in a filter.
 */

/** Every execution id a ListCustomJobs filter names at most: keeps a filter a few kilobytes long. */
export const MAX_IDS_PER_FILTER = 50;

/** JobState names by number (job_state.proto): answers carry the name, anything else may carry the number. */
const JOB_STATES = [
  'JOB_STATE_UNSPECIFIED', 'JOB_STATE_QUEUED', 'JOB_STATE_PENDING', 'JOB_STATE_RUNNING', 'JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLING', 'JOB_STATE_CANCELLED', 'JOB_STATE_PAUSED', 'JOB_STATE_EXPIRED', 'JOB_STATE_UPDATING', 'JOB_STATE_PARTIALLY_SUCCEEDED',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** The JobState name of a decoded `state` field. */
export function jobStateOf(state: unknown): JobState {
  if (typeof state === 'number') return JOB_STATES[state] ?? 'JOB_STATE_UNSPECIFIED';
  return (JOB_STATES as readonly unknown[]).includes(state) ? (state as JobState) : 'JOB_STATE_UNSPECIFIED';
}

/** The JobStates an execution in a domain state can be in (the mapper tells TIMED_OUT from FAILED, and a started CANCELLING from one that never ran). */
const JOB_STATES_OF: Record<ExecutionState, readonly JobState[]> = {
  PENDING: ['JOB_STATE_QUEUED', 'JOB_STATE_PENDING', 'JOB_STATE_PAUSED', 'JOB_STATE_CANCELLING', 'JOB_STATE_UNSPECIFIED'],
  RUNNING: ['JOB_STATE_RUNNING', 'JOB_STATE_UPDATING', 'JOB_STATE_CANCELLING'],
  SUCCEEDED: ['JOB_STATE_SUCCEEDED'],
  FAILED: ['JOB_STATE_FAILED', 'JOB_STATE_EXPIRED', 'JOB_STATE_PARTIALLY_SUCCEEDED'],
  TIMED_OUT: ['JOB_STATE_FAILED'],
  CANCELLED: ['JOB_STATE_CANCELLED'],
};

const VALUE = /^[a-z0-9_-]{1,63}$/;
const label = (key: string, value: string) => `labels.${key}="${value}"`;

/** The jobs of these executions: `labels.smartjob_execution_id="a" OR labels.smartjob_execution_id="b" …`. */
export function executionIdsFilter(executionIds: readonly string[]): string {
  return executionIds.map((id) => label(RECORD_KEYS.executionId, id)).join(' OR ');
}

/**
 * smartjob's jobs selected server-side by namespace, name and state; undefined when nothing can match (a
 * namespace or name no execution can have, or no state at all). The exact state is checked on each status.
 */
export function listFilterOf(filter: ListFilter): string | undefined {
  const terms = [label(RECORD_KEYS.managed, 'true')];
  for (const [key, value] of [[RECORD_KEYS.namespace, filter.namespace], [RECORD_KEYS.name, filter.name]] as const) {
    if (value === undefined) continue;
    if (!VALUE.test(value)) return undefined;
    terms.push(label(key, value));
  }
  if (filter.states) {
    const states = [...new Set(filter.states.flatMap((state) => JOB_STATES_OF[state] ?? []))].filter((s) => s !== 'JOB_STATE_UNSPECIFIED');
    if (states.length === 0) return undefined;
    terms.push(`(${states.map((state) => `state="${state}"`).join(' OR ')})`);
  }
  return terms.join(' AND ');
}
