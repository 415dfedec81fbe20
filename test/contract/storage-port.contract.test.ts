import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { ImageUnavailableError } from '../../src/domain/errors.js';
import { DockerVolumeStorageAdapter } from '../../src/infra/docker/docker-volume-storage.adapter.js';
import { createGcsObjectReader } from '../../src/infra/gcp/gcs/gcs-object-reader.js';
import { GcsStorageAdapter } from '../../src/infra/gcp/gcs/gcs-storage.adapter.js';
import { LocalDirectoryStorageAdapter } from '../../src/infra/local/local-directory-storage.adapter.js';
import { startGcsFake, type GcsFake } from '../fakes/gcs/gcs-fake.js';
import { BUSYBOX_IMAGE, requireDocker } from '../support/docker.js';
import { storagePortContract, type StorageContractSubject } from './storage-port.contract.js';

/** Volumes of this process, so the leak check only sees its own helpers. */
const VOLUME_PREFIX = `smartjob-contract-${process.pid}`;
const SOURCE_BUCKET = 'contract-sources';

let fake: GcsFake;
let docker: Docker;
let volumes = 0;

before(async () => {
  fake = await startGcsFake();
  fake.bucketDir(SOURCE_BUCKET);
  fake.bucketDir('contract-staging');
});
after(async () => {
  await fake?.close();
});

/** A GcsInput source, stored straight into the fake's bucket directory. */
async function putGcsObject(name: string, data: Uint8Array): Promise<string> {
  const path = join(fake.bucketDir(SOURCE_BUCKET), name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
  return `gs://${SOURCE_BUCKET}/${name}`;
}

const reader = () => createGcsObjectReader({ apiEndpoint: fake.endpoint, projectId: 'contract', maxRetries: 1 });

storagePortContract('LocalDirectoryStorageAdapter', async () => {
  const root = await mkdtemp(join(tmpdir(), 'contract-local-'));
  return {
    storage: new LocalDirectoryStorageAdapter(root, reader()),
    locationPrefix: `${pathToFileURL(root).href}/`,
    putGcsObject,
    directoryExists: (path) => isDirectory(join(root, path)),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

storagePortContract('GcsStorageAdapter (wire-level fake)', async () => {
  const storage = new GcsStorageAdapter({ stagingBucket: 'gs://contract-staging/runs', apiEndpoint: fake.endpoint, projectId: 'contract', maxRetries: 1 });
  // the objects live in the fake's temporary root, removed when the fake closes
  const directoryExists = (path: string) => isDirectory(join(fake.bucketDir('contract-staging'), 'runs', path)); // the fake keeps markers as directories
  return { storage, locationPrefix: 'gs://contract-staging/runs/', putGcsObject, directoryExists, dispose: async () => undefined };
});

storagePortContract('DockerVolumeStorageAdapter', async () => {
  docker = await requireDocker();
  const volumeName = `${VOLUME_PREFIX}-${++volumes}`;
  const storage = new DockerVolumeStorageAdapter({ docker, volumeName, helperImage: BUSYBOX_IMAGE, gcsReader: reader() });
  const subject: StorageContractSubject = {
    storage,
    locationPrefix: `docker-volume://${volumeName}/`,
    putGcsObject,
    directoryExists: (path) => directoryInVolume(volumeName, path),
    async dispose() {
      await storage.dispose();
      await docker.getVolume(volumeName).remove();
    },
  };
  return subject;
});

describe('DockerVolumeStorageAdapter specifics', () => {
  let storage: DockerVolumeStorageAdapter;
  let volumeName: string;

  before(async () => {
    docker = await requireDocker();
    volumeName = `${VOLUME_PREFIX}-${++volumes}`;
    storage = new DockerVolumeStorageAdapter({ docker, volumeName, helperImage: BUSYBOX_IMAGE });
  });
  after(async () => {
    await storage?.dispose();
    await docker?.getVolume(volumeName).remove();
  });

  it('uses one labelled helper container, created but never started, without network', async () => {
    await storage.writeBytes('probe.txt', new TextEncoder().encode('x'));
    await storage.writeBytes('probe2.txt', new TextEncoder().encode('y'));
    const helpers = await helpersOf(volumeName);
    assert.equal(helpers.length, 1);
    assert.equal(helpers[0]!.State, 'created');
    assert.equal(helpers[0]!.Labels['smartjob'], 'true');
    assert.equal(helpers[0]!.HostConfig.NetworkMode, 'none');
  });

  it('stages files a job container sees under /staging, with an output directory it can write', async () => {
    await storage.writeBytes('run/input/in.txt', new TextEncoder().encode('hello'));
    await storage.createDirectory('run/output');
    const script = 'test "$(cat /staging/run/input/in.txt)" = hello && test "$(stat -c %a /staging/run/output)" = 777';
    const job = await docker.createContainer({
      Image: BUSYBOX_IMAGE, Cmd: ['sh', '-c', script], Labels: { 'smartjob.test': VOLUME_PREFIX },
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volumeName, Target: '/staging' }] },
    });
    try {
      await job.start();
      assert.equal(((await job.wait()) as { StatusCode: number }).StatusCode, 0);
    } finally {
      await job.remove({ force: true });
    }
  });

  it('reports a missing helper image as ImageUnavailableError and leaves no container', async () => {
    const name = `${VOLUME_PREFIX}-${++volumes}`;
    const broken = new DockerVolumeStorageAdapter({ docker, volumeName: name, helperImage: 'smartjob-test/absent:none' });
    await assert.rejects(broken.writeBytes('x.txt', new Uint8Array(1)), ImageUnavailableError);
    await broken.dispose();
    assert.equal((await helpersOf(name)).length, 0);
    await docker.getVolume(name).remove();
  });

  it('dispose removes the helper, refuses further calls, and no staging helper of this run is left', async () => {
    await storage.dispose();
    await storage.dispose();
    await assert.rejects(storage.read('probe.txt'), /disposed/);
    const leftovers = await docker.listContainers({ all: true, filters: { label: ['smartjob.role=staging-helper'] } });
    assert.deepEqual(leftovers.filter((c) => c.Labels['smartjob.volume']?.startsWith(VOLUME_PREFIX)).map((c) => c.Id), []);
  });
});

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

/** `test -d` in a throw-away container that mounts the volume. */
async function directoryInVolume(volumeName: string, path: string): Promise<boolean> {
  const probe = await docker.createContainer({
    Image: BUSYBOX_IMAGE, Cmd: ['test', '-d', `/staging/${path}`], Labels: { 'smartjob.test': VOLUME_PREFIX },
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: volumeName, Target: '/staging' }] },
  });
  try {
    await probe.start();
    return ((await probe.wait()) as { StatusCode: number }).StatusCode === 0;
  } finally {
    await probe.remove({ force: true });
  }
}

function helpersOf(volumeName: string) {
  return docker.listContainers({ all: true, filters: { label: ['smartjob.role=staging-helper', `smartjob.volume=${volumeName}`] } });
}
