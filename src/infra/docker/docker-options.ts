import { homedir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { ValidationError } from '../../domain/errors.js';
import type { LoggerPort } from '../../domain/ports/logger.port.js';
import type { PullPolicy } from './docker-image.js';

/** How the staging area reaches the container. */
export type DockerStaging =
  /** A host directory bind-mounted at /staging: no copy at all. Needs the daemon on this host. */
  | { readonly mode: 'bind'; readonly hostDir?: string }
  /** A named volume filled through the archive API: works with a daemon on another host. */
  | {
      readonly mode: 'volume';
      /** @default 'smartjob-staging' */
      readonly volumeName?: string;
      /** Image of the never-started container the archive API reaches the volume through. @default 'busybox:stable' */
      readonly helperImage?: string;
    };

export interface DockerBackendOptions {
  /** A configured client. @default new Docker() (honours DOCKER_HOST) */
  readonly docker?: Docker;
  /**
   * @default bind mode in `$SMARTJOB_DOCKER_STAGING_DIR`, else `$XDG_CACHE_HOME/smartjob/staging` (~/.cache/…);
   * volume mode `smartjob-staging` when DOCKER_HOST names a remote daemon (tcp:// or ssh:// not on loopback).
   */
  readonly staging?: DockerStaging;
  /** Network of the job containers. @default $SMARTJOB_DOCKER_NETWORK, else the daemon's default */
  readonly networkMode?: string;
  /** @default 'if-not-present' */
  readonly pullPolicy?: PullPolicy;
  /** Seconds between SIGTERM and SIGKILL when a container is stopped (timeout, cancel). @default 5 */
  readonly stopGraceSeconds?: number;
  /** Remove a container as soon as a wait (`run`, `attach`) sees it end, even when nobody reads its result. @default false */
  readonly removeOnFinish?: boolean;
  /**
   * How long a wait (`run`, `attach`) keeps trying a daemon that stopped answering (restarting) before it fails
   * with BackendUnavailableError; the execution is left as it is, for a later `attach`. @default 30
   */
  readonly reconnectSeconds?: number;
}

export const STAGING_MOUNT = '/staging';

const PULL_POLICIES: readonly PullPolicy[] = ['if-not-present', 'always', 'never'];

/** Checks the values given; a bad one is a ValidationError naming it (`docker.<option>`). */
export function checkDockerOptions(options: DockerBackendOptions): void {
  const { pullPolicy, stopGraceSeconds, removeOnFinish, staging, reconnectSeconds } = options;
  if (pullPolicy !== undefined && !PULL_POLICIES.includes(pullPolicy)) {
    throw new ValidationError('docker.pullPolicy', `must be one of ${PULL_POLICIES.map((p) => `'${p}'`).join(', ')}`, pullPolicy);
  }
  if (stopGraceSeconds !== undefined && !(typeof stopGraceSeconds === 'number' && stopGraceSeconds >= 0)) {
    throw new ValidationError('docker.stopGraceSeconds', 'must be a number >= 0', stopGraceSeconds);
  }
  if (reconnectSeconds !== undefined && !(typeof reconnectSeconds === 'number' && reconnectSeconds >= 0)) {
    throw new ValidationError('docker.reconnectSeconds', 'must be a number >= 0', reconnectSeconds);
  }
  if (removeOnFinish !== undefined && typeof removeOnFinish !== 'boolean') throw new ValidationError('docker.removeOnFinish', 'must be a boolean', removeOnFinish);
  if (staging !== undefined && staging.mode !== 'bind' && staging.mode !== 'volume') {
    throw new ValidationError('docker.staging.mode', "must be 'bind' or 'volume'", (staging as { mode?: unknown }).mode);
  }
}

export function defaultStaging(env: NodeJS.ProcessEnv = process.env): DockerStaging {
  if (isRemoteDaemon(env.DOCKER_HOST)) return { mode: 'volume', volumeName: 'smartjob-staging' };
  return { mode: 'bind', hostDir: defaultStagingDir(env) };
}

export function defaultStagingDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SMARTJOB_DOCKER_STAGING_DIR) return env.SMARTJOB_DOCKER_STAGING_DIR;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'smartjob', 'staging');
}

function isRemoteDaemon(dockerHost: string | undefined): boolean {
  if (!dockerHost || dockerHost.startsWith('unix://') || dockerHost.startsWith('npipe://')) return false;
  try {
    const { hostname } = new URL(dockerHost);
    return !['localhost', '127.0.0.1', '[::1]', '::1'].includes(hostname);
  } catch {
    return false; // not a URL: dockerode will report it when it connects
  }
}

/** Where the staging area comes from, once resolved. */
export type ResolvedDockerStaging =
  | { readonly mode: 'bind'; readonly hostDir: string }
  | { readonly mode: 'volume'; readonly volumeName: string; readonly helperImage: string };

export interface DockerExecutorSettings {
  readonly docker: Docker;
  readonly staging: ResolvedDockerStaging;
  readonly networkMode: string | undefined;
  readonly pullPolicy: PullPolicy;
  readonly stopGraceSeconds: number;
  readonly removeOnFinish: boolean;
  readonly reconnectSeconds: number;
  /** Where a deadline that could not be enforced in the background (a forgotten execution) is reported. */
  readonly logger?: LoggerPort;
}
