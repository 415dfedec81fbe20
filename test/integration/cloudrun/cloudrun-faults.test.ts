import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JobsClient } from '@google-cloud/run';
import { createBackoffSettings, grpc } from 'google-gax';
import { BackendUnavailableError, PermissionDeniedError, SchedulingError, isRetryable } from '../../../src/domain/errors.js';
import type { LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { launchWithRetry } from '../../../src/domain/services/launch.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { useCloudRun, shellJob, type CloudRunHarness } from './cloudrun-harness.js';

describe('CloudRunExecutorAdapter under faults', { timeout: 180_000 }, () => {
  let h: CloudRunHarness;
  useCloudRun((started) => (h = started));

  const launchRetrying = (spec: LaunchSpec) =>
    launchWithRetry(h.adapter, spec, h.logger, { maxAttempts: 5, attemptTimeoutSeconds: 30, signal: undefined, minBackoffMs: 10 });
  const executionsOf = (spec: LaunchSpec) => [...h.fake.state.executions.values()].filter((r) =>
    r.execution.template?.containers?.[0]?.env?.some((e) => e.name === RECORD_KEYS.executionId && e.value === spec.executionId));

  it('turns UNAVAILABLE and RESOURCE_EXHAUSTED on RunJob into retryable errors', async () => {
    const spec = await h.plan(shellJob('unavailable-once', 'exit 0'));
    h.fake.failNext({ method: 'RunJob', code: grpc.status.UNAVAILABLE });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof BackendUnavailableError && isRetryable(e));
    h.fake.failNext({ method: 'RunJob', code: grpc.status.RESOURCE_EXHAUSTED });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && e.retryable);
    h.fake.failNext({ method: 'RunJob', code: grpc.status.INTERNAL });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && e.retryable);
    assert.equal(executionsOf(spec).length, 0, 'nothing started');
  });

  it('gives exactly one execution after a burst of UNAVAILABLE with launchWithRetry', async () => {
    const spec = await h.plan(shellJob('unavailable-burst', 'exit 0'));
    const before = h.fake.callCount('RunJob');
    h.fake.failNext({ method: 'RunJob', count: 3, code: grpc.status.UNAVAILABLE });
    await launchRetrying(spec);
    assert.equal(h.fake.callCount('RunJob') - before, 4);
    assert.equal(executionsOf(spec).length, 1);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('finds the execution a lost RunJob answer started instead of starting another', async () => {
    const spec = await h.plan(shellJob('answer-lost', 'exit 0'));
    const before = h.fake.callCount('RunJob');
    h.fake.loseNextAnswer('RunJob');
    // A fresh adapter remembers nothing: the execution can only be found through the listing.
    const adapter = h.newAdapter();
    const { logUrl } = await launchWithRetry(adapter, spec, h.logger, { maxAttempts: 5, attemptTimeoutSeconds: 30, signal: undefined, minBackoffMs: 10 });
    assert.equal(h.fake.callCount('RunJob') - before, 1, 'RunJob was not called again');
    assert.equal(executionsOf(spec).length, 1);
    assert.match(logUrl, /executions\/details/);
    assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('looks for the execution of a lost RunJob answer where it was started: an execution with its own region gets one', async () => {
    const spec = await h.plan(shellJob('answer-lost-region', 'exit 0'), { region: 'us-central1' });
    const before = h.fake.callCount('RunJob');
    h.fake.loseNextAnswer('RunJob');
    const adapter = h.newAdapter();
    await launchWithRetry(adapter, spec, h.logger, { maxAttempts: 5, attemptTimeoutSeconds: 30, signal: undefined, minBackoffMs: 10 });
    assert.equal(h.fake.callCount('RunJob') - before, 1, 'RunJob was not called again');
    assert.deepEqual(executionsOf(spec).map((r) => r.name.split('/')[3]), ['us-central1']);
    assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('keeps waiting through RESOURCE_EXHAUSTED and UNAVAILABLE while polling', async () => {
    const spec = await h.plan(shellJob('polled-through-429', 'sleep 1'));
    const adapter = h.newAdapter({ maxPollBackoffMs: 300 });
    await adapter.launch(spec);
    // Waits poll with one ListExecutions per tick (GetExecution only for an execution the listing misses).
    const before = h.fake.callCount('ListExecutions');
    h.fake.failNext({ method: 'ListExecutions', count: 3, code: grpc.status.RESOURCE_EXHAUSTED });
    h.fake.failNext({ method: 'ListExecutions', count: 1, code: grpc.status.UNAVAILABLE });
    h.fake.failNext({ method: 'ListExecutions', count: 1, code: grpc.status.DEADLINE_EXCEEDED });
    const status = await adapter.wait(spec.executionId);
    assert.equal(status.state, 'SUCCEEDED');
    assert.ok(h.fake.callCount('ListExecutions') - before >= 6, 'the faulted polls happened and were survived');
    assert.ok(h.logger.lines.some((line) => line.includes(`transient error while polling ${spec.executionId} (code 8)`)));
  });

  it('outlives the client library operation polling budget', async () => {
    const spec = await h.plan(shellJob('outlives-lro-budget', 'sleep 2'));
    // The client's own long-running-operation polling, with a budget shorter than the job: it gives up.
    const jobs = new JobsClient(h.clientOptions);
    try {
      await h.adapter.launch(spec); // creates the job
      const job = [...h.fake.state.jobs.values()].find((j) => j.labels?.[RECORD_KEYS.name] === 'outlives-lro-budget');
      assert.ok(job?.name);
      const overrides = { containerOverrides: [{ name: 'job', args: ['sleep', '2'] }] };
      const [operation] = await jobs.runJob({ name: job.name, overrides }, { longrunning: createBackoffSettings(100, 1, 100, null, null, null, 500) });
      await assert.rejects(operation.promise(), /Total timeout exceeded/);
      // The adapter polls the execution itself, with no total budget: it sees the end.
      assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
    } finally {
      await jobs.close();
    }
  });

  it('surfaces PERMISSION_DENIED as PermissionDeniedError and creates a job only on NOT_FOUND', async () => {
    const spec = await h.plan(shellJob('forbidden', 'exit 0'));
    const creates = h.fake.callCount('CreateJob');
    h.fake.failNext({ method: 'GetJob', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof PermissionDeniedError && !isRetryable(e));
    assert.equal(h.fake.callCount('CreateJob'), creates, 'no CreateJob after a GetJob error other than NOT_FOUND');
    h.fake.failNext({ method: 'RunJob', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(h.adapter.launch(spec), PermissionDeniedError);
    h.fake.failNext({ method: 'RunJob', code: grpc.status.INVALID_ARGUMENT });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && !e.retryable);
  });
});
