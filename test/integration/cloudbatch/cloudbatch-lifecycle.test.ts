import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { NotFoundError, NotSupportedError } from '../../../src/domain/errors.js';
import { FINAL_STATES } from '../../../src/domain/execution.js';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { pollUntil } from '../../support/fake-backend-suite.js';
import { shellJob, useCloudBatch, type CloudBatchHarness } from './cloudbatch-harness.js';
import { assertAttemptsStayWithinTimeout } from '../../support/attempt-time-bound.js';

describe('CloudBatchExecutorAdapter against the fake Cloud Batch', { timeout: 180_000 }, () => {
  let h: CloudBatchHarness;
  useCloudBatch((started) => (h = started));
  const stateOf = async (executionId: string) => (await h.adapter.getStatus(executionId))?.state;
  const until = (executionId: string, state: string) => pollUntil(() => stateOf(executionId), (s) => s === state, `${executionId} ${state}`, 20_000);

  it('runs a job to SUCCEEDED, its smartjob.json lands in the bucket, onRunning is called once', async () => {
    const spec = await h.plan(shellJob('writes-output', 'sleep 0.5; echo "{\\"answer\\": 42, \\"id\\": \\"$EXECUTION_ID\\"}" > "$OUTPUT_PATH/smartjob.json"'));
    const { logUrl } = await h.adapter.launch(spec);
    assert.equal(logUrl, `https://console.cloud.google.com/logs/query;query=labels.smartjob_execution_id%3D%22${spec.executionId}%22?project=smartjob-tests`);
    const running: ExecutionStatus[] = [];
    const status = await h.adapter.wait(spec.executionId, { onRunning: (s) => running.push(s) });
    assert.equal(status.state, 'SUCCEEDED');
    assert.equal(status.exitCode, 0);
    assert.deepEqual([status.executionId, status.jobName, status.baseDir, status.logUrl], [spec.executionId, 'writes-output', spec.baseDir, logUrl]);
    assert.equal(status.created.getTime(), spec.created.getTime());
    assert.ok(status.started && status.stopped && status.stopped >= status.started);
    assert.deepEqual(running.map((s) => s.state), ['RUNNING'], 'onRunning once, with the RUNNING status');
    const written = JSON.parse(await readFile(join(h.bucketDir, spec.baseDir, 'output', 'smartjob.json'), 'utf8'));
    assert.deepEqual(written, { answer: 42, id: spec.executionId });
    assert.equal(h.jobOf(spec.executionId).name, `projects/smartjob-tests/locations/europe-west1/jobs/${spec.jobNamespace}-writes-output-${spec.executionId}`);
  });

  it("emits 'started' while the task runs, learnt from the poll's own listing (no GetJob), then 'finished'", async () => {
    const service = h.service();
    const events: string[] = [];
    const getJobs = h.fake.callCount('GetJob');
    const offs = (['scheduled', 'started', 'finished'] as const).map((type) => service.on(type, (event) => {
      const fakeState = type === 'started' ? `, fake ${String(h.jobOf(event.executionId).job.status?.state)}` : '';
      events.push(`${event.type} ${event.state}${fakeState}`);
    }));
    const result = await service.run({ ...shellJob('started-on-time', 'sleep 2'), namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE });
    offs.forEach((off) => off());
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.deepEqual(events, ['scheduled PENDING', 'started RUNNING, fake RUNNING', 'finished SUCCEEDED']);
    assert.equal(h.fake.callCount('GetJob') - getJobs, 0, 'the running state came from the ListJobs the poller makes anyway');
  });

  it('reports a non-zero exit as FAILED with the exit code from the status events', async () => {
    const spec = await h.plan(shellJob('exits-three', 'echo failing >&2; exit 3'));
    await h.adapter.launch(spec);
    const status = await h.adapter.wait(spec.executionId);
    assert.deepEqual([status.state, status.exitCode, status.message], ['FAILED', 3, 'the task exited with code 3']);
  });

  it('reports a task that ran over its max run duration (exit code 50005) as TIMED_OUT', async () => {
    const spec = await h.plan(shellJob('sleeps-too-long', 'sleep 30'), { timeout: { timeoutSeconds: 1 } });
    const started = Date.now();
    await h.adapter.launch(spec);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'TIMED_OUT');
    assert.match(status.message ?? '', /timeout of 1s reached .*50005/);
    assert.ok(Date.now() - started < 15_000, 'stopped at the deadline, not at the end of the sleep');
    assert.equal(Number(h.jobOf(spec.executionId).job.taskGroups?.[0]?.taskSpec?.maxRunDuration?.seconds), 1, 'the timeout is the max run duration');
  });

  it('retries the task when maxAttemptsExecute > 1 (max_retry_count), and not otherwise', async () => {
    const flaky = shellJob('flaky', 'test "$BATCH_TASK_RETRY_ATTEMPT" -ge 1 || exit 7');
    const once = await h.plan(flaky);
    await h.adapter.launch(once);
    assert.equal((await h.adapter.wait(once.executionId)).state, 'FAILED', 'one attempt only: max_retry_count 0');
    const twice = await h.plan(flaky, { retry: { maxAttemptsExecute: 2 } });
    await h.adapter.launch(twice);
    const status = await h.adapter.wait(twice.executionId);
    assert.equal(status.state, 'SUCCEEDED', 'the second attempt succeeds');
    assert.equal(status.exitCode, 0);
    assert.equal(h.jobOf(once.executionId).tasks[0]?.containers.length, 1);
    assert.equal(h.jobOf(twice.executionId).tasks[0]?.containers.length, 2, 'one container per attempt');
  });

  it('keeps an always-timing-out job within its timeout across 3 attempts: each gets a third (TIMED_OUT)', async (t) => {
    const spec = await assertAttemptsStayWithinTimeout(h, t);
    assert.equal(Number(h.jobOf(spec.executionId).job.taskGroups?.[0]?.taskSpec?.maxRunDuration?.seconds), 2, '6 s over 3 attempts');
    assert.equal(h.jobOf(spec.executionId).tasks[0]?.containers.length, 3, 'every attempt ran');
  });

  it('cancels a running job: CANCELLED, and cancelling again changes nothing', async () => {
    const spec = await h.plan(shellJob('cancelled', 'sleep 30'));
    await h.adapter.launch(spec);
    await until(spec.executionId, 'RUNNING');
    await h.adapter.cancel(spec.executionId);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'CANCELLED');
    await h.adapter.cancel(spec.executionId);
    assert.equal(await stateOf(spec.executionId), 'CANCELLED');
    assert.equal(h.fake.callCount('DeleteJob'), 0, 'cancelled, not deleted');
  });

  it('deletes the job instead only where CancelJob answers UNIMPLEMENTED, and reports CANCELLED', async () => {
    const spec = await h.plan(shellJob('cancel-unsupported', 'sleep 30'));
    await h.adapter.launch(spec);
    await until(spec.executionId, 'RUNNING');
    const deletes = h.fake.callCount('DeleteJob');
    h.fake.failNext({ method: 'CancelJob', code: grpc.status.UNIMPLEMENTED });
    await h.adapter.cancel(spec.executionId);
    assert.equal(h.fake.callCount('DeleteJob') - deletes, 1);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'CANCELLED');
    assert.match(status.message ?? '', /deleting its Batch job/);
    assert.ok(h.logger.warnings.some((w) => w.includes('CancelJob is not supported')));
  });

  it('answers a wait on a job deleted under it with a NotFoundError, not a hang', async () => {
    const spec = await h.plan(shellJob('deleted-under-us', 'sleep 30'));
    await h.adapter.launch(spec);
    const waited = h.adapter.wait(spec.executionId);
    waited.catch(() => undefined); // asserted below, once the job is gone
    await until(spec.executionId, 'RUNNING');
    await h.newAdapter().remove(spec.executionId); // another process deletes it
    await assert.rejects(waited, (e) => e instanceof NotFoundError && /is being deleted|no longer exists/.test(e.message));
    assert.equal(await h.adapter.getStatus(spec.executionId), undefined);
  });

  it('stops waiting when the signal aborts, with signal.reason, and the job goes on', async () => {
    const spec = await h.plan(shellJob('waited-for', 'sleep 30'));
    await h.adapter.launch(spec);
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 300);
    await assert.rejects(h.adapter.wait(spec.executionId, { signal: controller.signal }), (error) => error === reason);
    assert.ok(['PENDING', 'RUNNING'].includes((await stateOf(spec.executionId)) ?? ''), 'not cancelled by the abort');
    await h.adapter.cancel(spec.executionId);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'CANCELLED');
  });

  it('finds an execution from its id alone in another adapter (another process)', async () => {
    const spec = await h.plan(shellJob('found-later', 'exit 0'), { timeout: { timeoutSeconds: 120 } });
    await h.adapter.launch(spec);
    const other = h.newAdapter();
    const status = await other.wait(spec.executionId);
    assert.deepEqual([status.state, status.baseDir, status.jobNamespace, status.timeoutSeconds], ['SUCCEEDED', spec.baseDir, spec.jobNamespace, 120]);
    assert.equal(await other.getStatus('0123456789abcdef'), undefined);
    await assert.rejects(other.wait('0123456789abcdef'), NotFoundError);
  });

  it('refuses live logs with NotSupportedError pointing at Cloud Logging', async () => {
    const service = h.service();
    const spec = await h.plan(shellJob('no-logs', 'exit 0'));
    const { logUrl } = await h.adapter.launch(spec);
    await assert.rejects(service.logs(spec.executionId)[Symbol.asyncIterator]().next(),
      (error) => error instanceof NotSupportedError && error.message.includes(logUrl) && error.message.includes('cloudbatch'));
    await h.adapter.wait(spec.executionId);
  });

  it('lists by namespace, name and state (filtered server-side), and removes a job', async () => {
    const a = await h.plan(shellJob('listed', 'exit 0'));
    const b = await h.plan(shellJob('listed', 'exit 4'));
    await h.adapter.launch(a);
    await h.adapter.launch(b);
    await Promise.all([h.adapter.wait(a.executionId), h.adapter.wait(b.executionId)]);
    const ids = (statuses: readonly ExecutionStatus[]) => statuses.map((s) => s.executionId).sort();
    assert.deepEqual(ids(await h.adapter.list({ namespace: a.jobNamespace, name: 'listed', states: FINAL_STATES })), [a.executionId, b.executionId].sort());
    assert.deepEqual(ids(await h.adapter.list({ namespace: a.jobNamespace, name: 'listed', states: ['FAILED'] })), [b.executionId]);
    assert.deepEqual(await h.adapter.list({ namespace: a.jobNamespace, name: 'listed', states: ['RUNNING'] }), []);
    assert.deepEqual(await h.adapter.list({ namespace: a.jobNamespace, name: 'listed', states: [] }), []);
    await h.adapter.remove(a.executionId);
    assert.equal(await h.newAdapter().getStatus(a.executionId), undefined);
    assert.deepEqual(ids(await h.adapter.list({ namespace: a.jobNamespace, name: 'listed' })), [b.executionId]);
    await h.adapter.remove(a.executionId); // idempotent
  });
});
