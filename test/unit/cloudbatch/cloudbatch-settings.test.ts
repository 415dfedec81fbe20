import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { getExecutorService } from '../../../src/app/executor-factory.js';
import { ConfigurationError, NotSupportedError, ValidationError } from '../../../src/domain/errors.js';
import { ignoredSettings, resolveExecutionConfig } from '../../../src/domain/execution-config.js';
import { planExecution } from '../../../src/domain/services/plan.js';
import { CloudBatchExecutorAdapter } from '../../../src/infra/gcp/cloudbatch/cloudbatch-executor.adapter.js';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { LocalDirectoryStorageAdapter } from '../../../src/infra/local/local-directory-storage.adapter.js';
import { NodeLocalFilesAdapter } from '../../../src/infra/local/node-local-files.adapter.js';
import { withoutGcpEnv } from '../../support/gcp-env.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const run = promisify(execFile);
const COMPLETE = { project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://my-bucket' };

describe('Cloud Batch settings', { timeout: 180_000 }, () => {
  withoutGcpEnv();

  const logger = new RecordingLogger();
  const adapter = () => new CloudBatchExecutorAdapter({ ...resolveGcpOptions('cloudbatch', COMPLETE), noExternalIpAddress: false, logger });

  it('names the missing setting and its environment variable when the service is built', () => {
    const isConfigError = (setting: string, variable: string) => (e: unknown) =>
      e instanceof ConfigurationError && e.setting === setting && e.message.includes(variable) && e.message.includes('cloudbatch');
    assert.throws(() => getExecutorService('cloudbatch', { useCache: false }), isConfigError('project', 'SMARTJOB_PROJECT'));
    assert.throws(() => getExecutorService('cloudbatch', { useCache: false, cloudbatch: { project: 'my-project', stagingBucket: 'gs://b-1' } }), isConfigError('region', 'SMARTJOB_REGION'));
    assert.throws(() => getExecutorService('cloudbatch', { useCache: false, cloudbatch: { project: 'my-project', region: 'europe-west1' } }), isConfigError('stagingBucket', 'SMARTJOB_STAGING_BUCKET'));
    process.env.SMARTJOB_PROJECT = 'env-project';
    process.env.SMARTJOB_REGION = 'europe-west1';
    process.env.SMARTJOB_STAGING_BUCKET = 'gs://env-bucket';
    assert.equal(getExecutorService('cloudbatch', { useCache: false }).backend, 'cloudbatch', 'the SMARTJOB_* variables fill in');
  });

  it('checks its own options at once', () => {
    assert.throws(() => getExecutorService('cloudbatch', { useCache: false, cloudbatch: { ...COMPLETE, noExternalIpAddress: 'yes' as never } }),
      (e) => e instanceof ValidationError && e.field === 'noExternalIpAddress');
    assert.throws(() => getExecutorService('cloudbatch', { useCache: false, cloudbatch: { ...COMPLETE, pollIntervalMs: -1 } }), (e) => e instanceof ValidationError && e.field === 'pollIntervalMs');
  });

  it('says which settings Batch ignores (accelerators) and where the staging area is mounted', () => {
    const config = resolveExecutionConfig({ acceleratorType: 'nvidia-tesla-t4', acceleratorCount: 1, bootDiskSizeGb: 50, machineType: 'n1-standard-4', installOpsAgent: true, cpu: 2 });
    assert.deepEqual(ignoredSettings(config, adapter().supportedSettings), ['acceleratorType', 'acceleratorCount']);
    const honoured = resolveExecutionConfig({ cpu: 2, memoryGb: 4, retry: { maxAttemptsExecute: 3 }, labels: { a: 'b' }, sidecarsContainers: [{ name: 's', dockerImage: 'i' }] });
    assert.deepEqual(ignoredSettings(honoured, adapter().supportedSettings), []);
    assert.equal(adapter().containerStagingRoot(), '/staging');
  });

  it('warns, when an execution is planned, that Batch ignores bootDiskType (Batch picks the boot disk type)', async () => {
    const deps = { executor: adapter(), storage: new LocalDirectoryStorageAdapter(tmpdir()), localFiles: new NodeLocalFilesAdapter(), logger, now: () => new Date() };
    const before = logger.warnings.length;
    await planExecution({ name: 'disk', dockerImage: 'img' }, { executionConfig: { bootDiskType: 'pd-ssd', bootDiskSizeGb: 50 } }, deps);
    assert.deepEqual(logger.warnings.slice(before), ['the cloudbatch backend ignores these settings: bootDiskType']);
  });

  it('refuses before staging what Batch would refuse, and warns about a machine type it cannot size', async () => {
    await assert.rejects(adapter().preflight('img', resolveExecutionConfig({ retry: { maxAttemptsExecute: 12 } })),
      (e) => e instanceof ValidationError && e.field === 'executionConfig.retry.maxAttemptsExecute' && /at most 11/.test(e.message));
    await assert.rejects(adapter().preflight('img', resolveExecutionConfig({ stagingBucket: 'gs://other-bucket' })),
      (e) => e instanceof ValidationError && e.field === 'executionConfig.stagingBucket');
    await adapter().preflight('img', resolveExecutionConfig({ machineType: 'a2-highgpu-1g' }));
    assert.ok(logger.warnings.some((w) => w.includes("'a2-highgpu-1g' are not known") && w.includes('`cpu` and `memoryGb`')), logger.warnings.join('\n'));
  });

  it('refuses secretEnvs (Batch would record their values in the job) before anything is staged, pointing at secretRefs', async () => {
    const service = getExecutorService('cloudbatch', { useCache: false, cloudbatch: COMPLETE });
    await assert.rejects(service.run({ name: 'secret', dockerImage: 'img', secretEnvs: { TOKEN: 's3cr3t-value' } }),
      (e) => e instanceof NotSupportedError && /cloudbatch backend cannot pass `secretEnvs` \(TOKEN\).*pass `secretRefs` instead/.test(e.message) && !e.message.includes('s3cr3t-value'));
  });

  it('loads no Google module until a Batch call is made', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => /@google-cloud|google-gax/.test(p)).length;
      const { getExecutorService } = await import('./src/index.ts');
      const service = getExecutorService('cloudbatch', { cloudbatch: { project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://bucket' } });
      const refused = await service.run({ name: 'Bad Name', dockerImage: 'img' }).then(() => 'ran', (e) => e.name);
      const before = loaded();
      await import('@google-cloud/batch');
      console.log(JSON.stringify({ refused, before, after: loaded() }));
    `;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    const { refused, before, after } = JSON.parse(stdout.trim()) as { refused: string; before: number; after: number };
    assert.equal(refused, 'ValidationError');
    assert.equal(before, 0, 'importing the package, building a Batch service and refusing a job loaded a Google module');
    assert.ok(after > 0, 'the check sees @google-cloud/batch once it is loaded');
  });
});
