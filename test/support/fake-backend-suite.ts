import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type Docker from 'dockerode';
import type { BucketDirs } from '../fakes/shared/containers.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';
import { requireDocker } from './docker.js';
import { fakeGrpcClientOptions } from './fake-grpc-client.js';

interface Fake {
  readonly port: number;
  containers(): Promise<readonly unknown[]>;
  close(): Promise<void>;
}

/** Filled in before the suite's tests run. */
export interface FakeSuite<F, C> {
  fake: F;
  gcs: GcsFake;
  client: C;
}

/**
 * Before the suite: the GCS fake, a backend fake whose jobs mount its bucket directories, and an official
 * client on the backend fake. After it: all closed, and no container of that fake left.
 */
export function useFakeBackend<F extends Fake, C extends { close(): Promise<unknown> }>(
  start: (options: { readonly bucketDirs: BucketDirs; readonly docker: Docker }) => Promise<F>,
  connect: (clientOptions: ReturnType<typeof fakeGrpcClientOptions>) => C,
): FakeSuite<F, C> {
  const suite = {} as FakeSuite<F, C>;
  before(async () => {
    const docker = await requireDocker();
    suite.gcs = await startGcsFake();
    suite.fake = await start({ bucketDirs: (bucket) => suite.gcs.bucketDir(bucket), docker });
    suite.client = connect(fakeGrpcClientOptions(suite.fake.port));
  });
  after(async () => {
    await suite.client?.close();
    await suite.fake?.close();
    if (suite.fake) assert.deepEqual(await suite.fake.containers(), [], 'no fake container is left once the fake is closed');
    await suite.gcs?.close();
  });
  return suite;
}

/**
 * Before the suite: a harness (a backend fake and what drives it), handed to `onStarted`. After it: closed, and no
 * container of its fake left.
 */
export function useHarness<H extends { readonly fake: Pick<Fake, 'containers'>; close(): Promise<void> }>(start: () => Promise<H>, onStarted: (harness: H) => void): void {
  let harness: H | undefined;
  before(async () => {
    harness = await start();
    onStarted(harness);
  });
  after(async () => {
    if (!harness) return;
    await harness.close();
    assert.deepEqual(await harness.fake.containers(), [], 'no fake container is left once the fake is closed');
  });
}

/** Reads until `done` holds (every 100 ms), and returns that value; fails naming `what` after `timeoutMs`. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
