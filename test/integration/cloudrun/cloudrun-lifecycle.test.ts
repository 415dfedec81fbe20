import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NotFoundError, NotSupportedError } from '../../../src/domain/errors.js';
import { FINAL_STATES } from '../../../src/domain/execution.js';
import { ExecutorService } from '../../../src/domain/services/executor.service.js';
import { NodeLocalFilesAdapter } from '../../../src/infra/local/node-local-files.adapter.js';
import { TIMEOUT_MESSAGE } from '../../fakes/cloudrun/fake-state.js';
import { fakeRecordOf, useCloudRun, shellJob, waitUntil, type CloudRunHarness } from './cloudrun-harness.js';
import { assertAttemptsStayWithinTimeout } from '../../support/attempt-time-bound.js';

describe('CloudRunExecutorAdapter against the fake Cloud Run', { timeout: 180_000 }, () => {
  let h: CloudRunHarness;
  useCloudRun((started) => (h = started));

  it('runs a job to SUCCEEDED and its smartjob.json lands in the staging bucket', async () => {
    const spec = await h.plan(shellJob('writes-output', 'echo "{\\"answer\\": 42, \\"id\\": \\"$EXECUTION_ID\\"}" > "$OUTPUT_PATH/smartjob.json"'));
    const { logUrl } = await h.adapter.launch(spec);
    assert.match(logUrl, /^https:\/\/console\.cloud\.google\.com\/run\/jobs\/executions\/details\/europe-west1\/[a-z0-9-]+\/tasks\?project=smartjob-tests$/);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'SUCCEEDED');
    assert.equal(status.exitCode, 0);
    assert.equal(status.executionId, spec.executionId);
    assert.equal(status.jobName, 'writes-output');
    assert.equal(status.baseDir, spec.baseDir);
    assert.equal(status.created.getTime(), spec.created.getTime());
    assert.equal(status.logUrl, logUrl);
    assert.ok(status.started && status.stopped && status.stopped >= status.started);
    const written = JSON.parse(await readFile(join(h.bucketDir, spec.baseDir, 'output', 'smartjob.json'), 'utf8'));
    assert.deepEqual(written, { answer: 42, id: spec.executionId });
  });

  it('reports a non-zero exit as FAILED with the exit code', async () => {
    const spec = await h.plan(shellJob('exits-three', 'echo failing >&2; exit 3'));
    await h.adapter.launch(spec);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'FAILED');
    assert.equal(status.exitCode, 3);
    assert.match(status.message ?? '', /exited with code 3/);
  });

  it('reports a task that hit its timeout as TIMED_OUT, not FAILED', async () => {
    const spec = await h.plan(shellJob('sleeps-too-long', 'sleep 30'), { timeout: { timeoutSeconds: 1 } });
    const started = Date.now();
    await h.adapter.launch(spec);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'TIMED_OUT');
    assert.equal(status.timeoutSeconds, 1);
    assert.match(status.message ?? '', /timeout of 1s reached/);
    assert.ok(Date.now() - started < 15_000, 'stopped at the deadline, not at the end of the sleep');
  });

  it('reports a timeout Cloud Run words otherwise as TIMED_OUT, from its task facts, and a quick failure as FAILED', async () => {
    h.fake.state.timeoutMessage = 'Task exceeded the maximum allowed run time.';
    try {
      const slow = await h.plan(shellJob('reworded-timeout', 'sleep 30'), { timeout: { timeoutSeconds: 1 } });
      const quick = await h.plan(shellJob('reworded-failure', 'exit 4'), { timeout: { timeoutSeconds: 1 } });
      await h.adapter.launch(slow);
      await h.adapter.launch(quick);
      const [timedOut, failed] = await Promise.all([h.adapter.wait(slow.executionId), h.adapter.wait(quick.executionId)]);
      assert.equal(fakeRecordOf(h, slow.executionId).execution.conditions?.find((c) => c.type === 'Completed')?.message, 'Task exceeded the maximum allowed run time.');
      assert.equal(timedOut.state, 'TIMED_OUT');
      assert.equal(timedOut.message, 'timeout of 1s reached (Task exceeded the maximum allowed run time.)');
      assert.deepEqual([failed.state, failed.exitCode], ['FAILED', 4]);
      assert.equal((await h.newAdapter().getStatus(slow.executionId))?.state, 'TIMED_OUT', 'another process reads it the same way');
    } finally {
      h.fake.state.timeoutMessage = TIMEOUT_MESSAGE;
    }
  });

  it('cancels a running execution: CANCELLED, and cancelling again changes nothing', async () => {
    const spec = await h.plan(shellJob('cancelled', 'sleep 30'));
    await h.adapter.launch(spec);
    await waitUntil(async () => (await h.adapter.getStatus(spec.executionId))?.state === 'RUNNING');
    await h.adapter.cancel(spec.executionId);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'CANCELLED');
    await h.adapter.cancel(spec.executionId);
    assert.equal((await h.adapter.getStatus(spec.executionId))?.state, 'CANCELLED');
  });

  it('retries the task when maxAttemptsExecute > 1 (task max_retries), and not otherwise', async () => {
    const flaky = shellJob('flaky', 'test "$CLOUD_RUN_TASK_ATTEMPT" -ge 1 || exit 7');
    const once = await h.plan(flaky);
    await h.adapter.launch(once);
    assert.equal((await h.adapter.wait(once.executionId)).state, 'FAILED', 'one attempt only: max_retries 0 set explicitly');
    const twice = await h.plan(flaky, { retry: { maxAttemptsExecute: 2 } });
    await h.adapter.launch(twice);
    assert.equal((await h.adapter.wait(twice.executionId)).state, 'SUCCEEDED', 'the second attempt succeeds');
    assert.equal(fakeRecordOf(h, once.executionId).containers.length, 1);
    assert.equal(fakeRecordOf(h, twice.executionId).containers.length, 2, 'one container per attempt on the engine');
  });

  it('keeps an always-timing-out job within its timeout across 3 attempts: each gets a third (TIMED_OUT)', async (t) => {
    const spec = await assertAttemptsStayWithinTimeout(h, t);
    const record = fakeRecordOf(h, spec.executionId);
    assert.equal(Number(record.execution.template?.timeout?.seconds), 2, '6 s over 3 attempts');
    assert.equal(record.containers.length, 3, 'every attempt ran');
  });

  it('stops waiting when the signal aborts, with signal.reason, and the execution goes on', async () => {
    const spec = await h.plan(shellJob('waited-for', 'sleep 30'));
    await h.adapter.launch(spec);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 300);
    const before = Date.now();
    await assert.rejects(h.adapter.wait(spec.executionId, { signal: controller.signal }), (error) => error === reason);
    assert.ok(Date.now() - before < 2_000, 'rejected promptly');
    assert.ok(['PENDING', 'RUNNING'].includes((await h.adapter.getStatus(spec.executionId))?.state ?? ''), 'not cancelled by the abort');
    await h.adapter.cancel(spec.executionId);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'CANCELLED');
  });

  it('finds an execution from its id alone in another adapter (another process)', async () => {
    const spec = await h.plan(shellJob('found-later', 'exit 0'));
    await h.adapter.launch(spec);
    const other = h.newAdapter();
    const status = await other.wait(spec.executionId);
    assert.equal(status.state, 'SUCCEEDED');
    assert.equal(status.baseDir, spec.baseDir);
    assert.equal(status.jobNamespace, spec.jobNamespace);
    assert.equal(status.timeoutSeconds, spec.config.timeout.timeoutSeconds);
    assert.equal(await other.getStatus('0123456789abcdef'), undefined);
  });

  it('refuses live logs with NotSupportedError pointing at the console', async () => {
    const service = new ExecutorService({ executor: h.adapter, storage: h.storage, localFiles: new NodeLocalFilesAdapter(), logger: h.logger });
    const spec = await h.plan(shellJob('no-logs', 'exit 0'));
    const { logUrl } = await h.adapter.launch(spec);
    const iterator = service.logs(spec.executionId)[Symbol.asyncIterator]();
    await assert.rejects(iterator.next(), (error) => error instanceof NotSupportedError && error.message.includes(logUrl) && error.message.includes('cloudrun'));
    await assert.rejects(service.logs('ffffffffffffffff')[Symbol.asyncIterator]().next(), NotFoundError);
    await h.adapter.wait(spec.executionId);
  });

  it('lists by namespace, name and state, and removes an execution then its job once it has none left', async () => {
    const a = await h.plan(shellJob('listed', 'exit 0'));
    const b = await h.plan(shellJob('listed', 'exit 0'));
    await h.adapter.launch(a);
    await h.adapter.launch(b);
    await Promise.all([h.adapter.wait(a.executionId), h.adapter.wait(b.executionId)]);
    const listed = await h.adapter.list({ namespace: a.jobNamespace, name: 'listed', states: FINAL_STATES });
    assert.deepEqual(listed.map((s) => s.executionId).sort(), [a.executionId, b.executionId].sort());
    assert.deepEqual(await h.adapter.list({ namespace: a.jobNamespace, name: 'listed', states: ['RUNNING'] }), []);
    const jobsBefore = h.fake.state.jobs.size;

    await h.adapter.remove(a.executionId);
    assert.equal(await h.adapter.getStatus(a.executionId), undefined);
    assert.equal(h.fake.state.jobs.size, jobsBefore, 'the job keeps its other execution');
    await h.adapter.remove(b.executionId);
    assert.equal(await h.newAdapter().getStatus(b.executionId), undefined);
    assert.equal(h.fake.state.jobs.size, jobsBefore - 1, 'the job went with its last execution');
    await h.adapter.remove(b.executionId); // idempotent

    const again = await h.plan(shellJob('listed', 'exit 0'));
    await h.adapter.launch(again);
    assert.equal((await h.adapter.wait(again.executionId)).state, 'SUCCEEDED', 'the deleted job is created again on the next launch');
  });
});
