import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NotSupportedError } from '../../src/domain/errors.js';
import { BytesInput, JsonInput, LocalPathInput } from '../../src/domain/inputs.js';
import { within } from '../support/within.js';
import { harness, job } from './service-harness.js';

describe('ExecutorService lifecycle (in-memory ports)', () => {
  it('injects INPUT_PATH, OUTPUT_PATH and EXECUTION_ID as seen in the container, plus the job and call envs', async () => {
    const { service, executor } = harness();
    const result = await service.run({ ...job, addEnvs: { A: 'job', B: 'job' } }, { addEnvs: { B: 'call' } });
    const { spec } = executor.executions.get(result.executionId)!;
    assert.equal(spec.env.EXECUTION_ID, result.executionId);
    assert.match(spec.env.INPUT_PATH!, new RegExp(`^/staging/default-unit/\\d{4}-\\d{2}-\\d{2}/\\d{4}/${result.executionId}/input$`));
    assert.equal(spec.env.OUTPUT_PATH, spec.env.INPUT_PATH!.replace(/input$/, 'output'));
    assert.equal(spec.env.A, 'job');
    assert.equal(spec.env.B, 'call');
  });

  it('replaces {{INPUT}} in args with the in-container input directory', async () => {
    const { service, executor } = harness();
    const result = await service.run({ ...job, overriddenArgs: ['cat', '{{INPUT}}/data.txt', 'plain'] });
    const { spec } = executor.executions.get(result.executionId)!;
    assert.deepEqual(spec.args, ['cat', `${spec.env.INPUT_PATH}/data.txt`, 'plain']);
  });

  it('stages the python script with the inputs and runs it with the job args', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sj-unit-'));
    const script = join(dir, 'train.py');
    await writeFile(script, 'print("hi")\n');
    const { service, executor, storage } = harness();
    const result = await service.run({ ...job, pythonScriptPath: script, overriddenArgs: ['--epochs', '2'] });
    const { spec } = executor.executions.get(result.executionId)!;
    assert.deepEqual(spec.args, ['python', `${spec.env.INPUT_PATH}/train.py`, '--epochs', '2']);
    assert.equal(storage.text(`${spec.baseDir}/input/train.py`), 'print("hi")\n');
  });

  it('writes every input kind into the input directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sj-unit-'));
    await writeFile(join(dir, 'local.csv'), 'a,b\n');
    const { service, executor, storage } = harness();
    const inputs = [new BytesInput('b.bin', new Uint8Array([1, 2])), new BytesInput('t.txt', 'text'), new JsonInput('j.json', { k: [1] }), new LocalPathInput('l.csv', join(dir, 'local.csv'))];
    const result = await service.run(job, { inputs });
    const base = executor.executions.get(result.executionId)!.spec.baseDir;
    assert.deepEqual([...storage.objects.get(`${base}/input/b.bin`)!], [1, 2]);
    assert.equal(storage.text(`${base}/input/t.txt`), 'text');
    assert.deepEqual(JSON.parse(storage.text(`${base}/input/j.json`)!), { k: [1] });
    assert.equal(storage.text(`${base}/input/l.csv`), 'a,b\n');
    assert.ok(storage.directories.has(`${base}/output`));
  });

  it('returns jsonOutput undefined when smartjob.json is absent', async () => {
    const { service } = harness();
    const result = await service.run(job);
    assert.equal(result.success, true);
    assert.equal(result.jsonOutput, undefined);
    assert.equal(result.jsonOutputError, undefined);
  });

  it('returns the parsed smartjob.json', async () => {
    const { service, executor, storage } = harness();
    executor.autoFinish = (spec) => {
      storage.objects.set(`${spec.baseDir}/output/smartjob.json`, new TextEncoder().encode('{"accuracy":0.9}'));
      return { exitCode: 0 };
    };
    const result = await service.run(job);
    assert.deepEqual(result.jsonOutput, { accuracy: 0.9 });
  });

  it('reports a malformed smartjob.json in the result instead of throwing', async () => {
    const { service, executor, storage } = harness();
    executor.autoFinish = (spec) => {
      storage.objects.set(`${spec.baseDir}/output/smartjob.json`, new TextEncoder().encode('{not json'));
      return { exitCode: 0 };
    };
    const result = await service.run(job);
    assert.equal(result.success, true);
    assert.equal(result.jsonOutput, undefined);
    assert.match(result.jsonOutputError!, /smartjob\.json is not valid JSON/);
  });

  it('makes a non-zero exit a FAILED result with its exit code, and releases the run object', async () => {
    const { service, executor } = harness();
    executor.autoFinish = () => ({ exitCode: 3 });
    const result = await service.run(job);
    assert.equal(result.success, false);
    assert.equal(result.state, 'FAILED');
    assert.equal(result.exitCode, 3);
    assert.equal(executor.executions.get(result.executionId)!.released, true);
  });

  it('schedule with forget returns details and no result, and keeps the run object', async () => {
    const { service, executor } = harness();
    executor.autoFinish = () => undefined;
    const { details, result } = await service.schedule(job, { forget: true });
    assert.equal(result, undefined);
    assert.equal(executor.executions.get(details.executionId)!.state, 'RUNNING');
    executor.finish(details.executionId, 0);
    const attached = await service.attach(details.executionId);
    assert.equal(attached.state, 'SUCCEEDED');
    assert.equal(executor.executions.get(details.executionId)!.released, false);
  });

  it('forgotten executions hold no worker: with maxWorkers 1, two return at once while both still run, and a run still gets the slot', async () => {
    const { service, executor } = harness(1);
    executor.autoFinish = () => undefined;
    let waits = 0;
    const wait = executor.wait.bind(executor);
    executor.wait = (...args) => ((waits += 1), wait(...args));
    const both = Promise.all([service.schedule(job, { forget: true }), service.schedule(job, { forget: true })]);
    const [first, second] = await within(1000, both, 'the second forgotten schedule waited for the first job');
    assert.equal(executor.executions.get(first.details.executionId)!.state, 'RUNNING');
    assert.equal(executor.executions.get(second.details.executionId)!.state, 'RUNNING');
    assert.equal(waits, 0, 'nothing waits on a forgotten execution');
    executor.autoFinish = () => ({ exitCode: 0 });
    const result = await within(1000, service.run(job), 'run waited for a forgotten job');
    assert.equal(result.state, 'SUCCEEDED');
    assert.equal(executor.running(), 2, 'the forgotten ones still run');
  });

  it('caps running executions at maxWorkers and queues the rest', async () => {
    const { service, executor } = harness(2);
    executor.autoFinish = () => ({ exitCode: 0, delayMs: 20 });
    const results = await Promise.all(Array.from({ length: 8 }, () => service.run(job)));
    assert.equal(results.filter((r) => r.success).length, 8);
    assert.equal(executor.maxRunning, 2);
  });

  it('an abort while running cancels the execution: CANCELLED', async () => {
    const { service, executor } = harness();
    executor.autoFinish = () => undefined;
    const controller = new AbortController();
    const pending = service.run(job, { signal: controller.signal });
    while (executor.running() === 0) await new Promise((r) => setTimeout(r, 2));
    controller.abort();
    const result = await pending;
    assert.equal(result.state, 'CANCELLED');
    assert.equal(result.success, false);
  });

  it('aborted while queued for a worker: CANCELLED without launching or staging anything', async () => {
    const { service, executor, storage } = harness(1);
    executor.autoFinish = () => undefined;
    const first = await service.schedule(job);
    const controller = new AbortController();
    const queued = service.run(job, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await queued;
    assert.equal(result.state, 'CANCELLED');
    assert.equal(executor.launchCalls, 1, 'only the first was launched');
    assert.ok(![...storage.directories].some((d) => d.includes(result.executionId)), 'nothing staged for it');
    executor.finish(first.details.executionId, 0);
    assert.equal((await first.result).state, 'SUCCEEDED');
  });

  it('many executions queued on one signal: one abort listener on it (no MaxListeners warning), and the abort still cancels each', async () => {
    const { service, executor } = harness(4);
    executor.autoFinish = () => undefined;
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const runs = Array.from({ length: 30 }, () => service.run(job, { signal: controller.signal }));
      while (executor.running() === 0) await new Promise((r) => setTimeout(r, 2));
      await new Promise((r) => setImmediate(r));
      controller.abort();
      const results = await Promise.all(runs);
      assert.deepEqual(new Set(results.map((r) => r.state)), new Set(['CANCELLED']));
      assert.equal(executor.launchCalls, 4, 'only the first four were launched');
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(warnings.filter((name) => name === 'MaxListenersExceededWarning'), []);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('getStatus / attach / cancel of an unknown id throw NotFoundError naming the id', async () => {
    const { service } = harness();
    for (const call of [() => service.getStatus('nope'), () => service.attach('nope'), () => service.cancel('nope')]) {
      await assert.rejects(call(), (e: Error & { code?: string }) => e.code === 'NOT_FOUND' && e.message.includes("'nope'"));
    }
  });

  it('cleanup removes finished executions and their staging, never a running one', async () => {
    const { service, executor, storage } = harness();
    const done = await service.run(job);
    executor.autoFinish = () => undefined;
    const { details } = await service.schedule(job, { forget: true });
    try {
      const { removed } = await service.cleanup({ olderThanSeconds: 0 });
      assert.deepEqual(removed, [done.executionId]);
      assert.ok(executor.executions.has(details.executionId));
      assert.ok(![...storage.directories].some((d) => d.includes(done.executionId)));
      assert.ok([...storage.directories].some((d) => d.includes(details.executionId)));
    } finally {
      executor.finish(details.executionId, 0);
    }
  });
});

describe('ExecutorService port edges', () => {
  it('answers NotSupportedError with the log URL for a backend without live logs', async () => {
    const { service, executor } = harness();
    Object.assign(executor, { logs: undefined, release: undefined });
    const result = await service.run(job); // no release to call: fine
    assert.equal(result.success, true);
    await assert.rejects(service.logs(result.executionId)[Symbol.asyncIterator]().next(), (error: unknown) =>
      error instanceof NotSupportedError && error.message === `live log streaming is not supported on the docker backend; see log://${result.executionId}`);
  });
});

describe('ExecutorService warnings', () => {
  it('warns about the settings the backend ignores', async () => {
    const { service, executor, logger } = harness();
    executor.supportedSettings = ['cpu', 'labels'];
    await service.run(job, { executionConfig: { machineType: 'n2-standard-4', cpu: 1, retry: { maxAttemptsExecute: 2 } } });
    assert.deepEqual(logger.warnings, ['the docker backend ignores these settings: machineType, retry.maxAttemptsExecute (this backend never re-runs a job)']);
  });

  it('warns about nothing the backend declares it supports', async () => {
    const { service, logger } = harness();
    await service.run(job, { executionConfig: { machineType: 'n2-standard-4', retry: { maxAttemptsExecute: 2 } } });
    assert.deepEqual(logger.warnings, []);
  });
});
