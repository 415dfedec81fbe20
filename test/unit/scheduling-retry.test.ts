import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendUnavailableError, SchedulingError } from '../../src/domain/errors.js';
import type { LaunchSpec } from '../../src/domain/ports/executor.port.js';
import { harness, job } from './service-harness.js';

describe('scheduling retries', () => {
  it('retries a transient failure that started nothing, and launches once more', async () => {
    const { service, executor, logger } = harness();
    executor.launchOutcomes.push({ throwBefore: new BackendUnavailableError('daemon busy') });
    const result = await service.run(job);
    assert.equal(result.success, true);
    assert.equal(executor.launchCalls, 2);
    assert.equal(executor.executions.size, 1);
    assert.match(logger.warnings.join('\n'), /retrying: daemon busy/);
  });

  it('after a lost answer, finds the execution the failed attempt started instead of starting a second', async () => {
    const { service, executor } = harness();
    executor.launchOutcomes.push({ throwAfter: new SchedulingError('answer lost', { retryable: true }) });
    const result = await service.run(job);
    assert.equal(result.success, true);
    assert.equal(executor.launchCalls, 1);
    assert.equal(executor.executions.size, 1);
  });

  it('does not retry a non-transient error, surfaces it, and leaves no staged files', async () => {
    const { service, executor, storage } = harness();
    executor.launchOutcomes.push({ throwBefore: new SchedulingError('quota exceeded for good') });
    await assert.rejects(service.run(job), /quota exceeded for good/);
    assert.equal(executor.launchCalls, 1);
    assert.equal(storage.objects.size + storage.directories.size, 0);
  });

  it('gives up after maxAttemptsSchedule and rethrows the original error', async () => {
    const { service, executor, storage } = harness();
    for (let i = 0; i < 5; i++) executor.launchOutcomes.push({ throwBefore: new BackendUnavailableError(`down ${i}`) });
    const config = { retry: { maxAttemptsSchedule: 3 } };
    await assert.rejects(service.run(job, { executionConfig: config }), (e: Error) => e instanceof BackendUnavailableError && e.message === 'down 2');
    assert.equal(executor.launchCalls, 3);
    assert.equal(storage.directories.size, 0);
  });

  it('an abort while a launch is undoing its half-made start waits for the undo, then reports CANCELLED', async () => {
    const { service, executor, storage } = harness();
    const controller = new AbortController();
    executor.launch = async (spec: LaunchSpec, signal?: AbortSignal) => {
      executor.launchCalls += 1;
      executor.executions.set(spec.executionId, { spec, state: 'RUNNING', released: false }); // created on the backend
      controller.abort(); // the caller gives up mid-launch
      executor.finish(spec.executionId, 137); // the undo kills it (Docker: a forced remove) ...
      await new Promise((resolve) => setTimeout(resolve, 50));
      executor.executions.delete(spec.executionId); // ... and only then is it gone
      throw signal!.reason;
    };
    const result = await service.run(job, { signal: controller.signal });
    assert.equal(result.state, 'CANCELLED', 'not the FAILED of the kill seen mid-undo');
    assert.equal(executor.launchCalls, 1);
    assert.equal(executor.executions.size, 0);
    assert.equal(storage.objects.size + storage.directories.size, 0, 'nothing staged is left');
  });

  it('retries a transient error while reading smartjob.json', async () => {
    const { service, storage } = harness();
    storage.readFailures.push(Object.assign(new Error('flaky'), { retryable: true }));
    const result = await service.run(job);
    assert.equal(result.success, true);
    assert.equal(storage.readFailures.length, 0);
  });
});
