import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { grpc } from 'google-gax';
import { fakeLabels, type BucketDirs } from '../shared/containers.js';
import { RpcError } from '../shared/faults.js';
import type { FakeSecretStore } from '../shared/secret-store.js';
import type { JobRecord, TaskRecord } from './batch-state.js';
import type { IRunnable, ITaskSpec } from './protos.js';

export const FAKE_BACKEND = 'cloudbatch';

/**
 * A `--volume` of a container runnable, resolved to a place in a bucket, or (`bucket` undefined) to a directory
 * of the VM the attempt runs on.
 */
interface VolumeBind {
  readonly bucket: string | undefined;
  /** Path inside the bucket ('' for its root), or on the VM. */
  readonly path: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/**
 * The bind mounts of a container runnable. Its `volumes` (`/mnt/disks/staging:/staging[:ro]`) name paths of
 * the VM: a path under a GCS volume's `mountPath` is served from the bucket's host directory; any other path is a
 * directory of the attempt's VM, shared by the runnables of that attempt (e.g. with sidecars). Without `volumes`,
 * every task volume is mounted at its own path (as Batch does).
 */
export function volumeBinds(taskSpec: ITaskSpec, runnable: IRunnable): VolumeBind[] {
  const volumes = taskSpec.volumes ?? [];
  const explicit = runnable.container?.volumes ?? [];
  const mappings = explicit.length > 0 ? explicit : volumes.map((v) => `${v.mountPath}:${v.mountPath}`);
  return mappings.map((mapping) => {
    const [hostPath = '', containerPath = '', options = ''] = mapping.split(':');
    if (!hostPath.startsWith('/') || !containerPath.startsWith('/')) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `container volume '${mapping}' must be HOST_PATH:CONTAINER_PATH[:ro|rw] with absolute paths`);
    }
    const under = (mountPath: string) => hostPath === mountPath || hostPath.startsWith(`${mountPath}/`);
    const volume = volumes.find((v) => v.gcs && under(trimSlash(v.mountPath)));
    if (!volume?.gcs?.remotePath) return { bucket: undefined, path: hostPath, containerPath, readOnly: options.split(',').includes('ro') };
    const [bucket = '', ...base] = volume.gcs.remotePath.split('/').filter(Boolean);
    const rest = hostPath.slice(trimSlash(volume.mountPath).length).replace(/^\/+/, '');
    const path = [...base, rest].filter(Boolean).join('/');
    return { bucket, path, containerPath, readOnly: options.split(',').includes('ro') };
  });
}

function trimSlash(path: string | null | undefined): string {
  return (path ?? '').replace(/\/+$/, '');
}

export interface RunnableContext {
  readonly record: JobRecord;
  readonly task: TaskRecord;
  readonly runnable: IRunnable;
  readonly attempt: number;
  readonly bucketDirs: BucketDirs;
  /** Host directory standing for the attempt's VM disk. */
  readonly vmDir: string;
  readonly instanceId: string;
  /** `none`, or `container:<id>` to share a background runnable's (equally isolated) network namespace. */
  readonly networkMode: string;
  /** The runnable's secret variables, already read from the fake's Secret Manager (secretValuesOf). */
  readonly secretValues: Readonly<Record<string, string>>;
}

/**
 * The `secret_variables` of the task spec, the task's environment and the runnable (later wins), read when the
 * runnable starts as Batch reads them; the first missing version instead.
 */
export function secretValuesOf(
  secrets: FakeSecretStore, record: JobRecord, task: TaskRecord, runnable: IRunnable,
): { values: Record<string, string> } | { missing: string } {
  const group = record.job.taskGroups![0]!;
  const refs = {
    ...group.taskSpec?.environment?.secretVariables,
    ...group.taskEnvironments?.[task.index]?.secretVariables,
    ...runnable.environment?.secretVariables,
  };
  const values: Record<string, string> = {};
  for (const [name, version] of Object.entries(refs)) {
    const read = secrets.read(version);
    if ('missing' in read) return read;
    values[name] = read.value;
  }
  return { values };
}

/** The container of one runnable of one task attempt: the image, its command, the merged environment, the binds. */
export function runnableContainerSpec(ctx: RunnableContext): Docker.ContainerCreateOptions {
  const group = ctx.record.job.taskGroups![0]!;
  const taskSpec = group.taskSpec!;
  const container = ctx.runnable.container!;
  const variables: Record<string, string> = {
    ...taskSpec.environments,
    ...taskSpec.environment?.variables,
    ...group.taskEnvironments?.[ctx.task.index]?.variables,
    ...ctx.runnable.environment?.variables,
    ...ctx.secretValues,
    BATCH_TASK_INDEX: String(ctx.task.index),
    BATCH_TASK_COUNT: String(ctx.record.tasks.length),
    BATCH_TASK_RETRY_ATTEMPT: String(ctx.attempt),
  };
  const binds = volumeBinds(taskSpec, ctx.runnable).map((bind) => {
    const hostDir = bind.bucket === undefined ? join(ctx.vmDir, bind.path) : join(ctx.bucketDirs(bind.bucket), bind.path);
    mkdirSync(hostDir, { recursive: true });
    return `${hostDir}:${bind.containerPath}${bind.readOnly ? ':ro' : ''}`;
  });
  return {
    Image: container.imageUri as string,
    Entrypoint: container.entrypoint ? [container.entrypoint] : undefined,
    Cmd: container.commands && container.commands.length > 0 ? [...container.commands] : undefined,
    Env: Object.entries(variables).map(([name, value]) => `${name}=${value}`),
    Labels: { ...fakeLabels(FAKE_BACKEND, ctx.instanceId, ctx.record.name), 'smartjob-fake.task': String(ctx.task.index) },
    HostConfig: { NetworkMode: ctx.networkMode, Binds: binds },
  };
}
