import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { getExecutorService } from '../../../src/app/executor-factory.js';
import { ConfigurationError, ValidationError } from '../../../src/domain/errors.js';
import { ignoredSettings, resolveExecutionConfig, type ExecutionConfig } from '../../../src/domain/execution-config.js';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { VertexExecutorAdapter } from '../../../src/infra/gcp/vertex/vertex-executor.adapter.js';
import type { VertexBackendOptions } from '../../../src/infra/gcp/vertex/vertex-options.js';
import { fakeGrpcClientOptions } from '../../support/fake-grpc-client.js';
import { withoutGcpEnv } from '../../support/gcp-env.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const run = promisify(execFile);
const COMPLETE = { project: 'my-project', region: 'europe-west4', stagingBucket: 'gs://my-bucket/area' };

describe('Vertex AI settings', { timeout: 120_000 }, () => {
  withoutGcpEnv();

  const logger = new RecordingLogger();
  // Explicit client options (a closed port, no credentials): a client built by mistake never looks credentials up.
  const adapter = (options: VertexBackendOptions = COMPLETE) =>
    new VertexExecutorAdapter({ ...resolveGcpOptions('vertex', { clientOptions: fakeGrpcClientOptions(1), ...options }), logger });
  const isConfigError = (setting: string, variable: string) => (error: unknown) =>
    error instanceof ConfigurationError && error.setting === setting && error.message.includes(variable) && error.message.includes('vertex');

  it('names a missing setting and its environment variable when the service is built, else takes the SMARTJOB_* variables', () => {
    assert.throws(() => getExecutorService('vertex', { useCache: false }), isConfigError('project', 'SMARTJOB_PROJECT'));
    assert.throws(() => getExecutorService('vertex', { useCache: false, vertex: { project: 'my-project' } }), isConfigError('region', 'SMARTJOB_REGION'));
    assert.throws(() => getExecutorService('vertex', { useCache: false, vertex: { project: 'my-project', region: 'europe-west4' } }), isConfigError('stagingBucket', 'SMARTJOB_STAGING_BUCKET'));
    Object.assign(process.env, { SMARTJOB_PROJECT: 'env-project', SMARTJOB_REGION: 'us-central1', SMARTJOB_STAGING_BUCKET: 'gs://env-bucket' });
    assert.equal(getExecutorService('vertex', { useCache: false }).backend, 'vertex');
    assert.equal(adapter({}).containerStagingRoot(), '/gcs/env-bucket');
  });

  it('checks its options on every call, even with a service cached', () => {
    const service = getExecutorService('vertex', { vertex: COMPLETE });
    assert.throws(() => getExecutorService('vertex', { vertex: { ...COMPLETE, pollIntervalMs: 0 } }), (e: unknown) => e instanceof ValidationError && e.field === 'pollIntervalMs');
    assert.throws(() => getExecutorService('vertex', { vertex: { ...COMPLETE, stagingBucket: 'my-bucket' } }), (e: unknown) => e instanceof ConfigurationError && e.setting === 'stagingBucket');
    assert.equal(getExecutorService('vertex', { vertex: { ...COMPLETE } }), service);
  });

  it('sees the staging area at /gcs/<bucket>/<prefix> and warns about the settings Vertex cannot honour', () => {
    assert.equal(adapter().containerStagingRoot(), '/gcs/my-bucket/area');
    const config = resolveExecutionConfig({
      cpu: 2, memoryGb: 8, machineType: 'n1-highmem-8', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1, bootDiskSizeGb: 50, bootDiskType: 'pd-ssd',
      vpcConnectorNetwork: 'projects/1/global/networks/n', vpcConnectorSubnetwork: 's', labels: { a: 'b' }, installOpsAgent: true,
      sidecarsContainers: [{ name: 'proxy', dockerImage: 'proxy:1' }], retry: { maxAttemptsExecute: 3 },
    });
    assert.deepEqual(ignoredSettings(config, adapter().supportedSettings), [
      'cpu', 'memoryGb', 'vpcConnectorSubnetwork', 'sidecarsContainers', 'installOpsAgent', 'retry.maxAttemptsExecute (this backend never re-runs a job)',
    ]);
  });

  it('refuses machine settings Vertex would refuse (or silently drop) before anything is staged', async () => {
    const refused = (config: ExecutionConfig, field: string, words: RegExp) =>
      assert.rejects(adapter().preflight('img', resolveExecutionConfig(config)), (e: unknown) => e instanceof ValidationError && e.field === field && words.test(e.message));
    await refused({ acceleratorCount: 2 }, 'executionConfig.acceleratorType', /is required on Vertex AI when `executionConfig.acceleratorCount` is set/);
    await refused({ acceleratorType: 'nvidia-tesla-z9' }, 'executionConfig.acceleratorType', /NVIDIA_TESLA_T4.*got 'nvidia-tesla-z9'/);
    await refused({ bootDiskType: 'pd-balanced' }, 'executionConfig.bootDiskType', /pd-ssd, pd-standard, hyperdisk-balanced/);
    await refused({ vpcConnectorNetwork: 'default' }, 'executionConfig.vpcConnectorNetwork', /projects\/<project number>\/global\/networks\/<network>/);
    await refused({ stagingBucket: 'gs://other-bucket' }, 'executionConfig.stagingBucket', /gs:\/\/my-bucket\/area/);
    await adapter().preflight('img', resolveExecutionConfig({ acceleratorType: 'nvidia-tesla-t4', acceleratorCount: 4, bootDiskType: 'pd-standard' }));
  });

  it('says where cpu and memory come from when no machine type is set', async () => {
    const before = logger.warnings.length;
    await adapter().preflight('img', resolveExecutionConfig({ cpu: 8 }));
    await adapter().preflight('img', resolveExecutionConfig({ cpu: 8, machineType: 'n1-standard-8' }));
    assert.deepEqual(logger.warnings.slice(before), [
      'a Vertex AI job gets the CPUs and memory of its machine type, n1-standard-4 (4 vCPUs, 15 GB) unless `executionConfig.machineType` names another',
    ]);
  });

  it('loads no Google module until a Vertex call needs the client', async () => {
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => /@google-cloud|google-gax/.test(p)).length;
      const { getExecutorService } = await import('./src/index.ts');
      const { resolveExecutionConfig } = await import('./src/domain/execution-config.ts');
      const { VertexExecutorAdapter } = await import('./src/infra/gcp/vertex/vertex-executor.adapter.ts');
      const { resolveGcpOptions } = await import('./src/infra/gcp/shared/gcp-options.ts');
      getExecutorService('vertex', { vertex: ${JSON.stringify(COMPLETE)} });
      const adapter = new VertexExecutorAdapter({ ...resolveGcpOptions('vertex', ${JSON.stringify(COMPLETE)}), logger: console });
      await adapter.preflight('img', resolveExecutionConfig({ machineType: 'n1-standard-8' }));
      const before = loaded();
      await adapter.preflight('img', resolveExecutionConfig({ acceleratorType: 'NVIDIA_L4' })); // the client's accelerator types
      console.log(JSON.stringify({ before, after: loaded() }));
    `;
    // No client options there (importing google-gax would load what is measured); preflight builds no client, and
    // should one be built by mistake, it must not probe the metadata server.
    const env = { ...process.env, METADATA_SERVER_DETECTION: 'none' };
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), env });
    const { before, after } = JSON.parse(stdout.trim()) as { before: number; after: number };
    assert.equal(before, 0, 'importing the package, building a Vertex service or checking settings loaded a Google module');
    assert.ok(after > 0, 'the check sees @google-cloud/aiplatform once a call needs it');
  });
});
