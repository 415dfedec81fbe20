import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackendUnavailableError, ValidationError } from '../../src/domain/errors.js';
import type { ExecutionEvent, ExecutionEventType } from '../../src/domain/services/execution-events.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { harness, job } from './service-harness.js';

/** Every event of the service, in the order emitted. */
function record(service: ExecutorService): ExecutionEvent[] {
  const seen: ExecutionEvent[] = [];
  for (const type of ['scheduled', 'started', 'finished', 'retrying'] as const) service.on(type, (e) => void seen.push(e));
  return seen;
}
const typesOf = (events: ExecutionEvent[], executionId: string): ExecutionEventType[] =>
  events.filter((e) => e.executionId === executionId).map((e) => e.type);

describe('service events (in-memory ports)', () => {
  it('emits scheduled → started → finished for a run, with the execution, job, backend, attempt and times', async () => {
    const { service } = harness();
    const events = record(service);
    const result = await service.run(job);
    assert.deepEqual(typesOf(events, result.executionId), ['scheduled', 'started', 'finished']);
    const [scheduled, started, finished] = events;
    for (const e of events) {
      assert.equal(e.backend, 'docker');
      assert.equal(e.jobName, 'unit');
      assert.equal(e.jobNamespace, 'default');
      assert.equal(e.attempt, 1);
      assert.equal(e.created.getTime(), result.created.getTime());
      assert.ok(e.at instanceof Date);
    }
    assert.ok(scheduled?.type === 'scheduled');
    assert.equal(scheduled.details.executionId, result.executionId);
    assert.equal(started!.state, 'RUNNING');
    assert.ok(finished?.type === 'finished');
    assert.equal(finished.state, 'SUCCEEDED');
    assert.equal(finished.exitCode, 0);
    assert.equal(finished.result, result);
  });

  it('keeps the order per execution when many run at once', async () => {
    const { service, executor } = harness(3);
    executor.autoFinish = () => ({ exitCode: 0, delayMs: 5 });
    const events = record(service);
    const results = await Promise.all(Array.from({ length: 9 }, () => service.run(job)));
    for (const r of results) assert.deepEqual(typesOf(events, r.executionId), ['scheduled', 'started', 'finished']);
  });

  it('without an adapter report of RUNNING, emits started from the final status just before finished', async () => {
    const { service, executor } = harness();
    executor.reportsRunning = false;
    const events = record(service);
    const result = await service.run(job);
    assert.deepEqual(typesOf(events, result.executionId), ['scheduled', 'started', 'finished']);
    const started = events[1]!;
    assert.ok(started.type === 'started');
    assert.equal(started.started.getTime(), result.started!.getTime());
  });

  it('an execution cancelled before it started: scheduled → finished (CANCELLED), no started, attempt 0', async () => {
    const { service, executor } = harness(1);
    executor.autoFinish = () => undefined;
    const first = await service.schedule(job); // holds the only worker
    const events = record(service);
    const controller = new AbortController();
    const queued = service.run(job, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    const result = await queued;
    executor.finish(first.details.executionId, 0);
    await first.result;
    const own = events.filter((e) => e.executionId === result.executionId);
    assert.deepEqual(own.map((e) => e.type), ['scheduled', 'finished']);
    assert.equal(own[1]!.state, 'CANCELLED');
    assert.deepEqual(own.map((e) => e.attempt), [0, 0]);
  });

  it('emits retrying for a transient launch failure, then scheduled with attempt 2', async () => {
    const { service, executor } = harness();
    executor.launchOutcomes.push({ throwBefore: new BackendUnavailableError('daemon busy') });
    const events = record(service);
    const result = await service.run(job);
    assert.deepEqual(typesOf(events, result.executionId), ['retrying', 'scheduled', 'started', 'finished']);
    const retrying = events[0]!;
    assert.ok(retrying.type === 'retrying');
    assert.equal(retrying.attempt, 1);
    assert.equal(retrying.retriesLeft, 4);
    assert.match(retrying.error.message, /daemon busy/);
    assert.deepEqual(events.slice(1).map((e) => e.attempt), [2, 2, 2]);
  });

  it('a forgotten execution gets scheduled only: the service does not follow it, attach tells its end', async () => {
    const { service, executor } = harness();
    executor.autoFinish = () => undefined;
    let waits = 0;
    const wait = executor.wait.bind(executor);
    executor.wait = (...args) => ((waits += 1), wait(...args));
    const events = record(service);
    const { details } = await service.schedule(job, { forget: true });
    executor.finish(details.executionId, 2);
    await new Promise((r) => setTimeout(r, 30)); // a follower polling every 5 ms would have seen the end by now
    assert.deepEqual(typesOf(events, details.executionId), ['scheduled']);
    assert.equal(waits, 0, 'no wait on a forgotten execution');
    assert.equal((await service.attach(details.executionId)).exitCode, 2);
    assert.deepEqual(typesOf(events, details.executionId), ['scheduled'], 'attach is not the service following it');
  });

  it('a listener that throws or rejects does not break the run: warned, and the other listeners still hear', async () => {
    const { service, logger } = harness();
    service.on('started', () => {
      throw new Error('listener bug');
    });
    service.on('finished', async () => {
      throw new Error('async listener bug');
    });
    const events = record(service);
    const result = await service.run(job);
    assert.equal(result.success, true);
    assert.deepEqual(typesOf(events, result.executionId), ['scheduled', 'started', 'finished']);
    await new Promise((resolve) => setImmediate(resolve)); // the rejected promise is caught on a later tick
    assert.deepEqual(logger.warnings, [
      `a 'started' listener of execution ${result.executionId} threw (ignored): Error: listener bug`,
      `a 'finished' listener of execution ${result.executionId} threw (ignored): Error: async listener bug`,
    ]);
  });

  it('the returned function unsubscribes, and bad arguments are ValidationErrors', async () => {
    const { service } = harness();
    const heard: string[] = [];
    const off = service.on('finished', (e) => void heard.push(e.executionId));
    await service.run(job);
    off();
    await service.run(job);
    assert.equal(heard.length, 1);
    assert.throws(() => service.on('done' as 'finished', () => undefined), (e: unknown) => e instanceof ValidationError && e.field === 'type');
    assert.throws(() => service.on('finished', 'x' as never), (e: unknown) => e instanceof ValidationError && e.field === 'listener');
  });
});
