import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { BackendUnavailableError, PermissionDeniedError, SchedulingError, isRetryable } from '../../../src/domain/errors.js';
import type { LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { launchWithRetry } from '../../../src/domain/services/launch.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { shellJob, useCloudBatch, type CloudBatchHarness } from './cloudbatch-harness.js';

describe('CloudBatchExecutorAdapter under faults', { timeout: 180_000 }, () => {
  let h: CloudBatchHarness;
  useCloudBatch((started) => (h = started));

  const launchRetrying = (spec: LaunchSpec, adapter = h.adapter) =>
    launchWithRetry(adapter, spec, h.logger, { maxAttempts: 5, attemptTimeoutSeconds: 30, signal: undefined, minBackoffMs: 10 });
  const jobsOf = (spec: LaunchSpec) => [...h.fake.state.jobs.values()].filter((r) => r.job.labels?.[RECORD_KEYS.executionId] === spec.executionId);
  const writesOutput = (name: string) => shellJob(name, 'echo "{\\"id\\": \\"$EXECUTION_ID\\"}" > "$OUTPUT_PATH/smartjob.json"');

  it('turns UNAVAILABLE, RESOURCE_EXHAUSTED and INTERNAL on CreateJob into retryable errors, creating nothing', async () => {
    const spec = await h.plan(shellJob('unavailable-once', 'exit 0'));
    h.fake.failNext({ method: 'CreateJob', code: grpc.status.UNAVAILABLE });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof BackendUnavailableError && isRetryable(e));
    h.fake.failNext({ method: 'CreateJob', code: grpc.status.RESOURCE_EXHAUSTED });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && e.retryable);
    h.fake.failNext({ method: 'CreateJob', code: grpc.status.INTERNAL });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && e.retryable);
    assert.equal(jobsOf(spec).length, 0, 'nothing created');
  });

  it('gives exactly one job after a burst of UNAVAILABLE on CreateJob with launchWithRetry', async () => {
    const spec = await h.plan(writesOutput('unavailable-burst'));
    const before = h.fake.callCount('CreateJob');
    h.fake.failNext({ method: 'CreateJob', count: 3, code: grpc.status.UNAVAILABLE });
    await launchRetrying(spec);
    assert.equal(h.fake.callCount('CreateJob') - before, 4);
    assert.equal(jobsOf(spec).length, 1);
    const result = await h.service().attach(spec.executionId);
    assert.deepEqual([result.state, result.jsonOutput], ['SUCCEEDED', { id: spec.executionId }]);
  });

  it('finds the job a lost CreateJob answer created instead of creating another: one job, the right result', async () => {
    const spec = await h.plan(writesOutput('answer-lost'));
    const before = h.fake.callCount('CreateJob');
    h.fake.loseNextAnswer('CreateJob');
    const adapter = h.newAdapter(); // remembers nothing: the job can only be found by its labels
    const { logUrl } = await launchRetrying(spec, adapter);
    assert.equal(h.fake.callCount('CreateJob') - before, 1, 'CreateJob was not called again');
    assert.equal(jobsOf(spec).length, 1);
    assert.match(logUrl, /smartjob_execution_id%3D%22[0-9a-f]{16}%22/);
    const result = await h.service(adapter).attach(spec.executionId);
    assert.deepEqual([result.state, result.jsonOutput], ['SUCCEEDED', { id: spec.executionId }]);
  });

  it('looks for the job of a lost CreateJob answer where it was created: an execution with its own region, one CreateJob', async () => {
    const spec = await h.plan(writesOutput('answer-lost-region'), { region: 'us-central1' });
    const [creates, lists] = [h.fake.callCount('CreateJob'), h.fake.callCount('ListJobs')];
    h.fake.loseNextAnswer('CreateJob');
    const adapter = h.newAdapter();
    await launchRetrying(spec, adapter);
    assert.equal(h.fake.callCount('CreateJob') - creates, 1, 'CreateJob was not called again');
    assert.equal(h.fake.callCount('ListJobs') - lists, 0, 'no search in the service\'s region');
    assert.deepEqual(jobsOf(spec).map((r) => r.name.split('/')[3]), ['us-central1']);
    const result = await h.service(adapter).attach(spec.executionId);
    assert.deepEqual([result.state, result.jsonOutput], ['SUCCEEDED', { id: spec.executionId }]);
  });

  it('takes a repeated CreateJob (same request id) or ALREADY_EXISTS as "it was created": never a second job', async () => {
    const spec = await h.plan(shellJob('created-twice', 'exit 0'));
    await h.adapter.launch(spec);
    await h.newAdapter().launch(spec); // same job id and request id: Batch answers with the job
    h.fake.failNext({ method: 'CreateJob', code: grpc.status.ALREADY_EXISTS }); // as once the request id has expired
    await h.newAdapter().launch(spec);
    assert.equal(jobsOf(spec).length, 1);
    assert.ok(h.logger.lines.some((line) => line.includes(`an earlier attempt at ${spec.executionId} created it`)));
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('keeps waiting through UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED on ListJobs: one job, success', async () => {
    const spec = await h.plan(shellJob('polled-through-faults', 'sleep 1'));
    // the poller's own tolerance, without the per-call retry under it
    const adapter = h.newAdapter({ maxPollBackoffMs: 300, callRetry: { maxAttempts: 1 } });
    await adapter.launch(spec);
    const before = h.fake.callCount('ListJobs');
    h.fake.failNext({ method: 'ListJobs', count: 2, code: grpc.status.UNAVAILABLE });
    h.fake.failNext({ method: 'ListJobs', count: 3, code: grpc.status.RESOURCE_EXHAUSTED });
    h.fake.failNext({ method: 'ListJobs', count: 1, code: grpc.status.DEADLINE_EXCEEDED });
    assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
    assert.ok(h.fake.callCount('ListJobs') - before >= 7, 'the faulted polls happened and were survived');
    assert.equal(jobsOf(spec).length, 1);
    assert.ok(h.logger.lines.some((line) => line.includes(`transient error while polling ${spec.executionId} (code 8)`)));
  });

  it('surfaces PERMISSION_DENIED as PermissionDeniedError and INVALID_ARGUMENT as a final SchedulingError', async () => {
    const spec = await h.plan(shellJob('forbidden', 'exit 0'));
    h.fake.failNext({ method: 'CreateJob', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof PermissionDeniedError && !isRetryable(e));
    h.fake.failNext({ method: 'CreateJob', code: grpc.status.INVALID_ARGUMENT });
    await assert.rejects(h.adapter.launch(spec), (e) => e instanceof SchedulingError && !e.retryable);
    assert.equal(jobsOf(spec).length, 0);
  });
});
