import { ValidationError } from './errors.js';
import { optionalPositiveInteger, optionalPositiveNumber, optionalString } from './validation.js';

/** How many times each phase may be attempted. */
export interface RetryConfig {
  /** Default for the three limits below when they are not set. @default undefined */
  readonly maxAttempts?: number;
  /** Attempts to schedule (transient backend errors only; never starts the same execution twice). @default 5 */
  readonly maxAttemptsSchedule?: number;
  /** Attempts of the job itself, where the backend retries tasks (Cloud Run, Batch). @default 1 */
  readonly maxAttemptsExecute?: number;
  /** Attempts to read back outputs. @default 3 */
  readonly maxAttemptsDownload?: number;
}

export interface TimeoutConfig {
  /** Wall-clock limit of the job; enforced on every backend. @default 3600 */
  readonly timeoutSeconds?: number;
  /** Limit of one scheduling attempt. @default 120 */
  readonly timeoutSecondsSchedule?: number;
  /** Limit of one output download. @default 600 */
  readonly timeoutSecondsDownload?: number;
}

/**
 * Where jobs run on Google Cloud (Cloud Run, Batch, Vertex). Declared once: set on the service (else the
 * SMARTJOB_* variables), and per execution to override the service's project, region or service account.
 */
export interface GcpPlacement {
  /** GCP project. @default $SMARTJOB_PROJECT */
  readonly project?: string;
  /** GCP region of the jobs. @default $SMARTJOB_REGION */
  readonly region?: string;
  /** `gs://bucket[/prefix]`, the staging area mounted in every job (per execution: only the service's own). @default $SMARTJOB_STAGING_BUCKET */
  readonly stagingBucket?: string;
  /** Identity the jobs run as. @default $SMARTJOB_SERVICE_ACCOUNT, else the project's default compute account */
  readonly serviceAccount?: string;
}

/** Per-execution settings. Settings a backend cannot honour are warned about, not silently used. */
export interface ExecutionConfig extends GcpPlacement {
  readonly retry?: RetryConfig;
  readonly timeout?: TimeoutConfig;
  /** CPU count limit (Docker, Cloud Run). */
  readonly cpu?: number;
  /** Memory limit in GB (Docker, Cloud Run). */
  readonly memoryGb?: number;
  /** Compute machine type (Batch, Vertex), e.g. `n2-standard-4`. */
  readonly machineType?: string;
  readonly acceleratorType?: string;
  readonly acceleratorCount?: number;
  readonly bootDiskSizeGb?: number;
  /** Boot disk type (Vertex), e.g. `pd-ssd`, `pd-standard`. */
  readonly bootDiskType?: string;
  readonly vpcConnectorNetwork?: string;
  readonly vpcConnectorSubnetwork?: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Extra containers running beside the job (Cloud Run, Batch). */
  readonly sidecarsContainers?: readonly SidecarContainer[];
  /** Install the Ops agent on Batch VMs. */
  readonly installOpsAgent?: boolean;
}

export interface SidecarContainer {
  readonly name: string;
  readonly dockerImage: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface ResolvedRetry {
  readonly maxAttemptsSchedule: number;
  readonly maxAttemptsExecute: number;
  readonly maxAttemptsDownload: number;
}
export interface ResolvedTimeout {
  readonly timeoutSeconds: number;
  readonly timeoutSecondsSchedule: number;
  readonly timeoutSecondsDownload: number;
}
export interface ResolvedExecutionConfig extends Omit<ExecutionConfig, 'retry' | 'timeout'> {
  readonly retry: ResolvedRetry;
  readonly timeout: ResolvedTimeout;
}

const LABEL_RULE = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE_RULE = /^[a-z0-9_-]{0,63}$/;

/** Names of the optional settings: each backend declares those it honours, and is warned about the others. */
export const OPTIONAL_SETTINGS = [
  'project', 'region', 'stagingBucket', 'serviceAccount', 'cpu', 'memoryGb', 'machineType',
  'acceleratorType', 'acceleratorCount', 'bootDiskSizeGb', 'bootDiskType', 'vpcConnectorNetwork',
  'vpcConnectorSubnetwork', 'labels', 'sidecarsContainers', 'installOpsAgent',
] as const;
export type OptionalSetting = (typeof OPTIONAL_SETTINGS)[number];
/** What a backend declares it honours: the optional settings, and re-running a failed job (`retry.maxAttemptsExecute` > 1). */
export type BackendSetting = OptionalSetting | 'retry.maxAttemptsExecute';

export const RETRY_KEYS: readonly (keyof RetryConfig)[] = ['maxAttempts', 'maxAttemptsSchedule', 'maxAttemptsExecute', 'maxAttemptsDownload'];
export const TIMEOUT_KEYS: readonly (keyof TimeoutConfig)[] = ['timeoutSeconds', 'timeoutSecondsSchedule', 'timeoutSecondsDownload'];
const TOP_KEYS: readonly string[] = ['retry', 'timeout', ...OPTIONAL_SETTINGS];

/** The settings `config` sets that a backend honouring only `supported` ignores, as the service's warning lists them. */
export function ignoredSettings(config: ResolvedExecutionConfig, supported: readonly BackendSetting[]): string[] {
  const ignored: string[] = OPTIONAL_SETTINGS.filter((setting) => config[setting] !== undefined && !supported.includes(setting));
  if (config.retry.maxAttemptsExecute > 1 && !supported.includes('retry.maxAttemptsExecute')) {
    ignored.push('retry.maxAttemptsExecute (this backend never re-runs a job)');
  }
  return ignored;
}

export function resolveExecutionConfig(config: unknown, field = 'executionConfig'): ResolvedExecutionConfig {
  if (config === undefined) config = {};
  if (typeof config !== 'object' || config === null) throw new ValidationError(field, 'must be an object', config);
  const c = config as ExecutionConfig;
  refuseUnknownKeys(field, c, TOP_KEYS);
  const retry = objectAt(`${field}.retry`, c.retry);
  const timeout = objectAt(`${field}.timeout`, c.timeout);
  refuseUnknownKeys(`${field}.retry`, retry, RETRY_KEYS);
  refuseUnknownKeys(`${field}.timeout`, timeout, TIMEOUT_KEYS);
  const base = optionalPositiveInteger(`${field}.retry.maxAttempts`, retry.maxAttempts);
  const num = (name: keyof TimeoutConfig) => optionalPositiveNumber(`${field}.timeout.${name}`, timeout[name]);
  const int = (name: keyof RetryConfig) => optionalPositiveInteger(`${field}.retry.${name}`, retry[name]);
  validateGcpFields(field, c);
  return {
    ...c,
    retry: {
      maxAttemptsSchedule: int('maxAttemptsSchedule') ?? base ?? 5,
      maxAttemptsExecute: int('maxAttemptsExecute') ?? base ?? 1,
      maxAttemptsDownload: int('maxAttemptsDownload') ?? base ?? 3,
    },
    timeout: {
      timeoutSeconds: num('timeoutSeconds') ?? 3600,
      timeoutSecondsSchedule: num('timeoutSecondsSchedule') ?? 120,
      timeoutSecondsDownload: num('timeoutSecondsDownload') ?? 600,
    },
  };
}

function objectAt<T extends object>(field: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ValidationError(field, 'must be an object', value);
  return value;
}

/** An unknown key is a mistake, not something to ignore: name it, and where it belongs when it is a known key elsewhere. */
function refuseUnknownKeys(field: string, value: object, known: readonly string[]): void {
  const root = field.replace(/\.(retry|timeout)$/, '');
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined || known.includes(key)) continue;
    const place = (RETRY_KEYS as readonly string[]).includes(key) ? `${root}.retry.${key}`
      : (TIMEOUT_KEYS as readonly string[]).includes(key) ? `${root}.timeout.${key}`
        : TOP_KEYS.includes(key) ? `${root}.${key}` : undefined;
    throw new ValidationError(`${field}.${key}`, `is an unknown setting${place ? `; did you mean \`${place}\`?` : ''}`);
  }
}

function validateGcpFields(field: string, c: ExecutionConfig): void {
  optionalString(`${field}.project`, c.project, /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id');
  optionalString(`${field}.region`, c.region, /^[a-z]+-[a-z]+[0-9]$/, 'must be a GCP region like europe-west1');
  optionalString(`${field}.stagingBucket`, c.stagingBucket, /^gs:\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/.*)?$/, 'must look like gs://bucket[/prefix]');
  optionalString(`${field}.serviceAccount`, c.serviceAccount, /^[^@\s]+@[^@\s]+$/, 'must be a service account e-mail');
  optionalPositiveNumber(`${field}.cpu`, c.cpu);
  optionalPositiveNumber(`${field}.memoryGb`, c.memoryGb);
  optionalString(`${field}.machineType`, c.machineType);
  optionalString(`${field}.acceleratorType`, c.acceleratorType);
  optionalPositiveInteger(`${field}.acceleratorCount`, c.acceleratorCount);
  optionalPositiveInteger(`${field}.bootDiskSizeGb`, c.bootDiskSizeGb);
  optionalString(`${field}.bootDiskType`, c.bootDiskType);
  optionalString(`${field}.vpcConnectorNetwork`, c.vpcConnectorNetwork);
  optionalString(`${field}.vpcConnectorSubnetwork`, c.vpcConnectorSubnetwork);
  if (c.installOpsAgent !== undefined && typeof c.installOpsAgent !== 'boolean') {
    throw new ValidationError(`${field}.installOpsAgent`, 'must be a boolean', c.installOpsAgent);
  }
  for (const [key, value] of Object.entries(c.labels ?? {})) {
    if (!LABEL_RULE.test(key)) throw new ValidationError(`${field}.labels.${key}`, 'key must match [a-z][a-z0-9_-]{0,62}');
    if (typeof value !== 'string' || !LABEL_VALUE_RULE.test(value)) {
      throw new ValidationError(`${field}.labels.${key}`, 'value must match [a-z0-9_-]{0,63}', value);
    }
  }
  (c.sidecarsContainers ?? []).forEach((s, i) => {
    if (typeof s?.name !== 'string' || !/^[a-z0-9-]{1,40}$/.test(s.name)) {
      throw new ValidationError(`${field}.sidecarsContainers[${i}].name`, 'must match [a-z0-9-]{1,40}', s?.name);
    }
    if (typeof s.dockerImage !== 'string' || s.dockerImage === '') {
      throw new ValidationError(`${field}.sidecarsContainers[${i}].dockerImage`, 'must be an image reference', s.dockerImage);
    }
  });
}
