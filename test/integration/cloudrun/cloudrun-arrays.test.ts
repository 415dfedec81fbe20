import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../src/domain/errors.js';
import { shellJob } from '../../conformance/executor.conformance.js';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { TIMEOUT_MESSAGE } from '../../fakes/cloudrun/fake-state.js';
import { BUCKET, callsFrom, fakeExecutionOf, useCloudRunService } from './cloudrun-service.js';

/** Writes {task, count, attempt} to its own OUTPUT_PATH/smartjob.json, after `before` (a shell snippet). */
const taskJob = (name: string, before = 'true') =>
  shellJob(name, `${before}; echo "{\\"task\\": $SMARTJOB_TASK_INDEX, \\"count\\": $SMARTJOB_TASK_COUNT, \\"attempt\\": $CLOUD_RUN_TASK_ATTEMPT}" > "$OUTPUT_PATH/smartjob.json"`);

describe('Cloud Run service: native arrays (runArray)', { timeout: 180_000 }, () => {
  const s = useCloudRunService();

  it('runs N tasks as one execution of N containers, one poll entry, one ListTasks at the end; a result per task', async (t) => {
    const calls = callsFrom(s.fake);
    const logStart = s.logger.lines.length;
    const result = await s.service.runArray(taskJob('array', 'sleep 1; [ "$SMARTJOB_TASK_INDEX" != 1 ] || exit 4'), { count: 3, parallelism: 2 });
    assert.equal(result.native, true);
    assert.equal(result.success, false);
    assert.deepEqual(result.tasks.map((t) => [t.index, t.state, t.exitCode]), [[0, 'SUCCEEDED', 0], [1, 'FAILED', 4], [2, 'SUCCEEDED', 0]]);
    for (const task of result.tasks.filter((t) => t.success)) assert.deepEqual(task.jsonOutput, { task: task.index, count: 3, attempt: 0 });
    assert.match(result.tasks[1]?.message ?? '', /exited with code 4/);
    assert.deepEqual(result.tasks.map((t) => t.executionId), [result.executionId, result.executionId, result.executionId]);
    assert.deepEqual(result.tasks.map((t) => t.outputPath?.endsWith(`/output/tasks/${t.index}`)), [true, true, true]);

    const record = fakeExecutionOf(s.fake, result.executionId!); // exactly one execution for the three tasks
    assert.equal(calls('RunJob'), 1, 'one API object for the three tasks');
    assert.deepEqual([record.execution.taskCount, record.execution.parallelism, record.peakRunning], [3, 2, 2]);
    const envs = await s.fake.containerEnvs(record.name);
    assert.deepEqual(envs.map((e) => e.CLOUD_RUN_TASK_INDEX).sort(), ['0', '1', '2'], 'three containers, one per task index');
    assert.ok(envs.every((e) => e.OUTPUT_PATH?.endsWith('/output') && e.SMARTJOB_TASK_COUNT === '3'), 'one env for all: the wrapper sets each task\'s own');

    const polls = s.logger.lines.slice(logStart).filter((line) => line.startsWith('debug polling '));
    t.diagnostic(`3 tasks over ${polls.length} ticks: ${(['RunJob', 'ListExecutions', 'GetExecution', 'ListTasks', 'GetTask'] as const).map((m) => `${m} ${calls(m)}`).join(', ')}`);
    assert.ok(polls.length > 0 && polls.every((line) => line === `debug polling ${result.executionId} in 1 location(s)`), 'one poll entry for N tasks');
    assert.equal(calls('ListExecutions'), polls.length, 'one listing per tick');
    assert.equal(calls('ListTasks'), 1, 'the tasks are read once, at the end');
    assert.equal(calls('GetExecution') + calls('GetTask'), 0);

    const status = await s.service.getStatus(result.executionId!);
    assert.deepEqual(status.tasks?.map((t) => t.state), ['SUCCEEDED', 'FAILED', 'SUCCEEDED'], 'getStatus by id gives the tasks too');
    const attached = await s.service.attach(result.executionId!);
    assert.deepEqual(attached.tasks?.map((t) => t.jsonOutput), result.tasks.map((t) => t.jsonOutput));
  });

  it('applies the timeout and maxAttemptsExecute per task', async () => {
    const flakyFirst = '[ "$SMARTJOB_TASK_INDEX" != 0 ] || [ "$CLOUD_RUN_TASK_ATTEMPT" -ge 1 ] || exit 7; [ "$SMARTJOB_TASK_INDEX" != 1 ] || sleep 30';
    const result = await s.service.runArray(taskJob('array-limits', flakyFirst), {
      count: 3, parallelism: 3, executionConfig: { timeout: { timeoutSeconds: 2 }, retry: { maxAttemptsExecute: 2 } },
    });
    assert.deepEqual(result.tasks.map((t) => t.state), ['SUCCEEDED', 'TIMED_OUT', 'SUCCEEDED']);
    assert.deepEqual(result.tasks[0]?.jsonOutput, { task: 0, count: 3, attempt: 1 }, 'task 0 succeeded on its retry');
    assert.match(result.tasks[1]?.message ?? '', /timeout of 2s reached/);
    const attempts = (await s.fake.containerEnvs(fakeExecutionOf(s.fake, result.executionId!).name)).map((e) => e.CLOUD_RUN_TASK_INDEX).sort();
    assert.deepEqual(attempts, ['0', '0', '1', '1', '2'], 'two attempts for each task that failed its first, one for the other');
  });

  it('reports an array whose task timed out as TIMED_OUT though Cloud Run words the timeout otherwise', async () => {
    s.fake.state.timeoutMessage = 'Task exceeded the maximum allowed run time.';
    try {
      const result = await s.service.runArray(taskJob('array-reworded', '[ "$SMARTJOB_TASK_INDEX" != 1 ] || sleep 30'), {
        count: 2, parallelism: 2, executionConfig: { timeout: { timeoutSeconds: 1 } },
      });
      assert.deepEqual([result.success, ...result.tasks.map((t) => t.state)], [false, 'SUCCEEDED', 'TIMED_OUT']);
      assert.equal((await s.service.getStatus(result.executionId!)).state, 'TIMED_OUT', "the array's own state");
      assert.equal(result.tasks[1]?.message, 'timeout of 1s reached (Task exceeded the maximum allowed run time.)');
    } finally {
      s.fake.state.timeoutMessage = TIMEOUT_MESSAGE;
    }
  });

  it('an abort cancels the whole array: every task CANCELLED, those not started never run, no container left running', async () => {
    const controller = new AbortController();
    const started = new Promise<void>((resolve) => {
      const off = s.service.on('started', () => {
        off();
        resolve();
      });
    });
    const running = s.service.runArray(taskJob('array-aborted', 'sleep 30'), { count: 3, parallelism: 1, signal: controller.signal });
    await started;
    controller.abort(new Error('caller gave up'));
    const result = await running;
    assert.deepEqual(result.tasks.map((t) => t.state), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    const record = fakeExecutionOf(s.fake, result.executionId!);
    assert.deepEqual([record.execution.cancelledCount, record.tasks.filter((t) => t.task.startTime).length], [3, 1]);
    const containers = await s.fake.containers(record.name);
    assert.equal(containers.length, 1, 'only the task that had started got a container');
    assert.deepEqual(containers.filter((c) => c.State === 'running'), []);
    await s.service.cleanup({ namespace: TEST_NAMESPACE });
    assert.deepEqual(await s.fake.containers(record.name), [], 'cleanup removes the array execution and its containers');
  });

  it('refuses, before anything exists, an array of a job that gives no command to wrap', async () => {
    const calls = callsFrom(s.fake);
    const noArgs = { name: 'array-no-args', namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE };
    await assert.rejects(s.service.runArray(noArgs, { count: 2 }), (error: unknown) =>
      error instanceof ValidationError && error.field === 'job.overriddenArgs' && /sh -c/.test(error.message));
    assert.deepEqual([calls('CreateJob'), calls('RunJob'), calls('GetJob')], [0, 0, 0]);
    const staged = (await readdir(s.gcs.bucketDir(BUCKET), { recursive: true })).map(String);
    assert.deepEqual(staged.filter((path) => path.includes('array-no-args')), [], 'nothing left staged');
  });
});
