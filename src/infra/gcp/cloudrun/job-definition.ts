import { createHash } from 'node:crypto';
import type { ResolvedExecutionConfig, SidecarContainer } from '../../../domain/execution-config.js';
import type { ArrayLaunch } from '../../../domain/ports/executor.port.js';
import type { GcpSettings } from '../shared/gcp-settings.js';

/** Everything that shapes the Cloud Run Job (its template); two launches with equal definitions share one Job. */
export interface JobDefinition {
  readonly namespace: string;
  readonly name: string;
  readonly image: string;
  readonly project: string;
  readonly region: string;
  readonly stagingBucket: string;
  readonly serviceAccount: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly cpu: number | undefined;
  readonly memoryGb: number | undefined;
  readonly vpcNetwork: string | undefined;
  readonly vpcSubnetwork: string | undefined;
  readonly sidecars: readonly SidecarContainer[];
  /** Task retries cannot be overridden per run, so they belong to the Job. */
  readonly maxRetries: number;
  /**
   * Set for a native array: its parallelism and the task wrapper (the container's command) cannot be
   * overridden per run either. Absent for a single execution, which keeps those Jobs' ids unchanged.
   */
  readonly array?: { readonly parallelism: number };
}

/**
 * Cloud Run names an execution `<job>-<5 characters>`; keeping the job id at 57 characters keeps that a
 * DNS label (≤ 63) too.
 */
export const MAX_JOB_ID_LENGTH = 57;
const HASH_LENGTH = 8;

export function jobDefinitionOf(
  job: { readonly namespace: string; readonly name: string; readonly image: string },
  settings: GcpSettings,
  config: ResolvedExecutionConfig,
  array?: ArrayLaunch,
): JobDefinition {
  return {
    namespace: job.namespace,
    name: job.name,
    image: job.image,
    project: settings.project,
    region: settings.region,
    stagingBucket: settings.stagingBucket.uri,
    serviceAccount: settings.serviceAccount,
    labels: { ...(config.labels ?? {}) },
    cpu: config.cpu,
    memoryGb: config.memoryGb,
    vpcNetwork: config.vpcConnectorNetwork,
    vpcSubnetwork: config.vpcConnectorSubnetwork,
    sidecars: config.sidecarsContainers ?? [],
    maxRetries: config.retry.maxAttemptsExecute - 1,
    array: array && { parallelism: array.parallelism },
  };
}

/** Short, stable hash of a definition: key order and undefined fields do not change it. */
export function definitionHash(definition: JobDefinition): string {
  return createHash('sha256').update(canonicalJson(definition)).digest('hex').slice(0, HASH_LENGTH);
}

/** `<namespace>-<name>-<hash>`, lowercase, ≤ 57 characters, starting with a letter (DNS label rules). */
export function jobIdOf(definition: JobDefinition): string {
  const hash = definitionHash(definition);
  let base = `${definition.namespace}-${definition.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  if (!/^[a-z]/.test(base)) base = `sj-${base}`;
  base = base.slice(0, MAX_JOB_ID_LENGTH - HASH_LENGTH - 1).replace(/-+$/, '');
  return `${base}-${hash}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
