import type { ClientOptions } from 'google-gax';
import { ValidationError } from '../../../domain/errors.js';
import type { GcpPlacement } from '../../../domain/execution-config.js';
import type { LoggerPort } from '../../../domain/ports/logger.port.js';
import { resolveCallRetry, type CallRetryOptions, type CallRetrySettings } from './gax-retry.js';
import { parseStagingBucket, resolveGcpSettings, type GcpSettings } from './gcp-settings.js';

/** How the Google clients connect. Tests point them at a local fake; production leaves it unset. */
export type GcpClientOptions = Pick<
  ClientOptions,
  'apiEndpoint' | 'port' | 'sslCreds' | 'authClient' | 'credentials' | 'keyFilename' | 'projectId' | 'clientConfig' | 'fallback'
>;

/** The options of every GCP backend (Cloud Run, Batch, Vertex): where jobs run, how clients connect, how waits poll. */
export interface GcpBackendOptions extends GcpPlacement {
  /** Passed to the Google clients. @default {} (Application Default Credentials, the service's public endpoint) */
  readonly clientOptions?: GcpClientOptions;
  /** Delay between two polls of the awaited executions (one list call per location for all of them). @default 5000 */
  readonly pollIntervalMs?: number;
  /** Longest delay between polls after transient errors (429, 503, deadline). @default 60000 */
  readonly maxPollBackoffMs?: number;
  /**
   * Retries of each idempotent API call (status, list, cancel, cleanup; each page of a listing) after UNAVAILABLE,
   * RESOURCE_EXHAUSTED or DEADLINE_EXCEEDED. @default { maxAttempts: 5, minBackoffMs: 500, maxBackoffMs: 8000, maxTotalMs: 60000 }
   */
  readonly callRetry?: CallRetryOptions;
  /** @default the service's logger */
  readonly logger?: LoggerPort;
}

export interface PollingSettings {
  readonly pollIntervalMs: number;
  readonly maxPollBackoffMs: number;
}

/** What a GCP adapter is built from: the options resolved and checked once, by the composition root. */
export interface ResolvedGcpOptions {
  readonly settings: GcpSettings;
  readonly polling: PollingSettings;
  readonly clientOptions: GcpClientOptions | undefined;
  readonly callRetry: CallRetrySettings;
}

export const DEFAULT_POLL_INTERVAL_MS = 5_000;
export const DEFAULT_MAX_POLL_BACKOFF_MS = 60_000;
export const CONSOLE_BASE = 'https://console.cloud.google.com';

/** Validates the polling options at once (a bad value is a ValidationError naming it) and fills the defaults. */
export function resolvePolling(options: Pick<GcpBackendOptions, 'pollIntervalMs' | 'maxPollBackoffMs'>): PollingSettings {
  for (const field of ['pollIntervalMs', 'maxPollBackoffMs'] as const) {
    const value = options[field];
    if (value !== undefined && (typeof value !== 'number' || !(value > 0))) {
      throw new ValidationError(field, 'must be a positive number of milliseconds', value);
    }
  }
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  return { pollIntervalMs, maxPollBackoffMs: Math.max(pollIntervalMs, options.maxPollBackoffMs ?? DEFAULT_MAX_POLL_BACKOFF_MS) };
}

/**
 * Resolves a GCP backend's options once: settings (options, then SMARTJOB_* variables; a missing one is a
 * ConfigurationError naming it and its variable) and polling (a bad value is a ValidationError).
 */
export function resolveGcpOptions(backend: string, options: GcpBackendOptions, env: NodeJS.ProcessEnv = process.env): ResolvedGcpOptions {
  return {
    settings: resolveGcpSettings(backend, options, env),
    polling: resolvePolling(options),
    clientOptions: options.clientOptions,
    callRetry: resolveCallRetry(options.callRetry),
  };
}

/** Checks the values given, without requiring any (a cached service already has its settings). */
export function checkGcpOptions(options: GcpBackendOptions): void {
  resolvePolling(options);
  resolveCallRetry(options.callRetry);
  if (options.stagingBucket) parseStagingBucket(options.stagingBucket);
}
