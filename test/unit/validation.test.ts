import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { harness, job } from './service-harness.js';

// The bad-input table is test/faults/bad-input.test.ts (on the real Docker backend); this checks what it does not.
describe('bad input: executionConfig keys', () => {
  it('says where a misplaced known key belongs, warns about nothing, and takes an undefined value as no setting', async () => {
    const { service, logger } = harness();
    await assert.rejects(service.run(job, { executionConfig: { retry: { cpu: 2 } } as never }), {
      message: '`executionConfig.retry.cpu` is an unknown setting; did you mean `executionConfig.cpu`?',
    });
    await assert.rejects(service.run(job, { executionConfig: { timeout: { maxAttempts: 2 } } as never }), {
      message: '`executionConfig.timeout.maxAttempts` is an unknown setting; did you mean `executionConfig.retry.maxAttempts`?',
    });
    assert.deepEqual(logger.warnings, [], 'not a warning about an ignored setting');
    assert.equal((await service.run(job, { executionConfig: { cpu: undefined, timeout: undefined } })).success, true, 'an undefined value is no setting');
  });
});
