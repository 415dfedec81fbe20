import type Docker from 'dockerode';
import { ImageUnavailableError } from '../../domain/errors.js';
import { statusCodeOf } from './docker-errors.js';

export type PullPolicy = 'if-not-present' | 'always' | 'never';

/** Makes sure `image` is present, pulling it per the policy; a failed pull names the image. */
export async function ensureImage(docker: Docker, image: string, policy: PullPolicy, signal?: AbortSignal): Promise<void> {
  if (policy !== 'always' && (await isPresent(docker, image))) return;
  if (policy === 'never') throw new ImageUnavailableError(image, { cause: new Error('pull policy is "never"') });
  try {
    const stream = await docker.pull(image, { abortSignal: signal });
    await new Promise<void>((resolve, reject) => {
      // The pull reports its errors in the progress stream, not as an HTTP status.
      docker.modem.followProgress(stream, (err: Error | null, events: Array<{ error?: string }>) => {
        const failed = err ?? events.find((e) => e.error);
        if (failed) reject(err ?? new Error(String((failed as { error?: string }).error)));
        else resolve();
      });
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ImageUnavailableError(image, { cause: error });
  }
}

async function isPresent(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusCodeOf(error) === 404) return false;
    throw error;
  }
}
