import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigurationError, getExecutorService, ValidationError } from '../../src/index.js';
import { RecordingLogger } from '../support/recording-logger.js';

const CLOUDRUN = { project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://my-bucket' };

describe('getExecutorService', () => {
  it('caches one service per type unless useCache is false', () => {
    const a = getExecutorService('docker', { docker: { networkMode: 'none' } });
    assert.equal(getExecutorService('docker'), a);
    assert.notEqual(getExecutorService('docker', { useCache: false }), a);
    assert.equal(a.backend, 'docker');
  });

  it('validates the options of every call, even when a service is cached', () => {
    const cached = getExecutorService('docker');
    assert.throws(() => getExecutorService('docker', { maxWorkers: 0 }), (e: unknown) => e instanceof ValidationError && e.field === 'maxWorkers');
    assert.throws(() => getExecutorService('docker', { docker: { pullPolicy: 'sometimes' as never } }), (e: unknown) => e instanceof ValidationError && e.field === 'docker.pullPolicy');
    assert.throws(() => getExecutorService('docker', { gcs: { maxRetries: -1 } }), (e: unknown) => e instanceof ValidationError && e.field === 'maxRetries');
    assert.throws(() => getExecutorService('cloudrun', { cloudrun: { ...CLOUDRUN, pollIntervalMs: -5 } }), (e: unknown) => e instanceof ValidationError && e.field === 'pollIntervalMs');
    assert.equal(getExecutorService('docker'), cached);
  });

  it('refuses options other than those the cached service was built with, naming the first that differs', () => {
    const service = getExecutorService('cloudrun', { maxWorkers: 2, cloudrun: CLOUDRUN });
    assert.equal(getExecutorService('cloudrun'), service, 'no options: the cached service');
    assert.equal(getExecutorService('cloudrun', { cloudrun: { ...CLOUDRUN } }), service, 'equal options: the cached service');
    const differs = (setting: string) => (e: unknown) =>
      e instanceof ConfigurationError && e.setting === setting && e.message.includes(`\`${setting}\``) && e.message.includes('useCache: false');
    assert.throws(() => getExecutorService('cloudrun', { maxWorkers: 8 }), differs('maxWorkers'));
    assert.throws(() => getExecutorService('cloudrun', { cloudrun: { ...CLOUDRUN, region: 'us-central1' } }), differs('cloudrun.region'));
    assert.throws(() => getExecutorService('cloudrun', { logger: new RecordingLogger() }), differs('logger'));
    assert.notEqual(getExecutorService('cloudrun', { useCache: false, cloudrun: { ...CLOUDRUN, region: 'us-central1' } }), service);
  });

  it('lists the valid types when given another string', () => {
    assert.throws(() => getExecutorService('kubernetes' as never), {
      name: 'ValidationError',
      message: "`type` must be one of 'cloudrun', 'cloudbatch', 'vertex', 'docker', got 'kubernetes'",
    });
  });
});
