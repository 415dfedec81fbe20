import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { MAX_IDS_PER_FILTER } from '../../../src/infra/gcp/cloudbatch/job-filter.js';
import type { BatchMethod } from '../../fakes/cloudbatch/fake-cloud-batch.js';
import { callsSince, launchAll as launchAllOf, SIX_CONCURRENT_JOBS, ticksSince, type JobArgs } from '../../support/poll-counters.js';
import { shellJob, useCloudBatch, type CloudBatchHarness } from './cloudbatch-harness.js';

const INTERVAL_MS = 200;
const COUNTED: readonly BatchMethod[] = ['ListJobs', 'GetJob', 'ListTasks'];
type PlanArgs = JobArgs;

/** The waits of one adapter share one poller: one label-filtered ListJobs per location and tick, whatever their number. */
describe('CloudBatchExecutorAdapter polling', { timeout: 180_000 }, () => {
  let h: CloudBatchHarness;
  useCloudBatch((started) => (h = started), { pollIntervalMs: INTERVAL_MS });
  const callsFrom = () => callsSince(h.fake, COUNTED);
  const ticksFrom = () => ticksSince(h.logger);
  const launchAll = (jobs: PlanArgs[]) => launchAllOf(h, jobs);

  it('waits for 6 concurrent executions with one ListJobs per tick, not one GetJob each', async (t) => {
    const specs = await launchAll([...SIX_CONCURRENT_JOBS]);
    const calls = callsFrom();
    const ticks = ticksFrom();
    const statuses = await Promise.all(specs.map((spec) => h.adapter.wait(spec.executionId)));
    t.diagnostic(`6 waits over ${ticks()} ticks: ${COUNTED.map((m) => `${m} ${calls(m)}`).join(', ')}`);
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT']);
    assert.deepEqual(statuses.map((s) => s.executionId), specs.map((s) => s.executionId));
    assert.equal(statuses[4]?.exitCode, 3, 'the exit code comes from the job\'s status events');
    assert.ok(ticks() >= 2);
    assert.equal(calls('ListJobs'), ticks(), 'one ListJobs per tick for all six waits, not one per wait');
    assert.equal(calls('GetJob'), 0, 'every job was in the listing');
    assert.equal(calls('ListTasks'), 0, 'no task read for single executions whose events tell the exit code');
  });

  it(`keeps one ListJobs per tick for more waits than the filter names (${MAX_IDS_PER_FILTER + 1}: by namespace)`, async (t) => {
    const specs = await launchAll(Array.from({ length: MAX_IDS_PER_FILTER + 1 }, (): PlanArgs => [shellJob('many', 'sleep 1')]));
    const calls = callsFrom();
    const ticks = ticksFrom();
    const statuses = await Promise.all(specs.map((spec) => h.adapter.wait(spec.executionId)));
    t.diagnostic(`${specs.length} waits over ${ticks()} ticks: ${COUNTED.map((m) => `${m} ${calls(m)}`).join(', ')}`);
    assert.ok(statuses.every((s) => s.state === 'SUCCEEDED'));
    assert.equal(calls('ListJobs'), ticks());
    assert.equal(calls('GetJob'), 0);
  });

  it('pages through the listing, and stops once every awaited job is seen', async () => {
    h.fake.state.maxPageSize = 2;
    try {
      const specs = await launchAll([[shellJob('paged', 'sleep 1')], [shellJob('paged', 'sleep 1')], [shellJob('paged', 'sleep 1')]]);
      const calls = callsFrom();
      const ticks = ticksFrom();
      const statuses = await Promise.all(specs.map((spec) => h.adapter.wait(spec.executionId)));
      assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      // Three awaited jobs, two per page: two pages per tick while all three are awaited, one once a single one is left.
      assert.ok(calls('ListJobs') >= ticks() && calls('ListJobs') <= 2 * ticks(), `${calls('ListJobs')} ListJobs pages over ${ticks()} ticks`);
      assert.equal(calls('GetJob'), 0, 'the second page was read: none was missed');
    } finally {
      h.fake.state.maxPageSize = undefined;
    }
  });

  it('rejects only the aborted wait, and stops polling once no wait is left', async () => {
    const specs = await launchAll([[shellJob('kept', 'sleep 1')], [shellJob('abandoned', 'sleep 30')]]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waits = specs.map((spec, i) => h.adapter.wait(spec.executionId, i === 1 ? { signal: controller.signal } : undefined));
    controller.abort(reason);
    await assert.rejects(waits[1] as Promise<unknown>, (error) => error === reason);
    assert.equal((await waits[0])?.state, 'SUCCEEDED');
    const calls = callsFrom();
    await sleep(INTERVAL_MS * 4);
    assert.equal(calls('ListJobs'), 0, 'no wait pending: no poll');
    await h.adapter.cancel(specs[1]!.executionId);
    assert.equal((await h.adapter.wait(specs[1]!.executionId)).state, 'CANCELLED', 'a new wait starts the poller again');
  });

  it('lists each location an awaited job lives in', async () => {
    const [here, there] = await launchAll([[shellJob('here', 'sleep 1')], [shellJob('there', 'sleep 1'), { region: 'us-central1' }]]);
    const statuses = await Promise.all([here, there].map((spec) => h.adapter.wait(spec!.executionId)));
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED']);
    assert.equal(h.jobOf(there!.executionId).name.split('/')[3], 'us-central1');
  });
});
