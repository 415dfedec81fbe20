import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { BackendUnavailableError, PermissionDeniedError, SchedulingError, isRetryable } from '../../../src/domain/errors.js';
import type { LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { launchWithRetry } from '../../../src/domain/services/launch.js';
import type { VertexExecutorAdapter } from '../../../src/infra/gcp/vertex/vertex-executor.adapter.js';
import { shellJob, useVertex, type VertexHarness } from './vertex-harness.js';

describe('VertexExecutorAdapter under faults', { timeout: 240_000 }, () => {
  let h: VertexHarness;
  useVertex((started) => (h = started));

  const launchRetrying = (adapter: VertexExecutorAdapter, spec: LaunchSpec) =>
    launchWithRetry(adapter, spec, h.logger, { maxAttempts: 5, attemptTimeoutSeconds: 30, signal: undefined, minBackoffMs: 10 });

  it('turns UNAVAILABLE, RESOURCE_EXHAUSTED and INTERNAL on CreateCustomJob into retryable errors, and creates nothing', async () => {
    const spec = await h.plan(shellJob('refused-for-now', 'exit 0'));
    h.fake.failNext({ method: 'CreateCustomJob', code: grpc.status.UNAVAILABLE });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof BackendUnavailableError && isRetryable(e));
    for (const code of [grpc.status.RESOURCE_EXHAUSTED, grpc.status.INTERNAL]) {
      h.fake.failNext({ method: 'CreateCustomJob', code });
      await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && e.retryable);
    }
    assert.equal(h.jobsOf(spec.executionId).length, 0);
  });

  it('surfaces PERMISSION_DENIED as PermissionDeniedError and a refused job as a SchedulingError not worth retrying', async () => {
    const spec = await h.plan(shellJob('forbidden', 'exit 0'));
    h.fake.failNext({ method: 'CreateCustomJob', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof PermissionDeniedError && !isRetryable(e));
    h.fake.failNext({ method: 'CreateCustomJob', code: grpc.status.INVALID_ARGUMENT, message: 'machine type not available in this region' });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && !e.retryable && /machine type not available/.test(e.message));
    assert.equal(h.jobsOf(spec.executionId).length, 0);
  });

  it('gives exactly one job after a burst of UNAVAILABLE, with the service\'s retries', async () => {
    const spec = await h.plan(shellJob('unavailable-burst', 'exit 0'));
    const creates = h.fake.callCount('CreateCustomJob');
    h.fake.failNext({ method: 'CreateCustomJob', count: 3, code: grpc.status.UNAVAILABLE });
    await launchRetrying(h.adapter, spec);
    assert.equal(h.fake.callCount('CreateCustomJob') - creates, 4);
    h.jobOf(spec.executionId); // exactly one
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  for (const code of [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]) {
    it(`finds the job a lost CreateCustomJob answer (${grpc.status[code]}) created by its label, instead of creating another`, async () => {
      const spec = await h.plan(shellJob('answer-lost', 'sleep 1'));
      const [creates, lists] = [h.fake.callCount('CreateCustomJob'), h.fake.callCount('ListCustomJobs')];
      h.fake.loseNextAnswer('CreateCustomJob', code);
      // A fresh adapter remembers nothing: the job, whose id Vertex chose, can only be found through its label.
      const adapter = h.newAdapter();
      const { logUrl } = await launchRetrying(adapter, spec);
      assert.equal(h.fake.callCount('CreateCustomJob') - creates, 1, 'CreateCustomJob was not called again');
      assert.equal(h.fake.callCount('ListCustomJobs') - lists, 1, 'one labelled ListCustomJobs found it');
      const { id } = h.jobOf(spec.executionId);
      assert.ok(logUrl.includes(id), 'the log URL of the job found');
      assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
      assert.equal(h.jobsOf(spec.executionId).length, 1, 'still one job');
    });
  }

  it('looks for the job of a lost CreateCustomJob answer where it was created: an execution with its own region gets one job', async () => {
    const spec = await h.plan(shellJob('answer-lost-region', 'sleep 1'), { region: 'us-central1' });
    const creates = h.fake.callCount('CreateCustomJob');
    h.fake.loseNextAnswer('CreateCustomJob', grpc.status.UNAVAILABLE);
    const adapter = h.newAdapter();
    await launchRetrying(adapter, spec);
    assert.equal(h.fake.callCount('CreateCustomJob') - creates, 1, 'CreateCustomJob was not called again');
    assert.match(h.jobOf(spec.executionId).name, /\/locations\/us-central1\/customJobs\//);
    assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
    assert.equal(h.jobsOf(spec.executionId).length, 1, 'still one job');
  });

  it('keeps waiting through RESOURCE_EXHAUSTED, UNAVAILABLE and DEADLINE_EXCEEDED on ListCustomJobs, backing off', async () => {
    const spec = await h.plan(shellJob('polled-through-429', 'sleep 1'));
    // the poller's own backoff, without the per-call retry under it
    const adapter = h.newAdapter({ pollIntervalMs: 100, maxPollBackoffMs: 400, callRetry: { maxAttempts: 1 } });
    await adapter.launch(spec);
    const [lists, gets] = [h.fake.callCount('ListCustomJobs'), h.fake.callCount('GetCustomJob')];
    const quota = 'Quota exceeded for quota metric "Resource management (CRUD) requests" of service aiplatform.googleapis.com';
    h.fake.failNext({ method: 'ListCustomJobs', count: 5, code: grpc.status.RESOURCE_EXHAUSTED, message: quota });
    h.fake.failNext({ method: 'ListCustomJobs', count: 1, code: grpc.status.UNAVAILABLE });
    h.fake.failNext({ method: 'ListCustomJobs', count: 1, code: grpc.status.DEADLINE_EXCEEDED });
    assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
    assert.ok(h.fake.callCount('ListCustomJobs') - lists >= 8, 'the faulted listings happened and were survived');
    assert.equal(h.fake.callCount('GetCustomJob') - gets, 0, 'a failed listing does not fall back to a GetCustomJob per execution');
    assert.ok(h.logger.lines.some((line) => line.includes(`transient error while polling ${spec.executionId} (code 8); next poll in 400 ms`)), 'backed off up to maxPollBackoffMs');
  });

  it('fails a wait whose listing is refused for good (PERMISSION_DENIED), not only at the end', async () => {
    const spec = await h.plan(shellJob('denied-while-waiting', 'sleep 1'));
    await h.adapter.launch(spec);
    h.fake.failNext({ method: 'ListCustomJobs', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(h.adapter.wait(spec.executionId), PermissionDeniedError);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED', 'a new wait polls again');
  });
});
