import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { BackendUnavailableError, ConfigurationError, GcsInput, getExecutorService, type GetExecutorServiceOptions } from '../../../src/index.js';
import { hasExplicitGcsAccess } from '../../../src/infra/gcp/gcs/gcs-object-reader.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const VARIABLES = ['GOOGLE_APPLICATION_CREDENTIALS', 'STORAGE_EMULATOR_HOST'] as const;
const job = { name: 'gcs-input', dockerImage: 'example/image:1' };
const inputs = [new GcsInput('data.csv', 'gs://some-bucket/data.csv')];

/** GcsInput on Docker: the object is streamed through this process, so it must be told how to reach Cloud Storage. */
describe('GcsInput on the docker backend', () => {
  let dir: string;
  const saved: Partial<Record<(typeof VARIABLES)[number], string>> = {};
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sj-gcs-input-'));
    for (const name of VARIABLES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  after(async () => {
    for (const name of VARIABLES) if (saved[name] !== undefined) process.env[name] = saved[name];
    await rm(dir, { recursive: true, force: true });
  });
  // A daemon that cannot answer: reaching it would be a BackendUnavailableError, so a ConfigurationError came first.
  const service = (extra: GetExecutorServiceOptions = {}) => getExecutorService('docker', {
    useCache: false,
    logger: new RecordingLogger(),
    docker: { docker: new Docker({ socketPath: '/nonexistent/docker.sock' }), networkMode: 'none', staging: { mode: 'bind', hostDir: dir } },
    ...extra,
  });

  it('is a ConfigurationError before anything is staged when no Cloud Storage access is configured', async () => {
    await assert.rejects(service().run(job, { inputs }), (e: unknown) =>
      e instanceof ConfigurationError && e.setting === 'gcs' && e.message.includes('`gcs.apiEndpoint`') && e.message.includes('GOOGLE_APPLICATION_CREDENTIALS'));
    assert.deepEqual(await readdir(dir), [], 'nothing staged');
  });

  it('goes on with an explicit endpoint, client or credentials (here to the unreachable daemon)', async () => {
    const reachesDaemon = (e: unknown) => e instanceof BackendUnavailableError;
    await assert.rejects(service({ gcs: { apiEndpoint: 'http://127.0.0.1:9' } }).run(job, { inputs }), reachesDaemon);
    process.env.GOOGLE_APPLICATION_CREDENTIALS = '/etc/creds.json';
    try {
      await assert.rejects(service().run(job, { inputs }), reachesDaemon);
    } finally {
      delete process.env.GOOGLE_APPLICATION_CREDENTIALS;
    }
    assert.equal(hasExplicitGcsAccess({}, {}), false);
    assert.equal(hasExplicitGcsAccess({ projectId: 'p' }, {}), false, 'a project says nothing about how to reach storage');
    assert.equal(hasExplicitGcsAccess({ storage: {} as never }, {}), true);
    assert.equal(hasExplicitGcsAccess({}, { STORAGE_EMULATOR_HOST: 'http://127.0.0.1:4443' }), true);
  });

  it('needs nothing of the kind without a GcsInput', async () => {
    await assert.rejects(service().run(job), (e: unknown) => e instanceof BackendUnavailableError);
  });
});
