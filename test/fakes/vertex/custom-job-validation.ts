import { randomInt } from 'node:crypto';
import { grpc } from 'google-gax';
import { RpcError } from '../shared/faults.js';
import { durationSeconds, timestamp } from '../shared/protos.js';
import { checkLabels, requireLocation } from '../shared/resources.js';
import type { ICreateCustomJobRequest, ICustomJob, IWorkerPoolSpec } from './protos.js';
import type { CustomJobRecord, VertexState } from './vertex-state.js';

/** DiskSpec.boot_disk_type values (machine_resources.proto). */
const BOOT_DISK_TYPES = ['pd-ssd', 'pd-standard', 'hyperdisk-balanced'];
/** EnvVar.name "must be a valid C identifier" (env_var.proto). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** CustomJobSpec.network: `projects/{project number}/global/networks/{network}` (custom_job.proto). */
const NETWORK = /^projects\/[^/]+\/global\/networks\/[^/]+$/;

const invalid = (message: string) => new RpcError(grpc.status.INVALID_ARGUMENT, message);
const unsupported = (message: string) => new RpcError(grpc.status.UNIMPLEMENTED, `the fake does not support ${message}`);

/** The record of a CustomJob that CreateCustomJob accepts: a numeric id assigned here, the request's fields kept as sent. */
export function newCustomJobRecord(request: ICreateCustomJobRequest, state: VertexState): CustomJobRecord {
  const parent = state.canonical(requireLocation(request.parent));
  const job: ICustomJob = structuredClone(request.customJob ?? {});
  checkCustomJob(job);
  let id: string;
  do id = `${randomInt(1, 10)}${String(randomInt(0, 1e9)).padStart(9, '0')}${String(randomInt(0, 1e9)).padStart(9, '0')}`;
  while (state.jobs.has(`${parent}/customJobs/${id}`));
  const name = `${parent}/customJobs/${id}`;
  const now = timestamp(new Date());
  // Output-only fields of the request are ignored, as the API ignores them.
  for (const outputOnly of ['startTime', 'endTime', 'error', 'webAccessUris', 'satisfiesPzs', 'satisfiesPzi'] as const) delete job[outputOnly];
  Object.assign(job, { name, state: 'JOB_STATE_QUEUED', createTime: now, updateTime: now });
  return { name, id, job, states: ['JOB_STATE_QUEUED'], containers: [], runnerErrors: [] };
}

function checkCustomJob(job: ICustomJob): void {
  if (!job.displayName) throw invalid('custom_job.display_name is required');
  if ([...job.displayName].length > 128) throw invalid(`custom_job.display_name can be up to 128 characters long, got ${[...job.displayName].length}`);
  checkLabels(job.labels ?? {}, 'custom_job.labels');
  const spec = job.jobSpec;
  const pools = spec?.workerPoolSpecs ?? [];
  if (pools.length === 0) throw invalid('custom_job.job_spec.worker_pool_specs must not be empty');
  if (pools.length > 1) throw unsupported(`more than one worker pool (got ${pools.length}): it runs workerpool0-0 only`);
  checkWorkerPool(pools[0]!, spec?.persistentResourceId);
  if ((durationSeconds(spec?.scheduling?.timeout) ?? 0) < 0) throw invalid('scheduling.timeout must not be negative');
  if (spec?.network && !NETWORK.test(spec.network)) throw invalid(`job_spec.network must be projects/{project}/global/networks/{network}, got '${spec.network}'`);
}

function checkWorkerPool(pool: IWorkerPoolSpec, persistentResourceId: string | null | undefined): void {
  if (pool.pythonPackageSpec) throw unsupported('python_package_spec worker pools (container_spec only)');
  const container = pool.containerSpec;
  if (!container?.imageUri) throw invalid('worker_pool_specs[0].container_spec.image_uri is required');
  if (Number(pool.replicaCount ?? 0) !== 1) throw invalid(`worker_pool_specs[0].replica_count must be 1 (the chief), got ${pool.replicaCount ?? 0}`);
  const machine = pool.machineSpec;
  if (!machine?.machineType && !persistentResourceId) throw invalid('worker_pool_specs[0].machine_spec.machine_type is required');
  const accelerated = machine?.acceleratorType && machine.acceleratorType !== 'ACCELERATOR_TYPE_UNSPECIFIED';
  const count = machine?.acceleratorCount ?? 0;
  if (accelerated && count <= 0) throw invalid(`machine_spec.accelerator_count must be positive with accelerator_type ${machine?.acceleratorType}`);
  if (!accelerated && count > 0) throw invalid('machine_spec.accelerator_count needs an accelerator_type');
  const disk = pool.diskSpec;
  if (disk?.bootDiskType && !BOOT_DISK_TYPES.includes(disk.bootDiskType)) {
    throw invalid(`disk_spec.boot_disk_type must be one of ${BOOT_DISK_TYPES.join(', ')}, got '${disk.bootDiskType}'`);
  }
  if ((disk?.bootDiskSizeGb ?? 0) < 0) throw invalid('disk_spec.boot_disk_size_gb must not be negative');
  for (const env of container.env ?? []) {
    if (!ENV_NAME.test(env.name ?? '')) throw invalid(`container_spec.env name '${env.name ?? ''}' must be a valid C identifier`);
  }
  if ((pool.nfsMounts?.length ?? 0) > 0 || (pool.lustreMounts?.length ?? 0) > 0) throw unsupported('NFS or Lustre mounts');
}
