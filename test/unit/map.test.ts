import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/domain/errors.js';
import type { MapItem, MapOutcome } from '../../src/domain/services/map-runs.js';
import { harness, job } from './service-harness.js';

/** Jobs exit with $EXIT (default 0) after $DELAY ms (default 5). */
function mapHarness(maxWorkers = 4) {
  const h = harness(maxWorkers);
  h.executor.autoFinish = (spec) => ({ exitCode: Number(spec.env.EXIT ?? 0), delayMs: Number(spec.env.DELAY ?? 5) });
  return h;
}
const items = (n: number, extra: (i: number) => Record<string, string> = () => ({})): MapItem[] =>
  Array.from({ length: n }, (_, i) => ({ addEnvs: { ITEM: String(i), ...extra(i) } }));

async function collect<T extends MapItem>(iterable: AsyncIterable<MapOutcome<T>>): Promise<MapOutcome<T>[]> {
  const outcomes: MapOutcome<T>[] = [];
  for await (const outcome of iterable) outcomes.push(outcome);
  return outcomes;
}

/** An async source that counts how many items were pulled, and whether it was closed. */
function countingSource(n: number) {
  const counter = { pulled: 0, closed: false };
  async function* source() {
    try {
      for (let i = 0; i < n; i++) {
        counter.pulled += 1;
        yield { addEnvs: { ITEM: String(i) } } as MapItem;
      }
    } finally {
      counter.closed = true;
    }
  }
  return { counter, source: source() };
}

describe('service.map (in-memory ports)', () => {
  it('maps 20 items with concurrency 3: never more than 3 running, 20 outcomes, each index once', async () => {
    const { service, executor } = mapHarness(8);
    const outcomes = await collect(service.map(job, items(20), { concurrency: 3 }));
    assert.equal(outcomes.length, 20);
    assert.deepEqual(outcomes.map((o) => o.index).sort((a, b) => a - b), [...Array(20).keys()]);
    assert.ok(outcomes.every((o) => o.result?.success));
    assert.equal(executor.maxRunning, 3);
    for (const o of outcomes) assert.equal(executor.executions.get(o.result!.executionId)!.spec.env.ITEM, String(o.index));
  });

  it('defaults the concurrency to the service maxWorkers', async () => {
    const { service, executor } = mapHarness(2);
    await collect(service.map(job, items(6)));
    assert.equal(executor.maxRunning, 2);
  });

  it('yields in completion order', async () => {
    const { service } = mapHarness();
    const outcomes = await collect(service.map(job, items(3, (i) => ({ DELAY: String([150, 5, 60][i]) })), { concurrency: 3 }));
    assert.deepEqual(outcomes.map((o) => o.index), [1, 2, 0]);
  });

  it('reports a failing item and bad-input items without stopping the others', async () => {
    const { service, executor } = mapHarness();
    const list: MapItem[] = items(6, (i) => ({ EXIT: i === 2 ? '3' : '0' }));
    list[4] = { addEnvs: { INPUT_PATH: '/elsewhere' } };
    list[5] = 'not an object' as unknown as MapItem;
    const outcomes = await collect(service.map(job, list, { concurrency: 2 }));
    const byIndex = new Map(outcomes.map((o) => [o.index, o]));
    assert.equal(outcomes.length, 6);
    assert.equal(byIndex.get(2)!.result!.state, 'FAILED');
    assert.equal(byIndex.get(2)!.result!.exitCode, 3);
    assert.ok(byIndex.get(4)!.error instanceof ValidationError);
    assert.equal((byIndex.get(4)!.error as ValidationError).field, 'addEnvs.INPUT_PATH');
    assert.equal((byIndex.get(5)!.error as ValidationError).field, 'item');
    assert.equal(byIndex.get(5)!.item, 'not an object');
    for (const i of [0, 1, 3]) assert.equal(byIndex.get(i)!.result!.success, true);
    assert.equal(executor.launchCalls, 4);
  });

  it('appends each item args to the job overriddenArgs, with {{INPUT}} replaced', async () => {
    const { service, executor } = mapHarness();
    const [outcome] = await collect(service.map({ ...job, overriddenArgs: ['process'] }, [{ args: ['--shard', '7', '{{INPUT}}/x'] }]));
    const { spec } = executor.executions.get(outcome!.result!.executionId)!;
    assert.deepEqual(spec.args, ['process', '--shard', '7', `${spec.env.INPUT_PATH}/x`]);
  });

  it('pulls an async source lazily: never more than 2 × concurrency ahead of the consumer', async () => {
    const { service } = mapHarness();
    const { counter, source } = countingSource(100);
    let consumed = 0;
    let maxAhead = 0;
    for await (const outcome of service.map(job, source, { concurrency: 3 })) {
      assert.ok(outcome.result);
      consumed += 1;
      maxAhead = Math.max(maxAhead, counter.pulled - consumed);
      await new Promise((r) => setTimeout(r, 2)); // a slow consumer: outcomes pile up, launching must pause
    }
    assert.equal(consumed, 100);
    assert.ok(maxAhead <= 6, `pulled ${maxAhead} items ahead of the consumer`);
    assert.equal(counter.closed, true);
  });

  it('an abort cancels what runs, launches nothing more, yields the CANCELLED outcomes, then throws the reason', async () => {
    const { service, executor } = mapHarness();
    executor.autoFinish = (spec) => (spec.env.ITEM === '0' ? { exitCode: 0 } : undefined); // the rest run until cancelled
    const { counter, source } = countingSource(50);
    const controller = new AbortController();
    const outcomes: MapOutcome[] = [];
    await assert.rejects(
      (async () => {
        for await (const outcome of service.map(job, source, { concurrency: 3, signal: controller.signal })) {
          outcomes.push(outcome);
          if (outcome.index === 0) {
            while (executor.running() < 3) await new Promise((r) => setTimeout(r, 1));
            controller.abort(new Error('stop it'));
          }
        }
      })(),
      /stop it/,
    );
    assert.equal(executor.running(), 0);
    assert.equal(outcomes[0]!.result!.state, 'SUCCEEDED');
    assert.deepEqual(outcomes.slice(1).map((o) => o.result!.state), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    assert.ok(counter.pulled <= 6, `pulled ${counter.pulled}`);
    assert.equal(counter.closed, true);
  });

  it('an abort ends the map even while the source is stuck waiting for its next item', async () => {
    const { service } = mapHarness();
    async function* stuck() {
      yield { addEnvs: { ITEM: '0' } };
      await new Promise(() => undefined); // never gives another item
    }
    const controller = new AbortController();
    const outcomes: MapOutcome[] = [];
    await assert.rejects(
      (async () => {
        for await (const outcome of service.map(job, stuck(), { signal: controller.signal })) {
          outcomes.push(outcome);
          setTimeout(() => controller.abort(new Error('gave up waiting')), 20);
        }
      })(),
      /gave up waiting/,
    );
    assert.equal(outcomes.length, 1);
  });

  it('an already aborted signal is bad input at the call: nothing pulled, nothing launched', () => {
    const { service, executor } = mapHarness();
    const { counter, source } = countingSource(5);
    assert.throws(() => service.map(job, source, { signal: AbortSignal.abort(new Error('too late')) }), { name: 'ValidationError', field: 'signal' } as object);
    assert.equal(executor.launchCalls, 0);
    assert.equal(counter.pulled, 0);
  });

  it('failFast cancels the rest after the first failure and launches no more; the iteration ends', async () => {
    const { service, executor } = mapHarness();
    executor.autoFinish = (spec) => (spec.env.ITEM === '1' ? { exitCode: 1, delayMs: 20 } : undefined);
    const outcomes = await collect(service.map(job, items(30), { concurrency: 4, failFast: true }));
    assert.equal(executor.running(), 0);
    assert.equal(executor.launchCalls, 4);
    assert.equal(outcomes.length, 4);
    const states = outcomes.map((o) => o.result!.state);
    assert.equal(states[0], 'FAILED');
    assert.deepEqual(states.slice(1), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  it('without failFast a failure changes nothing for the others', async () => {
    const { service } = mapHarness();
    const outcomes = await collect(service.map(job, items(8, (i) => ({ EXIT: i === 0 ? '1' : '0' })), { concurrency: 2 }));
    assert.equal(outcomes.filter((o) => o.result?.success).length, 7);
  });

  it('leaving the loop early cancels the executions still running and closes the source', async () => {
    const { service, executor } = mapHarness();
    executor.autoFinish = (spec) => (spec.env.ITEM === '0' ? { exitCode: 0 } : undefined);
    const { counter, source } = countingSource(20);
    for await (const outcome of service.map(job, source, { concurrency: 3 })) {
      assert.equal(outcome.index, 0);
      break;
    }
    assert.equal(executor.running(), 0);
    assert.ok([...executor.executions.values()].filter((e) => e.state === 'CANCELLED').length >= 2);
    assert.equal(counter.closed, true);
  });

  it('a source that throws: the items in flight still come back, then the source error is thrown', async () => {
    const { service } = mapHarness();
    async function* broken() {
      yield { addEnvs: { ITEM: '0' } };
      yield { addEnvs: { ITEM: '1' } };
      throw new Error('source broke');
    }
    const outcomes: MapOutcome[] = [];
    await assert.rejects(
      (async () => {
        for await (const outcome of service.map(job, broken(), { concurrency: 4 })) outcomes.push(outcome);
      })(),
      /source broke/,
    );
    assert.deepEqual(outcomes.map((o) => o.result!.state), ['SUCCEEDED', 'SUCCEEDED']);
  });

  it('bad job, items or options throw a ValidationError at the call, before any item', () => {
    const { service } = mapHarness();
    const field = (f: string) => (e: unknown) => e instanceof ValidationError && e.field === f;
    assert.throws(() => service.map({ ...job, name: 'Bad Name' }, items(1)), field('job.name'));
    assert.throws(() => service.map(job, 42 as never), field('items'));
    assert.throws(() => service.map(job, items(1), { concurrency: 0 }), field('concurrency'));
    assert.throws(() => service.map(job, items(1), { failFast: 'yes' as never }), field('failFast'));
    assert.throws(() => service.map(job, items(1), { signal: {} as never }), field('signal'));
  });
});
