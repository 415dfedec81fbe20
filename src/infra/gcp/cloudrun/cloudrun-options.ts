import type { ClientOptions } from 'google-gax';
import { ValidationError } from '../../../domain/errors.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';

/** How the Run clients connect. Tests point them at a local fake; production leaves it unset. */
export type CloudRunClientOptions = Pick<
  ClientOptions,
  'apiEndpoint' | 'port' | 'sslCreds' | 'authClient' | 'credentials' | 'keyFilename' | 'projectId' | 'clientConfig' | 'fallback'
>;

export interface CloudRunBackendOptions {
  /** GCP project; a per-execution `executionConfig.project` wins. @default $SMARTJOB_PROJECT */
  readonly project?: string;
  /** GCP region of the jobs. @default $SMARTJOB_REGION */
  readonly region?: string;
  /** `gs://bucket[/prefix]`, mounted in every job at /staging. @default $SMARTJOB_STAGING_BUCKET */
  readonly stagingBucket?: string;
  /** Identity the jobs run as. @default $SMARTJOB_SERVICE_ACCOUNT, else the project's default compute account */
  readonly serviceAccount?: string;
  /** Passed to the @google-cloud/run clients. @default {} (Application Default Credentials, run.googleapis.com) */
  readonly clientOptions?: CloudRunClientOptions;
  /** Delay between two polls of the awaited executions (one ListExecutions per location for all of them). @default 5000 */
  readonly pollIntervalMs?: number;
  /** Longest delay between polls after transient errors (429, 503, deadline). @default 60000 */
  readonly maxPollBackoffMs?: number;
  /** @default ConsoleLoggerAdapter */
  readonly logger?: LoggerPort;
}

export const DEFAULT_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_MAX_POLL_BACKOFF_MS = 60_000;
/** Where the staging bucket appears inside the job's container. */
export const STAGING_MOUNT = '/staging';
/** Name of the job's own container in the template (sidecars have their own names). */
export const MAIN_CONTAINER = 'job';
/** The in-memory volume the job shares with its sidecars. */
export const SHARED_MOUNT = '/shared';
export const CONSOLE_BASE = 'https://console.cloud.google.com';

/** Validates the polling options at once (a bad value is a ValidationError naming it) and fills the defaults. */
export function resolvePolling(options: CloudRunBackendOptions): { pollIntervalMs: number; maxPollBackoffMs: number } {
  for (const field of ['pollIntervalMs', 'maxPollBackoffMs'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
      throw new ValidationError(field, 'must be a positive number of milliseconds', value);
    }
  }
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  return { pollIntervalMs, maxPollBackoffMs: Math.max(pollIntervalMs, options.maxPollBackoffMs ?? DEFAULT_MAX_POLL_BACKOFF_MS) };
}
