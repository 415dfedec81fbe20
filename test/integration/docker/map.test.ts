import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../../src/domain/errors.js';
import type { MapItem, MapOutcome } from '../../../src/domain/services/map-runs.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { containersOf, TEST_NAMESPACE } from '../../support/docker.js';
import { dockerFixture, job, type DockerFixture } from './fixture.js';

/** Samples the engine's running containers of this test process while `work` runs; returns the peak. */
async function peakRunning<T>(fx: DockerFixture, work: () => Promise<T>): Promise<{ value: T; peak: number; samples: number }> {
  let peak = 0;
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const running = await fx.docker.listContainers({ filters: { label: [`${RECORD_KEYS.namespace}=${TEST_NAMESPACE}`], status: ['running'] } });
      peak = Math.max(peak, running.length);
      samples += 1;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { value: await work(), peak, samples };
  } finally {
    sampling = false;
    await sampler;
  }
}

async function collect<T extends MapItem>(iterable: AsyncIterable<MapOutcome<T>>): Promise<MapOutcome<T>[]> {
  const outcomes: MapOutcome<T>[] = [];
  for await (const outcome of iterable) outcomes.push(outcome);
  return outcomes;
}

// Exits with $EXIT, after writing its item number back as smartjob.json.
const echoItem = job('mapped', 'sleep 0.3; echo "{\\"item\\": $ITEM}" > "$OUTPUT_PATH/smartjob.json"; exit ${EXIT:-0}');
const sleeper = job('sleeper', 'sleep 30');

describe('Docker backend: map', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('20 items with concurrency 3: never more than 3 containers running, 20 outcomes, a failure and a bad input reported', async () => {
    const service = fx.serviceWith({ maxWorkers: 8 }); // the map's concurrency is the cap under test, not maxWorkers
    const items: MapItem[] = Array.from({ length: 20 }, (_, i) => ({ addEnvs: { ITEM: String(i), EXIT: i === 7 ? '3' : '0' } }));
    items[12] = { addEnvs: { ITEM: '12' }, executionConfig: { timeout: { timeoutSeconds: -1 } } };
    const { value: outcomes, peak, samples } = await peakRunning(fx, () => collect(service.map(echoItem, items, { concurrency: 3 })));
    assert.equal(outcomes.length, 20);
    assert.ok(peak >= 2 && peak <= 3, `peak of ${peak} running containers over ${samples} samples`);
    const byIndex = new Map(outcomes.map((o) => [o.index, o]));
    assert.equal(byIndex.get(7)!.result!.state, 'FAILED');
    assert.equal(byIndex.get(7)!.result!.exitCode, 3);
    const bad = byIndex.get(12)!.error;
    assert.ok(bad instanceof ValidationError && bad.field === 'executionConfig.timeout.timeoutSeconds', String(bad));
    for (const [index, outcome] of byIndex) {
      if (index === 7 || index === 12) continue;
      assert.equal(outcome.result?.state, 'SUCCEEDED', `item ${index}`);
      assert.deepEqual(outcome.result.jsonOutput, { item: index });
    }
    assert.equal((await containersOf(fx.docker)).length, 0);
  });

  it('an abort mid-map stops the running containers, launches no more and leaves no container', async () => {
    const service = fx.serviceWith({ maxWorkers: 8 });
    const controller = new AbortController();
    const launched: string[] = [];
    const off = service.on('started', (e) => {
      launched.push(e.executionId);
      if (launched.length === 3) controller.abort(new Error('user abort'));
    });
    const outcomes: MapOutcome[] = [];
    const started = Date.now();
    const items = Array.from({ length: 10 }, () => ({}));
    await assert.rejects(
      (async () => {
        for await (const outcome of service.map(sleeper, items, { concurrency: 3, signal: controller.signal })) outcomes.push(outcome);
      })(),
      /user abort/,
    );
    off();
    assert.ok(Date.now() - started < 15_000, 'the 30 s jobs were stopped, not awaited');
    assert.equal(launched.length, 3);
    assert.deepEqual(outcomes.map((o) => o.result?.state), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    assert.equal((await containersOf(fx.docker)).length, 0);
  });

  it('failFast cancels the others after the first failure and leaves no container', async () => {
    const service = fx.serviceWith({ maxWorkers: 8 });
    const items = Array.from({ length: 12 }, (_, i) => ({ args: [i === 0 ? 'sleep 0.5; exit 4' : 'sleep 30'] }));
    const outcomes = await collect(service.map({ ...job('ff', ''), overriddenArgs: ['sh', '-c'] }, items, { concurrency: 3, failFast: true }));
    assert.equal(outcomes.length, 3);
    const first = outcomes.find((o) => o.index === 0)!;
    assert.equal(first.result!.state, 'FAILED');
    assert.equal(first.result!.exitCode, 4);
    assert.deepEqual(outcomes.filter((o) => o.index !== 0).map((o) => o.result!.state), ['CANCELLED', 'CANCELLED']);
    assert.equal((await containersOf(fx.docker)).length, 0);
  });
});
