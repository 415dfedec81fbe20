import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SchedulingError, ValidationError } from '../../src/domain/errors.js';
import type { LaunchSpec } from '../../src/domain/ports/executor.port.js';
import type { ExecutionEvent } from '../../src/domain/services/execution-events.js';
import { harness, job } from './service-harness.js';

/** Each task writes {"task": i} where its OUTPUT_PATH points, and exits with 3 when its index is in `failing`. */
function arrayHarness(options: { native: boolean; maxWorkers?: number; failing?: number[]; delayMs?: number }) {
  const h = harness(options.maxWorkers ?? 4);
  h.executor.nativeArrays = options.native;
  h.executor.autoFinish = (spec: LaunchSpec) => {
    const index = Number(spec.env.SMARTJOB_TASK_INDEX);
    const outputDir = spec.env.OUTPUT_PATH!.slice('/staging/'.length);
    h.storage.objects.set(`${outputDir}/smartjob.json`, new TextEncoder().encode(JSON.stringify({ task: index })));
    return { exitCode: options.failing?.includes(index) ? 3 : 0, delayMs: options.delayMs ?? 5 };
  };
  return h;
}

describe('service.runArray, N-executions fallback (in-memory ports)', () => {
  it('runs count executions, parallelism at once; one entry per task by index, each with its own output', async () => {
    const { service, executor } = arrayHarness({ native: false, maxWorkers: 8 });
    const result = await service.runArray(job, { count: 5, parallelism: 2, addEnvs: { SHARED: 'x' } });
    assert.equal(result.native, false);
    assert.equal(result.success, true);
    assert.equal(result.executionId, undefined);
    assert.deepEqual(result.tasks.map((t) => [t.index, t.state, t.exitCode, t.jsonOutput]), [0, 1, 2, 3, 4].map((i) => [i, 'SUCCEEDED', 0, { task: i }]));
    assert.equal(executor.maxRunning, 2);
    assert.equal(new Set(result.tasks.map((t) => t.outputPath)).size, 5);
    for (const task of result.tasks) {
      const { env } = executor.executions.get(task.executionId!)!.spec;
      assert.deepEqual([env.SMARTJOB_TASK_INDEX, env.SMARTJOB_TASK_COUNT, env.SHARED], [String(task.index), '5', 'x']);
    }
  });

  it('defaults parallelism to maxWorkers, never above count', async () => {
    const many = arrayHarness({ native: false, maxWorkers: 3 });
    await many.service.runArray(job, { count: 9 });
    assert.equal(many.executor.maxRunning, 3);
    const few = arrayHarness({ native: false, maxWorkers: 3 });
    const result = await few.service.runArray(job, { count: 1, parallelism: 50 });
    assert.equal(result.tasks.length, 1);
  });

  it('a failing task is its entry (FAILED, exit code); the others succeed; success is false', async () => {
    const { service } = arrayHarness({ native: false, failing: [2] });
    const result = await service.runArray(job, { count: 4 });
    assert.equal(result.success, false);
    assert.deepEqual(result.tasks.map((t) => t.state), ['SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    assert.equal(result.tasks[2]!.exitCode, 3);
  });

  it('an abort: running tasks CANCELLED, the tasks never launched CANCELLED without an execution', async () => {
    const { service, executor } = harness();
    executor.autoFinish = () => undefined;
    const controller = new AbortController();
    const pending = service.runArray(job, { count: 10, parallelism: 3, signal: controller.signal });
    while (executor.running() < 3) await new Promise((r) => setTimeout(r, 1));
    controller.abort();
    const result = await pending;
    assert.equal(result.tasks.length, 10);
    assert.ok(result.tasks.every((t) => t.state === 'CANCELLED'));
    assert.equal(result.tasks.filter((t) => t.executionId !== undefined).length, 3);
    assert.equal(executor.running(), 0);
  });

  it('a task that cannot be scheduled cancels the others and its error is thrown', async () => {
    const { service, executor } = harness();
    executor.autoFinish = () => undefined;
    executor.launchOutcomes.push({ throwBefore: new SchedulingError('quota exceeded') });
    await assert.rejects(service.runArray(job, { count: 6, parallelism: 3 }), /quota exceeded/);
    assert.equal(executor.running(), 0);
    assert.ok(executor.launchCalls <= 3, `${executor.launchCalls} launches`);
  });

  it('bad options are ValidationErrors naming the field, and nothing is launched', async () => {
    const { service, executor } = harness();
    const field = (f: string) => (e: unknown) => e instanceof ValidationError && e.field === f;
    await assert.rejects(service.runArray(job, { count: 0 }), field('count'));
    await assert.rejects(service.runArray(job, { count: 10_001 }), field('count'));
    await assert.rejects(service.runArray(job, { count: 1.5 }), field('count'));
    await assert.rejects(service.runArray(job, undefined as never), field('options'));
    await assert.rejects(service.runArray(job, { count: 2, parallelism: 0 }), field('parallelism'));
    await assert.rejects(service.runArray(job, { count: 2, addEnvs: { SMARTJOB_TASK_INDEX: '1' } }), field('addEnvs.SMARTJOB_TASK_INDEX'));
    await assert.rejects(service.runArray({ ...job, addEnvs: { SMARTJOB_TASK_COUNT: '1' } }, { count: 2 }), field('job.addEnvs.SMARTJOB_TASK_COUNT'));
    assert.equal(executor.launchCalls, 0);
  });
});

describe('service.runArray on a port with native arrays (in-memory ports)', () => {
  it('launches one execution with spec.array; one entry per task from tasks/<index>; one set of events', async () => {
    const { service, executor, storage } = arrayHarness({ native: true });
    const events: ExecutionEvent[] = [];
    for (const type of ['scheduled', 'started', 'finished'] as const) service.on(type, (e) => void events.push(e));
    const result = await service.runArray(job, { count: 4, parallelism: 2 });
    assert.equal(executor.launchCalls, 1);
    const { spec } = executor.executions.get(result.executionId!)!;
    assert.deepEqual(spec.array, { count: 4, parallelism: 2 });
    assert.equal(spec.env.SMARTJOB_TASK_COUNT, '4');
    assert.equal(spec.env.SMARTJOB_TASK_INDEX, undefined);
    for (let i = 0; i < 4; i++) assert.ok(storage.directories.has(`${spec.baseDir}/output/tasks/${i}`), `task ${i} directory`);
    assert.equal(result.native, true);
    assert.equal(result.success, true);
    assert.deepEqual(result.tasks.map((t) => [t.index, t.state, t.jsonOutput, t.executionId]), [0, 1, 2, 3].map((i) => [i, 'SUCCEEDED', { task: i }, result.executionId]));
    assert.deepEqual(result.tasks.map((t) => t.outputPath), [0, 1, 2, 3].map((i) => `mem://${spec.baseDir}/output/tasks/${i}`));
    assert.deepEqual(events.map((e) => e.type), ['scheduled', 'started', 'finished']);
  });

  it('a failing task: its entry FAILED with its exit code, success false', async () => {
    const { service } = arrayHarness({ native: true, failing: [1] });
    const result = await service.runArray(job, { count: 3 });
    assert.equal(result.success, false);
    assert.deepEqual(result.tasks.map((t) => [t.state, t.exitCode]), [['SUCCEEDED', 0], ['FAILED', 3], ['SUCCEEDED', 0]]);
  });

  it('an abort cancels the one execution: every task CANCELLED', async () => {
    const { service, executor } = harness();
    executor.nativeArrays = true;
    executor.autoFinish = () => undefined;
    const controller = new AbortController();
    const pending = service.runArray(job, { count: 3, signal: controller.signal });
    while (executor.running() < 1) await new Promise((r) => setTimeout(r, 1));
    controller.abort();
    const result = await pending;
    assert.deepEqual(result.tasks.map((t) => t.state), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('a spec the port refuses (checkLaunch) is thrown before anything is staged or launched', async () => {
    const { service, executor, storage } = arrayHarness({ native: true });
    const refusal = new ValidationError('job.overriddenArgs', 'must give the command of an array');
    const checked: LaunchSpec[] = [];
    executor.checkLaunch = (spec) => {
      checked.push(spec);
      throw refusal;
    };
    await assert.rejects(service.runArray(job, { count: 3 }), (error) => error === refusal);
    assert.deepEqual(checked.map((spec) => spec.array), [{ count: 3, parallelism: 3 }]);
    assert.deepEqual([executor.launchCalls, storage.directories.size, storage.objects.size], [0, 0, 0]);
  });

  it('attach by id of a native array returns its tasks too', async () => {
    const { service } = arrayHarness({ native: true });
    const { executionId } = await service.runArray(job, { count: 2 });
    const attached = await service.attach(executionId!);
    assert.deepEqual(attached.tasks?.map((t) => [t.index, t.jsonOutput]), [[0, { task: 0 }], [1, { task: 1 }]]);
  });
});
