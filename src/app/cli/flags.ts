/**
 * Every flag of the CLI, once: its type, where else its value may come from (a SMARTJOB_* variable, the config
 * file), its help line and the SDK field it fills (to name the flag in the SDK's validation errors).
 */
export type FlagType = 'string' | 'boolean' | 'number' | 'integer' | 'list' | 'map';

export interface FlagSpec {
  readonly name: string;
  readonly type: FlagType;
  readonly help: string;
  /** Placeholder in the help, e.g. IMAGE or K=V. */
  readonly value?: string;
  readonly short?: string;
  /** Its variable; false when none (the default is SMARTJOB_ + the name in upper snake case). */
  readonly env?: string | false;
  /** Allowed in the config file. @default true */
  readonly inFile?: boolean;
  /** The SDK field(s) it fills, e.g. 'executionConfig.cpu'; errors about them name this flag. */
  readonly field?: string;
  /** Its values are secrets (or name them): never quoted back in an error. */
  readonly secret?: boolean;
}

const f = (name: string, type: FlagType, help: string, extra: Omit<FlagSpec, 'name' | 'type' | 'help'> = {}): FlagSpec => ({ name, type, help, ...extra });

/** Flags every command takes: which backend, how to reach it, what to print. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  f('backend', 'string', 'docker, cloudrun, cloudbatch or vertex (default docker)', { value: 'NAME' }),
  f('config', 'string', 'config file (default ./smartjob.config.json when it exists)', { value: 'FILE', inFile: false }),
  f('json', 'boolean', 'print exactly one JSON document on stdout, for scripts'),
  f('quiet', 'boolean', 'no status line or progress on stderr', { short: 'q' }),
  f('debug', 'boolean', 'debug logs of the SDK and stack traces on errors', { env: false }),
  f('help', 'boolean', 'this help', { short: 'h', env: false, inFile: false }),
  f('version', 'boolean', 'the version of smartjob', { env: false, inFile: false }),
  f('project', 'string', 'GCP project (cloud backends)', { value: 'ID', field: 'project' }),
  f('region', 'string', 'GCP region, e.g. europe-west1 (cloud backends)', { value: 'REGION', field: 'region' }),
  f('staging-bucket', 'string', 'staging area gs://bucket[/prefix] (cloud backends)', { value: 'URI', field: 'stagingBucket' }),
  f('service-account', 'string', 'identity the job runs as (cloud backends)', { value: 'EMAIL', field: 'serviceAccount' }),
  f('docker-network', 'string', 'network of the job containers (docker)', { value: 'NETWORK' }),
  f('docker-staging-dir', 'string', 'host directory of the staging area (docker)', { value: 'DIR' }),
  f('api-endpoint', 'string', "the cloud backend's API endpoint; http://HOST:PORT: no TLS, no credentials (an emulator)", { value: 'URL' }),
  f('poll-interval', 'number', 'seconds between two status polls of the cloud backends (default 5)', { value: 'SECONDS' }),
  f('no-external-ip', 'boolean', 'job VMs without an external IP address (cloudbatch)'),
  f('gcs-endpoint', 'string', 'Cloud Storage endpoint, e.g. an emulator at http://HOST:PORT', { value: 'URL' }),
];

/** What to run: the job and the inputs of this execution. */
export const JOB_FLAGS: readonly FlagSpec[] = [
  f('image', 'string', 'container image (required)', { value: 'IMAGE', field: 'job.dockerImage' }),
  f('name', 'string', 'job name: 1-40 of a-z 0-9 - (required)', { value: 'NAME', field: 'job.name' }),
  f('namespace', 'string', "groups jobs (default 'default')", { value: 'NS', field: 'job.namespace' }),
  f('script', 'string', 'local Python script, staged and run as `python SCRIPT ARGS...`', { value: 'PATH', field: 'job.pythonScriptPath' }),
  f('env', 'map', 'environment variable of the job (repeatable); NAME alone copies it from here', { value: 'K=V', field: 'addEnvs' }),
  f('env-file', 'list', 'file of K=V lines for the job environment (repeatable)', { value: 'FILE' }),
  f('secret-env', 'map', 'like --env, but the value is masked everywhere and never recorded', { value: 'K=V', field: 'secretEnvs', secret: true }),
  f('secret-ref', 'map', 'env variable read from Secret Manager by the platform (cloudrun, cloudbatch)', { value: 'K=projects/P/secrets/S/versions/V', field: 'secretRefs', secret: true }),
  f('input', 'list', 'local file copied into the input directory as NAME (repeatable)', { value: 'NAME=PATH', field: 'inputs' }),
  f('gcs-input', 'list', 'Cloud Storage object copied into the input directory (repeatable)', { value: 'NAME=gs://…' }),
  f('json-input', 'list', 'JSON written into the input directory: NAME=@file or NAME=<json> (repeatable)', { value: 'NAME=@FILE' }),
];

/** How to run it: timeouts, attempts, resources and cloud settings of the execution. */
export const EXECUTION_FLAGS: readonly FlagSpec[] = [
  f('timeout', 'number', 'wall-clock limit of the job (default 3600)', { value: 'SECONDS', field: 'executionConfig.timeout.timeoutSeconds' }),
  f('schedule-timeout', 'number', 'limit of one scheduling attempt (default 120)', { value: 'SECONDS', field: 'executionConfig.timeout.timeoutSecondsSchedule' }),
  f('download-timeout', 'number', 'limit of reading the outputs back (default 600)', { value: 'SECONDS', field: 'executionConfig.timeout.timeoutSecondsDownload' }),
  f('max-attempts', 'integer', 'default of the three attempt limits below when they are not set', { value: 'N', field: 'executionConfig.retry.maxAttempts' }),
  f('attempts', 'integer', 'attempts of the job where the backend retries tasks (default 1)', { value: 'N', field: 'executionConfig.retry.maxAttemptsExecute' }),
  f('schedule-attempts', 'integer', 'attempts to schedule on transient errors (default 5)', { value: 'N', field: 'executionConfig.retry.maxAttemptsSchedule' }),
  f('download-attempts', 'integer', 'attempts to read the outputs back (default 3)', { value: 'N', field: 'executionConfig.retry.maxAttemptsDownload' }),
  f('cpu', 'number', 'CPU limit (docker, cloudrun, cloudbatch)', { value: 'N', field: 'executionConfig.cpu' }),
  f('memory', 'string', 'memory limit: 512m, 2g or a number of GB (docker, cloudrun, cloudbatch)', { value: 'SIZE', field: 'executionConfig.memoryGb' }),
  f('machine-type', 'string', 'machine type, e.g. n2-standard-4 (cloudbatch, vertex)', { value: 'TYPE', field: 'executionConfig.machineType' }),
  f('accelerator-type', 'string', 'GPU type, e.g. NVIDIA_TESLA_T4 (vertex)', { value: 'TYPE', field: 'executionConfig.acceleratorType' }),
  f('accelerator-count', 'integer', 'GPUs per machine (vertex)', { value: 'N', field: 'executionConfig.acceleratorCount' }),
  f('boot-disk-size', 'integer', 'boot disk in GB (cloudbatch, vertex)', { value: 'GB', field: 'executionConfig.bootDiskSizeGb' }),
  f('boot-disk-type', 'string', 'boot disk type: pd-ssd, pd-standard, hyperdisk-balanced (vertex)', { value: 'TYPE', field: 'executionConfig.bootDiskType' }),
  f('vpc-network', 'string', 'VPC network (cloudrun, cloudbatch, vertex)', { value: 'NETWORK', field: 'executionConfig.vpcConnectorNetwork' }),
  f('vpc-subnetwork', 'string', 'VPC subnetwork (cloudrun, cloudbatch)', { value: 'SUBNET', field: 'executionConfig.vpcConnectorSubnetwork' }),
  f('label', 'map', 'label of the execution (repeatable)', { value: 'K=V', field: 'executionConfig.labels' }),
  f('sidecar', 'list', 'container beside the job (repeatable; args and env: config file)', { value: 'NAME=IMAGE', field: 'executionConfig.sidecarsContainers' }),
  f('install-ops-agent', 'boolean', 'install the Ops agent on the VMs (cloudbatch)', { field: 'executionConfig.installOpsAgent' }),
];

export const FOLLOW = f('follow', 'boolean', "stream the job's logs while it runs", { short: 'f', env: false });
export const WAIT = f('wait', 'boolean', 'wait for the end, as run does (Ctrl-C then stops waiting only)', { env: false });
export const LIST_FLAGS: readonly FlagSpec[] = [
  f('namespace', 'string', 'only this namespace', { value: 'NS' }),
  f('name', 'string', 'only this job name', { value: 'NAME', env: false }),
  f('state', 'list', 'only this state (repeatable): PENDING RUNNING SUCCEEDED FAILED TIMED_OUT CANCELLED', { value: 'STATE', env: false }),
];
export const CLEANUP_FLAGS: readonly FlagSpec[] = [
  f('namespace', 'string', 'only this namespace', { value: 'NS' }),
  f('older-than', 'number', 'only executions that stopped at least this long ago (default 0)', { value: 'SECONDS', env: false }),
];

/** SMARTJOB_STAGING_BUCKET for staging-bucket. */
export function envName(spec: FlagSpec): string | undefined {
  if (spec.env === false) return undefined;
  return spec.env ?? `SMARTJOB_${spec.name.toUpperCase().replaceAll('-', '_')}`;
}

/** stagingBucket for staging-bucket: the key in the config file. */
export function fileKey(spec: FlagSpec): string {
  return spec.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
