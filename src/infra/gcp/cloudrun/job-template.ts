import type { StagingBucket } from '../gcp-settings.js';
import type { RunContainer, RunJob, RunTaskTemplate } from './cloudrun-clients.js';
import { MAIN_CONTAINER, SHARED_MOUNT, STAGING_MOUNT } from './cloudrun-options.js';
import type { JobDefinition } from './job-definition.js';

export const LABELS = {
  smartjob: 'smartjob',
  namespace: 'smartjob-namespace',
  name: 'smartjob-name',
} as const;

const STAGING_VOLUME = 'staging';
const SHARED_VOLUME = 'shared';

/** Labels of the Job and of its executions: ours cannot be overridden by the user's; values lowercase. */
export function jobLabels(definition: JobDefinition): Record<string, string> {
  const user = Object.fromEntries(Object.entries(definition.labels).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()]));
  return { ...user, [LABELS.smartjob]: 'true', [LABELS.namespace]: definition.namespace, [LABELS.name]: definition.name };
}

/**
 * The Cloud Run Job of a definition: one task, the staging bucket mounted at /staging, explicit task retries
 * (unset means 3 on Cloud Run), and sidecars sharing an in-memory volume with the job. Args, env and the
 * timeout of each run come from RunJob overrides.
 */
export function buildJob(definition: JobDefinition, stagingBucket: StagingBucket, initialTimeoutSeconds: number): RunJob {
  const labels = jobLabels(definition);
  const hasSidecars = definition.sidecars.length > 0;
  const mounts = [{ name: STAGING_VOLUME, mountPath: STAGING_MOUNT }, ...(hasSidecars ? [{ name: SHARED_VOLUME, mountPath: SHARED_MOUNT }] : [])];
  const main: RunContainer = { name: MAIN_CONTAINER, image: definition.image, volumeMounts: mounts, resources: resourcesOf(definition) };
  const sidecars: RunContainer[] = definition.sidecars.map((s) => ({
    name: s.name,
    image: s.dockerImage,
    args: [...(s.args ?? [])],
    env: Object.entries(s.env ?? {}).map(([name, value]) => ({ name, value })),
    volumeMounts: mounts,
  }));
  const template: RunTaskTemplate = {
    containers: [main, ...sidecars],
    volumes: [
      { name: STAGING_VOLUME, gcs: { bucket: stagingBucket.bucket, readOnly: false, mountOptions: stagingBucket.prefix ? [`only-dir=${stagingBucket.prefix}`] : [] } },
      ...(hasSidecars ? [{ name: SHARED_VOLUME, emptyDir: { medium: 'MEMORY' as const } }] : []),
    ],
    maxRetries: definition.maxRetries,
    timeout: durationOf(initialTimeoutSeconds),
    serviceAccount: definition.serviceAccount,
    vpcAccess: vpcAccessOf(definition),
  };
  return { labels, client: 'smartjob', template: { labels, taskCount: 1, parallelism: 1, template } };
}

/** Whole seconds: Cloud Run rejects fractional task timeouts. */
export function durationOf(seconds: number): { seconds: number } {
  return { seconds: Math.max(1, Math.ceil(seconds)) };
}

function resourcesOf(definition: JobDefinition): RunContainer['resources'] {
  const limits: Record<string, string> = {};
  if (definition.cpu !== undefined) limits.cpu = String(definition.cpu);
  if (definition.memoryGb !== undefined) limits.memory = `${Math.ceil(definition.memoryGb * 1024)}Mi`;
  return Object.keys(limits).length > 0 ? { limits } : undefined;
}

/** Direct VPC egress through the given network/subnetwork (Cloud Run looks up the one not given). */
function vpcAccessOf(definition: JobDefinition): RunTaskTemplate['vpcAccess'] {
  if (!definition.vpcNetwork && !definition.vpcSubnetwork) return undefined;
  return {
    networkInterfaces: [{ network: definition.vpcNetwork, subnetwork: definition.vpcSubnetwork }],
    egress: 'PRIVATE_RANGES_ONLY',
  };
}
