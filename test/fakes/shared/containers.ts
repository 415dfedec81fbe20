import type Docker from 'dockerode';

/** Every fake container carries `smartjob-fake=<backend>`, `smartjob-fake.instance=<id>` and `smartjob-fake.resource=<name>`. */
export const FAKE_LABEL = 'smartjob-fake';
const DOCKER_CALL_TIMEOUT_MS = 60_000;

/** Maps a bucket name to the host directory holding its objects (as files). */
export type BucketDirs = (bucket: string) => string;

/** Where a run keeps its containers, so a stop can kill the running one and a delete can remove them all. */
export interface ContainerOwner {
  readonly containers: Docker.Container[];
  /** The container running now, if any. */
  current?: Docker.Container;
  /** Set when the run is cancelled or deleted: the attempt then ends as 'stopped'. */
  stopRequested?: string;
}

export type AttemptOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'timedOut' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'error'; readonly message: string };

export interface AttemptOptions {
  /** The container is killed after this long; the attempt then ends as 'timedOut'. */
  readonly timeoutSeconds: number;
  /** Called once the container runs. */
  readonly onRunning?: () => void;
  /** Prefixes logged errors. */
  readonly label: string;
}

/** Labels that let a test list (and a leak check see) only the containers of one fake instance. */
export function fakeLabels(backend: string, instanceId: string, resource: string): Record<string, string> {
  return { [FAKE_LABEL]: backend, [`${FAKE_LABEL}.instance`]: instanceId, [`${FAKE_LABEL}.resource`]: resource };
}

/** The containers of one fake instance that still exist (running or not), of one resource when named. */
export function listFakeContainers(docker: Docker, backend: string, instanceId: string, resource?: string): Promise<Docker.ContainerInfo[]> {
  const label = [`${FAKE_LABEL}=${backend}`, `${FAKE_LABEL}.instance=${instanceId}`];
  if (resource) label.push(`${FAKE_LABEL}.resource=${resource}`);
  return docker.listContainers({ all: true, filters: { label } });
}

/**
 * Creates and starts a container owned by `owner`. A stuck daemon ends the call with an error (after a minute),
 * never leaves the caller pending forever.
 */
export async function startContainer(docker: Docker, owner: ContainerOwner, spec: Docker.ContainerCreateOptions): Promise<Docker.Container> {
  const container = await docker.createContainer({ ...spec, abortSignal: AbortSignal.timeout(DOCKER_CALL_TIMEOUT_MS) } as Docker.ContainerCreateOptions);
  owner.containers.push(container);
  await container.start({ abortSignal: AbortSignal.timeout(DOCKER_CALL_TIMEOUT_MS) });
  return container;
}

/** One container run to its end: exited with a code, killed at its deadline, stopped on request, or failed to run. */
export async function runAttempt(docker: Docker, owner: ContainerOwner, spec: Docker.ContainerCreateOptions, options: AttemptOptions): Promise<AttemptOutcome> {
  if (owner.stopRequested) return { kind: 'stopped' };
  let container: Docker.Container;
  try {
    container = await docker.createContainer({ ...spec, abortSignal: AbortSignal.timeout(DOCKER_CALL_TIMEOUT_MS) } as Docker.ContainerCreateOptions);
  } catch (error) {
    return { kind: 'error', message: `the task container could not be created: ${(error as Error).message}` };
  }
  owner.containers.push(container);
  owner.current = container;
  try {
    await container.start({ abortSignal: AbortSignal.timeout(DOCKER_CALL_TIMEOUT_MS) });
    // 'not-running' after start, not 'next-exit' before it: a busy daemon may handle the wait after a quick
    // exit, and 'next-exit' would then wait for an exit that never comes.
    const exited = container.wait({ condition: 'not-running' }) as Promise<{ StatusCode: number }>;
    exited.catch(() => undefined); // awaited below; this only covers the case where a failed kill skips that
    options.onRunning?.();
    if (owner.stopRequested) await killQuietly(container); // stopped while it was starting
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killQuietly(container).catch((error: unknown) => console.error(`${options.label}: cannot stop a container at its deadline`, error));
    }, options.timeoutSeconds * 1000);
    const { StatusCode } = await exited.finally(() => clearTimeout(timer));
    if (owner.stopRequested) return { kind: 'stopped' };
    return timedOut ? { kind: 'timedOut' } : { kind: 'exited', exitCode: StatusCode };
  } catch (error) {
    if (owner.stopRequested) return { kind: 'stopped' };
    return { kind: 'error', message: `the task container failed: ${(error as Error).message}` };
  } finally {
    owner.current = undefined;
  }
}

/** Marks the run stopped and kills its running container: the attempt in progress then ends as 'stopped'. */
export async function stopOwner(owner: ContainerOwner, reason: string): Promise<void> {
  owner.stopRequested ??= reason;
  if (owner.current) await killQuietly(owner.current);
}

/** Removes every container of the run (force: running ones too). */
export async function removeContainers(owner: ContainerOwner): Promise<void> {
  await Promise.all(owner.containers.map((container) => removeQuietly(container)));
  owner.containers.length = 0;
}

/** Kill, where "already stopped" (409) or "already gone" (404) is fine. */
export async function killQuietly(container: Docker.Container): Promise<void> {
  try {
    await container.kill();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== 409 && status !== 404 && status !== 304) throw error;
  }
}

/** Remove, where "already gone" (404) is fine. */
export async function removeQuietly(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error; // already gone is fine
  }
}
