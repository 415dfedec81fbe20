import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../../../src/domain/errors.js';
import { SEARCH_MAX_PAGES } from '../../../src/infra/gcp/cloudrun/execution-lookup.js';
import { POLL_MAX_PAGES } from '../../../src/infra/gcp/cloudrun/poll-location.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import type { FakeMethod } from '../../fakes/cloudrun/fake-cloud-run.js';
import { seedFinishedExecutions } from '../../fakes/cloudrun/seed.js';
import { callsSince, ticksSince } from '../../support/poll-counters.js';
import { PROJECT, REGION, shellJob, startCloudRun, type CloudRunHarness } from './cloudrun-harness.js';

const PER_JOB = 1500;
const PAGE = 100;
const COUNTED: readonly FakeMethod[] = ['ListExecutions', 'GetExecution', 'ListJobs'];
const seededId = (index: number) => `5eed${index.toString(16).padStart(12, '0')}`;

/**
 * Looking up an execution id this process did not start, on a region of 3,000 executions (pages of 100): a
 * bounded number of calls, whatever the region holds (README, Cloud Run), and misses remembered between lookups.
 */
describe('Cloud Run lookup by id on a busy region', { timeout: 120_000 }, () => {
  let h: CloudRunHarness;
  before(async () => {
    h = await startCloudRun({ pollIntervalMs: 200 });
    const location = `projects/${PROJECT}/locations/${REGION}`;
    const newest = Date.now() - 10 * 60_000;
    // Two jobs, their executions a second apart: one not smartjob's, one whose executions carry a smartjob record.
    seedFinishedExecutions(h.fake.state, { jobName: `${location}/jobs/other-workload`, count: PER_JOB, newest: new Date(newest - 1000), spacingMs: 2000, env: () => [{ name: 'MODE', value: 'batch' }] });
    seedFinishedExecutions(h.fake.state, {
      jobName: `${location}/jobs/seeded-smartjob`, count: PER_JOB, newest: new Date(newest), spacingMs: 2000,
      env: (i) => Object.entries({
        [RECORD_KEYS.managed]: 'true', [RECORD_KEYS.executionId]: seededId(i), [RECORD_KEYS.namespace]: 'seeded', [RECORD_KEYS.name]: 'old-run',
        [RECORD_KEYS.created]: String(newest - (PER_JOB - 1 - i) * 2000), [RECORD_KEYS.timeout]: '60000',
      }).map(([name, value]) => ({ name, value })),
    });
    h.fake.state.maxPageSize = PAGE;
  });
  after(async () => {
    await h?.close();
    assert.deepEqual(await h.fake.containers(), [], 'no fake container is left once the fake is closed');
  });

  it('answers an unknown id after at most SEARCH_MAX_PAGES calls, then reads only what is new', async (t) => {
    const pages = Math.ceil(h.fake.state.executions.size / PAGE);
    const other = h.newAdapter(); // another process: it knows no name
    let calls = callsSince(h.fake, COUNTED);
    assert.equal(await other.getStatus('0123456789abcdef'), undefined);
    t.diagnostic(`first unknown id on ${h.fake.state.executions.size} executions (${pages} pages): ${calls('ListExecutions')} ListExecutions`);
    assert.equal(calls('ListExecutions'), SEARCH_MAX_PAGES, `not all ${pages} pages`);
    assert.equal(calls('GetExecution') + calls('ListJobs'), 0);

    calls = callsSince(h.fake, COUNTED);
    assert.equal(await other.getStatus('0123456789abcdee'), undefined);
    assert.equal(calls('ListExecutions'), 1, 'the next miss reads only down to where the last search began');

    calls = callsSince(h.fake, COUNTED);
    await assert.rejects(other.wait('0123456789abcded'), NotFoundError);
    assert.equal(calls('ListExecutions'), 1, 'a wait on an unknown id: one search, and no rescan per tick');

    calls = callsSince(h.fake, COUNTED);
    const newestSeeded = await other.getStatus(seededId(PER_JOB - 1));
    assert.deepEqual([newestSeeded?.state, newestSeeded?.jobNamespace], ['SUCCEEDED', 'seeded']);
    assert.deepEqual([calls('ListExecutions'), calls('GetExecution')], [0, 1], 'met by a search: remembered, read by name');
    assert.equal(await other.getStatus(seededId(0)), undefined, 'the reach is bounded too: the oldest is beyond every search (README)');
  });

  it('finds an execution another process just started with one call, and waits on it with one listing per tick', async (t) => {
    const spec = await h.plan(shellJob('fresh', 'sleep 1'));
    await h.adapter.launch(spec);
    const other = h.newAdapter();
    const calls = callsSince(h.fake, COUNTED);
    assert.equal((await other.getStatus(spec.executionId))?.executionId, spec.executionId);
    assert.equal(calls('ListExecutions'), 1, 'the newest execution is on the first page');
    const ticks = ticksSince(h.logger);
    const waited = callsSince(h.fake, COUNTED);
    assert.equal((await other.wait(spec.executionId)).state, 'SUCCEEDED');
    t.diagnostic(`wait over ${ticks()} ticks: ${COUNTED.map((m) => `${m} ${waited(m)}`).join(', ')}`);
    assert.ok(waited('ListExecutions') <= ticks() * POLL_MAX_PAGES);
    assert.equal(waited('ListExecutions'), ticks(), 'seen on the first page each tick');
  });

  it('waits on an execution buried under more newer ones than a poll reads: POLL_MAX_PAGES listings and one GetExecution per tick', async (t) => {
    const spec = await h.plan(shellJob('buried', 'sleep 2'));
    await h.adapter.launch(spec);
    // Listed before it: 500 executions created later (their times are in the future: only the order matters).
    seedFinishedExecutions(h.fake.state, { jobName: `projects/${PROJECT}/locations/${REGION}/jobs/busy-later`, count: 500, newest: new Date(Date.now() + 3_600_000), spacingMs: 1000, env: () => [] });
    const ticks = ticksSince(h.logger);
    const calls = callsSince(h.fake, COUNTED);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
    t.diagnostic(`wait over ${ticks()} ticks: ${COUNTED.map((m) => `${m} ${calls(m)}`).join(', ')}`);
    assert.equal(calls('ListExecutions'), ticks() * POLL_MAX_PAGES, 'never more pages than the cap');
    assert.equal(calls('GetExecution'), ticks(), 'then read by name');
  });
});
