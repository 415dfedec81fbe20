import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { useCloudBatch, type CloudBatchHarness } from './cloudbatch-harness.js';

/** runArray on Batch: one job of N tasks (task environments), their statuses from one ListTasks at the end. */
describe('Cloud Batch native arrays', { timeout: 180_000 }, () => {
  let h: CloudBatchHarness;
  useCloudBatch((started) => (h = started));

  it('runs N tasks as one job, one poll entry per tick: one result per task, by index, each with its own output', async () => {
    const script = 'test "$SMARTJOB_TASK_INDEX" = 2 && exit 5; echo "{\\"index\\": $SMARTJOB_TASK_INDEX, \\"count\\": $SMARTJOB_TASK_COUNT}" > "$OUTPUT_PATH/smartjob.json"';
    const job = { name: 'array', namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE, overriddenArgs: ['sh', '-c', script] };
    const creates = h.fake.callCount('CreateJob');
    const listTasks = h.fake.callCount('ListTasks');
    const [listJobs, getJob] = [h.fake.callCount('ListJobs'), h.fake.callCount('GetJob')];
    const logStart = h.logger.lines.length;
    const array = await h.service().runArray(job, { count: 4, parallelism: 2 });
    assert.equal(h.fake.callCount('CreateJob') - creates, 1, 'one job for the four tasks');
    assert.equal(h.fake.callCount('ListTasks') - listTasks, 1, 'the tasks read once, at the end');
    const polls = h.logger.lines.slice(logStart).filter((line) => line.startsWith('debug polling '));
    assert.ok(polls.length > 0 && polls.every((line) => line === `debug polling ${array.executionId} in 1 location(s)`), `one poll entry for the four tasks: ${polls.join('; ')}`);
    assert.equal(h.fake.callCount('ListJobs') - listJobs, polls.length, 'one listing per tick');
    assert.equal(h.fake.callCount('GetJob') - getJob, 0);
    assert.equal(array.native, true);
    assert.equal(array.success, false);
    assert.deepEqual(array.tasks.map((t) => [t.index, t.state, t.exitCode]), [[0, 'SUCCEEDED', 0], [1, 'SUCCEEDED', 0], [2, 'FAILED', 5], [3, 'SUCCEEDED', 0]]);
    assert.deepEqual(array.tasks.map((t) => t.jsonOutput), [{ index: 0, count: 4 }, { index: 1, count: 4 }, undefined, { index: 3, count: 4 }]);
    assert.ok(array.tasks.every((t) => t.executionId === array.executionId && t.outputPath?.endsWith(`/output/tasks/${t.index}`)));
    assert.ok(array.tasks.every((t) => t.started && t.stopped && t.stopped >= t.started));
    const record = h.jobOf(array.executionId!);
    assert.deepEqual([Number(record.job.taskGroups?.[0]?.taskCount), Number(record.job.taskGroups?.[0]?.parallelism)], [4, 2]);

    const attached = await h.service(h.newAdapter()).attach(array.executionId!);
    assert.deepEqual(attached.tasks?.map((t) => [t.index, t.state]), [[0, 'SUCCEEDED'], [1, 'SUCCEEDED'], [2, 'FAILED'], [3, 'SUCCEEDED']], 'another process gets the tasks too');
  });

  it('applies the timeout and the retries per task', async () => {
    const script = 'test "$SMARTJOB_TASK_INDEX" = 1 && sleep 30; test "$SMARTJOB_TASK_INDEX" = 0 && test "$BATCH_TASK_RETRY_ATTEMPT" = 0 && exit 9; exit 0';
    const job = { name: 'array-limits', namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE, overriddenArgs: ['sh', '-c', script] };
    const array = await h.service().runArray(job, { count: 2, executionConfig: { timeout: { timeoutSeconds: 1 }, retry: { maxAttemptsExecute: 2 } } });
    assert.deepEqual(array.tasks.map((t) => [t.index, t.state]), [[0, 'SUCCEEDED'], [1, 'TIMED_OUT']], 'task 0 succeeded on its retry; task 1 ran over its max run duration (twice)');
  });
});
