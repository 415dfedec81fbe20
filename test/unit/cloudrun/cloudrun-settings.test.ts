import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { ConfigurationError, ValidationError } from '../../../src/domain/errors.js';
import { ignoredSettings, resolveExecutionConfig } from '../../../src/domain/execution-config.js';
import { CloudRunExecutorAdapter } from '../../../src/infra/gcp/cloudrun/cloudrun-executor.adapter.js';
import type { CloudRunBackendOptions } from '../../../src/infra/gcp/cloudrun/cloudrun-options.js';
import { GCP_ENV, settingsForExecution } from '../../../src/infra/gcp/shared/gcp-settings.js';
import { withoutGcpEnv } from '../../support/gcp-env.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const run = promisify(execFile);
const COMPLETE = { project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://my-bucket' };

describe('Cloud Run settings', { timeout: 180_000 }, () => {
  withoutGcpEnv();

  const config = resolveExecutionConfig({});
  const adapter = (options: CloudRunBackendOptions = COMPLETE) => new CloudRunExecutorAdapter({ ...resolveGcpOptions('cloudrun', options), logger: new RecordingLogger() });
  const isConfigError = (setting: string, variable: string) => (error: unknown) =>
    error instanceof ConfigurationError && error.setting === setting && error.message.includes(variable) && error.message.includes(`\`${setting}\``);

  it('names the missing setting and its environment variable', () => {
    assert.throws(() => resolveGcpOptions('cloudrun', {}), isConfigError('project', 'SMARTJOB_PROJECT'));
    assert.throws(() => resolveGcpOptions('cloudrun', { project: 'my-project' }), isConfigError('region', 'SMARTJOB_REGION'));
    assert.throws(() => resolveGcpOptions('cloudrun', { project: 'my-project', region: 'europe-west1' }), isConfigError('stagingBucket', 'SMARTJOB_STAGING_BUCKET'));
    assert.throws(
      () => resolveGcpOptions('cloudrun', { ...COMPLETE, stagingBucket: 'my-bucket' }),
      (error) => error instanceof ConfigurationError && error.setting === 'stagingBucket' && /gs:\/\/bucket\[\/prefix\], got 'my-bucket'/.test(error.message),
    );
  });

  it('takes settings from the SMARTJOB_* variables, the options first, and a per-execution config over both', () => {
    process.env.SMARTJOB_PROJECT = 'env-project';
    process.env.SMARTJOB_REGION = 'europe-west1';
    process.env.SMARTJOB_STAGING_BUCKET = 'gs://env-bucket/prefix/';
    const { settings } = resolveGcpOptions('cloudrun', {});
    assert.deepEqual(settings, { project: 'env-project', region: 'europe-west1', stagingBucket: { bucket: 'env-bucket', prefix: 'prefix', uri: 'gs://env-bucket/prefix' }, serviceAccount: undefined });
    assert.equal(resolveGcpOptions('cloudrun', { project: 'own-project' }).settings.project, 'own-project');
    const perExecution = settingsForExecution(settings, resolveExecutionConfig({ region: 'us-central1', serviceAccount: 'a@b.iam' }));
    assert.deepEqual([perExecution.project, perExecution.region, perExecution.serviceAccount], ['env-project', 'us-central1', 'a@b.iam']);
    delete process.env.SMARTJOB_REGION;
    assert.throws(() => resolveGcpOptions('cloudrun', {}), isConfigError('region', 'SMARTJOB_REGION'));
  });

  it('resolves the settings once: the environment changing later does not change a built adapter', async () => {
    process.env.SMARTJOB_PROJECT = 'env-project';
    process.env.SMARTJOB_REGION = 'europe-west1';
    process.env.SMARTJOB_STAGING_BUCKET = 'gs://env-bucket';
    const built = adapter({});
    for (const name of Object.values(GCP_ENV)) delete process.env[name];
    await built.preflight('img', config);
    await assert.rejects(built.preflight('img', resolveExecutionConfig({ stagingBucket: 'gs://other-bucket' })), (e) =>
      e instanceof ValidationError && e.field === 'executionConfig.stagingBucket' && e.message.includes('gs://env-bucket'));
  });

  it('says which settings Cloud Run ignores and where the staging area is mounted', () => {
    const withBatchSettings = resolveExecutionConfig({ machineType: 'n2-standard-4', acceleratorCount: 1, bootDiskSizeGb: 50, installOpsAgent: true, cpu: 2 });
    assert.deepEqual(ignoredSettings(withBatchSettings, adapter().supportedSettings), ['machineType', 'acceleratorCount', 'bootDiskSizeGb', 'installOpsAgent']);
    assert.deepEqual(ignoredSettings(resolveExecutionConfig({ cpu: 2, retry: { maxAttemptsExecute: 3 }, labels: { a: 'b' } }), adapter().supportedSettings), []);
    assert.equal(adapter().containerStagingRoot(), '/staging');
  });

  it('refuses a bad polling option at once', () => {
    assert.throws(() => resolveGcpOptions('cloudrun', { ...COMPLETE, pollIntervalMs: 0 }), (error) => error instanceof ValidationError && error.field === 'pollIntervalMs');
  });

  it('loads no Google module until a Cloud Run call is made', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => /@google-cloud|google-gax/.test(p)).length;
      const { resolveGcpOptions } = await import('./src/infra/gcp/shared/gcp-options.ts');
      const { CloudRunExecutorAdapter } = await import('./src/infra/gcp/cloudrun/cloudrun-executor.adapter.ts');
      const { resolveExecutionConfig } = await import('./src/domain/execution-config.ts');
      const options = resolveGcpOptions('cloudrun', { project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://bucket' });
      const adapter = new CloudRunExecutorAdapter({ ...options, logger: console });
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
