import type { LaunchSpec } from '../../../domain/ports/executor.port.js';
import { RECORD_KEYS, recordOf } from '../../shared/execution-record.js';

/** A CustomJob's labels, and what had to change in the user's for Vertex to take them. */
export interface JobLabels {
  readonly labels: Record<string, string>;
  /** One line per user label changed or dropped; empty when all were taken as given. */
  readonly changes: readonly string[];
}

/** GCP label rules: at most 64 labels; keys start with a lowercase letter; keys and values ≤ 63 of [a-z0-9_-]. */
const MAX_LABELS = 64;
const MAX_LENGTH = 63;
const RESERVED: readonly string[] = Object.values(RECORD_KEYS);

/**
 * The labels of a launch's CustomJob: the execution record (how a fresh process finds the job and rebuilds its
 * status: never overridden) plus the user's labels, made to fit the label rules (lowercased, other characters
 * replaced by `_`, cut to 63 characters). A user label that would replace a record key, or that does not fit
 * in the 64 labels, is dropped. Every change is listed, for a warning.
 */
export function jobLabelsOf(spec: Pick<LaunchSpec, 'executionId' | 'jobNamespace' | 'jobName' | 'created' | 'config'>): JobLabels {
  const record = recordOf(spec);
  const room = MAX_LABELS - Object.keys(record).length;
  const user: Record<string, string> = {};
  const changes: string[] = [];
  for (const [key, value] of Object.entries(spec.config.labels ?? {})) {
    const k = labelKey(key);
    const v = labelValue(value);
    if (RESERVED.includes(k)) changes.push(`${key} dropped: smartjob records the execution under that key`);
    else if (k in user) changes.push(`${key} dropped: another label became ${k} too`);
    else if (Object.keys(user).length >= room) changes.push(`${key} dropped: a CustomJob holds at most ${MAX_LABELS} labels, ${Object.keys(record).length} of them smartjob's`);
    else {
      if (k !== key || v !== value) changes.push(`${key}=${value} became ${k}=${v}`);
      user[k] = v;
    }
  }
  return { labels: { ...user, ...record }, changes };
}

function labelKey(key: string): string {
  const cleaned = labelValue(key);
  return (/^[a-z]/.test(cleaned) ? cleaned : `l${cleaned}`).slice(0, MAX_LENGTH);
}

function labelValue(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, MAX_LENGTH);
}
