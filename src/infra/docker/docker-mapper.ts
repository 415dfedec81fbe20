import type Docker from 'dockerode';
import type { ExecutionState } from '../../domain/execution.js';
import type { LaunchSpec } from '../../domain/ports/executor.port.js';
import type { ExecutionStatus } from '../../domain/result.js';
import { parseRecord, RECORD_KEYS, recordOf } from '../shared/execution-record.js';
import { STAGING_MOUNT, type DockerExecutorSettings } from './docker-options.js';
import { secretNamesLabel } from './docker-secrets.js';

/**
 * Docker's messages, pure: a launch → its container's create options, an inspected container → its status.
 * No daemon, no I/O: unit-tested on their own (test/unit/docker/).
 */

/**
 * Why a container was stopped by the SDK, recorded by renaming it (labels are immutable), so any
 * process that later inspects it tells a cancellation or a timeout from the job's own failure.
 */
export const STOP_MARKER = { cancelled: '--cancelled', timedOut: '--timed-out' } as const;
export type StopReason = keyof typeof STOP_MARKER;

export function stopReasonOf(containerName: string): StopReason | undefined {
  if (containerName.endsWith(STOP_MARKER.cancelled)) return 'cancelled';
  if (containerName.endsWith(STOP_MARKER.timedOut)) return 'timedOut';
  return undefined;
}

export function containerName(spec: Pick<LaunchSpec, 'jobNamespace' | 'jobName' | 'executionId'>): string {
  return `smartjob-${spec.jobNamespace}-${spec.jobName}-${spec.executionId}`;
}

/** The container of one execution: the staging area at /staging, the execution record and the user's labels, the limits asked for. */
export function containerSpec(spec: LaunchSpec, settings: Pick<DockerExecutorSettings, 'staging' | 'networkMode'>): Docker.ContainerCreateOptions {
  const { staging } = settings;
  const { cpu, memoryGb } = spec.config;
  return {
    name: containerName(spec),
    Image: spec.image,
    Cmd: spec.args.length > 0 ? [...spec.args] : undefined,
    Env: [...Object.entries(spec.env), ...Object.entries(spec.secretEnvs)].map(([key, value]) => `${key}=${value}`), // secrets: env only, never labels
    Labels: labelsFor(spec),
    HostConfig: {
      Init: true, // signals reach the job even when it does not handle them as PID 1
      NetworkMode: settings.networkMode,
      Binds: staging.mode === 'bind' ? [`${staging.hostDir}:${STAGING_MOUNT}`] : undefined,
      Mounts: staging.mode === 'volume' ? [{ Type: 'volume', Source: staging.volumeName, Target: STAGING_MOUNT }] : undefined,
      Memory: memoryGb ? Math.round(memoryGb * 1024 ** 3) : undefined,
      MemorySwap: memoryGb ? Math.round(memoryGb * 1024 ** 3) : undefined, // no swap: the limit is the limit
      NanoCpus: cpu ? Math.round(cpu * 1e9) : undefined,
    },
  };
}

/** The record (the only one there is: no local database) and the user's labels, namespaced so they never overwrite it. */
export function labelsFor(spec: LaunchSpec): Record<string, string> {
  const user = Object.entries(spec.config.labels ?? {}).map(([k, v]) => [`smartjob.user.${k}`, v]);
  return { ...Object.fromEntries(user), ...secretNamesLabel(spec), ...recordOf(spec) };
}

/** The command a person can paste to see the logs. */
export function logCommand(executionId: string): string {
  return `docker logs $(docker ps -aq --filter label=${RECORD_KEYS.executionId}=${executionId})`;
}

/** Undefined for a container without a complete smartjob record (not ours, or damaged). */
export function statusFromInspect(info: Docker.ContainerInspectInfo): ExecutionStatus | undefined {
  const record = parseRecord(info.Config.Labels);
  if (!record) return undefined;
  const { state, exitCode, message } = stateOf(info, record.timeoutSeconds);
  const started = dockerDate(info.State.StartedAt);
  const finished = state === 'PENDING' || state === 'RUNNING' ? undefined : dockerDate(info.State.FinishedAt);
  return {
    ...record,
    state,
    started,
    // Docker records StartedAt after the start call returns: a very short job can "finish" before it.
    stopped: finished && started && finished < started ? started : finished,
    exitCode,
    message,
    logUrl: logCommand(record.executionId),
  };
}

function stateOf(info: Docker.ContainerInspectInfo, timeoutSeconds: number): { state: ExecutionState; exitCode?: number; message?: string } {
  const reason = stopReasonOf(info.Name);
  const { Status, ExitCode, OOMKilled } = info.State;
  if (Status === 'created') {
    if (reason === 'cancelled') return { state: 'CANCELLED', message: 'cancelled before it started' };
    if (reason === 'timedOut') return { state: 'TIMED_OUT', message: `never started within the timeout of ${timeoutSeconds}s` };
    return { state: 'PENDING' };
  }
  if (Status === 'running' || Status === 'paused' || Status === 'restarting') return { state: 'RUNNING' };
  if (reason === 'timedOut') return { state: 'TIMED_OUT', exitCode: ExitCode, message: `timeout of ${timeoutSeconds}s reached: the container was stopped` };
  if (reason === 'cancelled') return { state: 'CANCELLED', exitCode: ExitCode, message: 'cancelled: the container was stopped' };
  if (OOMKilled) return { state: 'FAILED', exitCode: ExitCode, message: 'the container ran out of memory and was killed (OOM)' };
  if (ExitCode === 0) return { state: 'SUCCEEDED', exitCode: 0 };
  const signal = SIGNALS[ExitCode - 128];
  if (signal) return { state: 'FAILED', exitCode: ExitCode, message: `the job was ${signal} (exit code ${ExitCode}) from outside smartjob; not out of memory` };
  return { state: 'FAILED', exitCode: ExitCode, message: `the job exited with code ${ExitCode}${info.State.Error ? `: ${info.State.Error}` : ''}` };
}

/**
 * Exit codes 128+N: the job's process died of signal N, sent by someone other than smartjob (a stop or timeout
 * by smartjob renames the container first, and an OOM kill sets OOMKilled).
 */
const SIGNALS: Readonly<Record<number, string>> = {
  2: 'interrupted by SIGINT',
  9: 'killed by SIGKILL (e.g. `docker kill`)',
  15: 'stopped by SIGTERM (e.g. `docker stop`, or the daemon shutting down)',
};

/** Docker writes '0001-01-01T00:00:00Z' for "never". */
function dockerDate(value: string | undefined): Date | undefined {
  if (!value || value.startsWith('0001-')) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
