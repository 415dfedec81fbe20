import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError } from '../../src/domain/errors.js';
import { harness, job } from './service-harness.js';

describe('ExecutorService: reading the outputs of a run', () => {
  it('reports an unreadable smartjob.json (e.g. a directory) in the result and releases the run object', async () => {
    const { service, executor, storage } = harness();
    storage.readFailures.push(new StorageError('cannot read mem://x/output/smartjob.json: it is a directory, not a file'));
    const result = await service.run(job);
    assert.equal(result.state, 'SUCCEEDED');
    assert.equal(result.jsonOutput, undefined);
    assert.match(result.jsonOutputError!, /is a directory/);
    assert.equal(executor.executions.get(result.executionId)!.released, true);
  });

  it('still releases the run object when reading the outputs fails for good, then rethrows', async () => {
    const { service, executor, storage } = harness();
    const transient = () => new StorageError('storage unreachable', { retryable: true });
    storage.readFailures.push(transient(), transient(), transient());
    await assert.rejects(service.run(job), /storage unreachable/);
    const [execution] = executor.executions.values();
    assert.equal(execution!.released, true);
  });
});
