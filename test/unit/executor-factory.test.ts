import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getExecutorService } from '../../src/index.js';

describe('getExecutorService', () => {
  it('caches one service per type unless useCache is false', () => {
    const a = getExecutorService('docker', { docker: { networkMode: 'none' } });
    assert.equal(getExecutorService('docker'), a);
    assert.notEqual(getExecutorService('docker', { useCache: false }), a);
    assert.equal(a.backend, 'docker');
  });

  it('lists the valid types when given another string', () => {
    assert.throws(() => getExecutorService('kubernetes' as never), {
      name: 'ValidationError',
      message: "`type` must be one of 'cloudrun', 'cloudbatch', 'vertex', 'docker', got 'kubernetes'",
    });
  });

  it('says a backend is not implemented yet rather than failing later', () => {
    for (const type of ['cloudbatch', 'vertex'] as const) {
      assert.throws(() => getExecutorService(type), { name: 'NotSupportedError', code: 'NOT_SUPPORTED', message: `the '${type}' backend is not implemented yet` });
    }
  });
});
