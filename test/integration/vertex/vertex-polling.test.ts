import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../src/domain/errors.js';
import { CustomJobLookup } from '../../../src/infra/gcp/vertex/custom-job-lookup.js';
import { vertexPollLocation } from '../../../src/infra/gcp/vertex/poll-location.js';
import { VertexApi } from '../../../src/infra/gcp/vertex/vertex-api.js';
import { MAX_IDS_PER_FILTER } from '../../../src/infra/gcp/vertex/vertex-filters.js';
import type { VertexMethod } from '../../fakes/vertex/fake-vertex.js';
import { fakeGrpcClientOptions } from '../../support/fake-grpc-client.js';
import { callsSince, launchAll as launchAllOf, SIX_CONCURRENT_JOBS, ticksSince } from '../../support/poll-counters.js';
import { PROJECT, REGION, shellJob, useVertex, type VertexHarness } from './vertex-harness.js';

const INTERVAL_MS = 200;
const COUNTED: readonly VertexMethod[] = ['ListCustomJobs', 'GetCustomJob'];
type PlanArgs = Parameters<VertexHarness['plan']>;

/** The waits of one adapter share one poller: one ListCustomJobs per location and tick, whatever their number. */
describe('VertexExecutorAdapter polling', { timeout: 240_000 }, () => {
  let h: VertexHarness;
  useVertex((started) => (h = started), { pollIntervalMs: INTERVAL_MS });

  const callsFrom = () => callsSince(h.fake, COUNTED);
  const ticksFrom = () => ticksSince(h.logger);
  const launchAll = (jobs: PlanArgs[]) => launchAllOf(h, jobs);

  it('waits for 6 concurrent executions with one ListCustomJobs per tick, not one GetCustomJob each', async (t) => {
    const specs = await launchAll([...SIX_CONCURRENT_JOBS]);
    const calls = callsFrom();
    const ticks = ticksFrom();
    const statuses = await Promise.all(specs.map((spec) => h.adapter.wait(spec.executionId)));
    t.diagnostic(`6 waits over ${ticks()} ticks: ${COUNTED.map((m) => `${m} ${calls(m)}`).join(', ')}`);
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT']);
    assert.deepEqual(statuses.map((s) => s.executionId), specs.map((s) => s.executionId));
    assert.equal(statuses[4]?.exitCode, 3, 'the exit code comes with the listing');
    assert.ok(ticks() >= 2);
    assert.equal(calls('ListCustomJobs'), ticks(), 'one ListCustomJobs per tick for all six waits');
    assert.equal(calls('GetCustomJob'), 0, 'every job was in the listing');
  });

  it('rejects only the aborted wait, with the signal reason, and stops polling once no wait is left', async () => {
    const specs = await launchAll([[shellJob('kept', 'sleep 1')], [shellJob('abandoned', 'sleep 60')], [shellJob('kept', 'sleep 2')]]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waits = specs.map((spec, i) => h.adapter.wait(spec.executionId, i === 1 ? { signal: controller.signal } : undefined));
    await sleep(300);
    controller.abort(reason);
    await assert.rejects(waits[1] as Promise<unknown>, (error) => error === reason);
    assert.deepEqual((await Promise.all([waits[0], waits[2]])).map((s) => s?.state), ['SUCCEEDED', 'SUCCEEDED']);
    const abandoned = specs[1]!.executionId;
    assert.equal((await h.adapter.getStatus(abandoned))?.state, 'RUNNING', 'aborting a wait does not cancel the execution');

    const calls = callsFrom();
    await sleep(INTERVAL_MS * 4);
    assert.equal(calls('ListCustomJobs'), 0, 'no wait pending: no poll');
    await h.adapter.cancel(abandoned);
    assert.equal((await h.adapter.wait(abandoned)).state, 'CANCELLED', 'a new wait starts the poller again');
  });

  it('lists each location an awaited execution lives in, once per tick', async () => {
    const [here, there] = await launchAll([[shellJob('here', 'sleep 1')], [shellJob('there', 'sleep 1'), { region: 'us-central1' }]]);
    const calls = callsFrom();
    const ticks = ticksFrom();
    const statuses = await Promise.all([here, there].map((spec) => h.adapter.wait(spec!.executionId)));
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED']);
    assert.equal(h.jobOf(there!.executionId).name.split('/')[3], 'us-central1');
    // Two locations: two listings per tick while both are awaited, one once the first has ended.
    assert.ok(calls('ListCustomJobs') > ticks() && calls('ListCustomJobs') <= 2 * ticks(), `${calls('ListCustomJobs')} listings in ${ticks()} ticks`);
  });

  it(`names at most ${MAX_IDS_PER_FILTER} executions per listing, and reports the ones no job carries as not found`, async () => {
    const api = new VertexApi({ project: PROJECT, region: REGION }, fakeGrpcClientOptions(h.fake.port));
    try {
      const poll = vertexPollLocation(api, new CustomJobLookup(api));
      const [known] = await launchAll([[shellJob('among-many', 'exit 0')]]);
      const awaited = [known!.executionId, ...Array.from({ length: 60 }, (_, i) => `unknown${String(i).padStart(9, '0')}`)].map((executionId) => ({ executionId, name: undefined }));
      const calls = callsFrom();
      const outcomes = await poll(api.location, awaited, () => true);
      assert.equal(calls('ListCustomJobs'), 2, '61 executions: two listings of at most 50');
      assert.equal(outcomes.size, 61);
      assert.ok(['pending', 'running', 'final'].includes(outcomes.get(known!.executionId)?.kind ?? ''));
      const missing = outcomes.get('unknown000000059');
      assert.ok(missing?.kind === 'failed' && missing.error instanceof NotFoundError, JSON.stringify(missing));
      await h.adapter.wait(known!.executionId);
    } finally {
      await api.close();
    }
  });
});
