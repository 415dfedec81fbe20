import type Dockerode from 'dockerode';
import { StorageError } from '../../domain/errors.js';
import { demuxLines } from './docker-logs.js';
import { STAGING_MOUNT } from './docker-options.js';
import { translateCreateError, translateVolumeError } from './docker-volume-errors.js';


export interface HelperSettings {
  readonly docker: Dockerode;
  readonly volumeName: string;
  readonly helperImage: string;
}

export function helperLabels(volumeName: string): Record<string, string> {
  return { smartjob: 'true', 'smartjob.role': 'staging-helper', 'smartjob.volume': volumeName };
}

/** Creates the volume when missing (the daemon answers with the existing one otherwise). */
export async function ensureVolume({ docker, volumeName }: HelperSettings): Promise<void> {
  try {
    await docker.createVolume({ Name: volumeName, Labels: { smartjob: 'true' } });
  } catch (error) {
    throw translateVolumeError(error, `create volume ${volumeName}`);
  }
}

/**
 * A container with the volume mounted, created but never started: the archive API reads and writes its
 * mounts as they are, with no process running and no network.
 */
export async function createHelper(settings: HelperSettings, cmd: string[] = ['true']): Promise<Dockerode.Container> {
  const { docker, volumeName, helperImage } = settings;
  try {
    return await docker.createContainer({
      Image: helperImage,
      Cmd: cmd,
      Labels: helperLabels(volumeName),
      NetworkDisabled: true,
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volumeName, Target: STAGING_MOUNT }] },
    });
  } catch (error) {
    throw translateCreateError(error, helperImage, `create a staging helper container for volume ${volumeName}`);
  }
}

/**
 * Removes one path of the volume, then the directories this leaves empty up to /staging, in a short-lived
 * container (the helper image needs sh, rm, dirname and rmdir, as busybox has).
 */
export async function removeInVolume(settings: HelperSettings, path: string): Promise<void> {
  const script = `rm -rf -- "${STAGING_MOUNT}/$1" || exit 1; parent=$(dirname -- "$1"); [ "$parent" = . ] || (cd ${STAGING_MOUNT} && rmdir -p -- "$parent" 2>/dev/null); exit 0`;
  await runInVolume(settings, ['sh', '-c', script, 'sh', path], `remove docker-volume://${settings.volumeName}/${path}`);
}

/**
 * Runs `cmd` in a short-lived container with the volume at /staging; each line it prints on stdout goes to
 * `onLine`. Fails when it exits non-zero; removes the container whatever happens.
 */
export async function runInVolume(settings: HelperSettings, cmd: string[], action: string, onLine?: (line: string) => void): Promise<void> {
  const container = await createHelper(settings, cmd);
  let failure: unknown;
  try {
    await container.start();
    if (onLine) {
      const output = (await container.logs({ follow: true, stdout: true, stderr: false })) as unknown as AsyncIterable<Uint8Array>;
      for await (const { line } of demuxLines(output)) onLine(line);
    }
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) throw new StorageError(`cannot ${action}: ${cmd[0]} exited with ${StatusCode}`);
  } catch (error) {
    failure = translateVolumeError(error, action);
    throw failure;
  } finally {
    await container.remove({ force: true }).catch((error: unknown) => {
      if (failure === undefined) throw translateVolumeError(error, `remove helper container ${container.id}`);
      // else: the first failure is the one worth reporting
    });
  }
}

/** dockerode sends unknown options as query parameters: add the signal only when there is one. */
export function withSignal(signal: AbortSignal | undefined): { abortSignal?: AbortSignal } {
  return signal ? { abortSignal: signal } : {};
}
