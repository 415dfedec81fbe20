import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ConfigurationError, ValidationError } from '../../../src/domain/errors.js';
import { resolveExecutionConfig } from '../../../src/domain/execution-config.js';
import { CloudRunExecutorAdapter } from '../../../src/infra/gcp/cloudrun/cloudrun-executor.adapter.js';
import { GCP_ENV } from '../../../src/infra/gcp/gcp-settings.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const run = promisify(execFile);

describe('Cloud Run settings', { timeout: 180_000 }, () => {
  const saved: Record<string, string | undefined> = {};
  beforeEach(() => {
    for (const name of Object.values(GCP_ENV)) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const config = resolveExecutionConfig({});
  const adapter = (options = {}) => new CloudRunExecutorAdapter({ logger: new RecordingLogger(), ...options });
  const isConfigError = (setting: string, variable: string) => (error: unknown) =>
    error instanceof ConfigurationError && error.setting === setting && error.message.includes(variable) && error.message.includes(`\`${setting}\``);

  it('names the missing setting and its environment variable', async () => {
    await assert.rejects(adapter().preflight('img', config), isConfigError('project', 'SMARTJOB_PROJECT'));
    await assert.rejects(adapter({ project: 'my-project' }).preflight('img', config), isConfigError('region', 'SMARTJOB_REGION'));
    await assert.rejects(
      adapter({ project: 'my-project', region: 'europe-west1' }).preflight('img', config),
      isConfigError('stagingBucket', 'SMARTJOB_STAGING_BUCKET'),
    );
    await assert.rejects(
      adapter({ project: 'my-project', region: 'europe-west1', stagingBucket: 'my-bucket' }).preflight('img', config),
      (error) => error instanceof ConfigurationError && error.setting === 'stagingBucket' && /gs:\/\/bucket\[\/prefix\], got 'my-bucket'/.test(error.message),
    );
    await assert.rejects(adapter().getStatus('0123456789abcdef'), isConfigError('project', 'SMARTJOB_PROJECT'));
    await assert.rejects(adapter().list({}), isConfigError('project', 'SMARTJOB_PROJECT'));
  });

  it('takes settings from the SMARTJOB_* variables, and from a per-execution config first', async () => {
    process.env.SMARTJOB_PROJECT = 'env-project';
    process.env.SMARTJOB_REGION = 'europe-west1';
    process.env.SMARTJOB_STAGING_BUCKET = 'gs://env-bucket/prefix';
    await adapter().preflight('img', config);
    delete process.env.SMARTJOB_REGION;
    await assert.rejects(adapter().preflight('img', config), isConfigError('region', 'SMARTJOB_REGION'));
    await adapter().preflight('img', resolveExecutionConfig({ region: 'us-central1' }));
  });

  it('says which settings Cloud Run ignores and where the staging area is mounted', () => {
    const withBatchSettings = resolveExecutionConfig({ machineType: 'n2-standard-4', acceleratorCount: 1, bootDiskSizeGb: 50, installOpsAgent: true, cpu: 2 });
    assert.deepEqual(adapter().unsupportedSettings(withBatchSettings), ['machineType', 'acceleratorCount', 'bootDiskSizeGb', 'installOpsAgent']);
    assert.deepEqual(adapter().unsupportedSettings(config), []);
    assert.equal(adapter().containerStagingRoot(), '/staging');
  });

  it('refuses a bad polling option at once', () => {
    assert.throws(() => adapter({ pollIntervalMs: 0 }), (error) => error instanceof ValidationError && error.field === 'pollIntervalMs');
  });

  it('loads no Google module until a Cloud Run call is made', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => /@google-cloud|google-gax/.test(p)).length;
      const { CloudRunExecutorAdapter } = await import('./src/infra/gcp/cloudrun/cloudrun-executor.adapter.ts');
      const { resolveExecutionConfig } = await import('./src/domain/execution-config.ts');
      const adapter = new CloudRunExecutorAdapter({ project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://bucket' });
      await adapter.preflight('img', resolveExecutionConfig({}));
      const before = loaded();
      await import('@google-cloud/run');
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    const { before, after } = JSON.parse(stdout.trim()) as { before: number; after: number };
    assert.equal(before, 0, 'importing the adapter and checking settings loaded a Google module');
    assert.ok(after > 0, 'the check sees @google-cloud/run once it is loaded');
  });
});

describe('Cloud Run service wiring', () => {
  it('refuses a per-execution staging bucket other than the service one, before staging anything', async () => {
    const { getExecutorService } = await import('../../../src/app/executor-factory.js');
    const service = getExecutorService('cloudrun', {
      useCache: false,
      cloudrun: { project: 'smartjob-tests', region: 'europe-west1', stagingBucket: 'gs://service-bucket' },
    });
    await assert.rejects(
      service.run({ name: 'x', dockerImage: 'img' }, { executionConfig: { stagingBucket: 'gs://other-bucket' } }),
      (e: unknown) => e instanceof ValidationError && e.field === 'executionConfig.stagingBucket' && e.message.includes('gs://service-bucket'),
    );
  });

  it('names the missing setting and its variable when the service is built', async () => {
    const { getExecutorService } = await import('../../../src/app/executor-factory.js');
    const saved = process.env.SMARTJOB_REGION;
    delete process.env.SMARTJOB_REGION;
    try {
      assert.throws(
        () => getExecutorService('cloudrun', { useCache: false, cloudrun: { project: 'smartjob-tests', stagingBucket: 'gs://b-1' } }),
        (e: unknown) => e instanceof ConfigurationError && e.setting === 'region' && e.message.includes('SMARTJOB_REGION'),
      );
    } finally {
      if (saved !== undefined) process.env.SMARTJOB_REGION = saved;
    }
  });
});
