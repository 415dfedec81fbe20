import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { NotFoundError } from '../../../src/domain/errors.js';
import { SEARCH_MAX_PAGES } from '../../../src/infra/gcp/cloudrun/execution-lookup.js';
import type { FakeMethod } from '../../fakes/cloudrun/fake-cloud-run.js';
import { callsSince, launchAll as launchAllOf, SIX_CONCURRENT_JOBS, ticksSince } from '../../support/poll-counters.js';
import { fakeRecordOf, startCloudRun, shellJob, waitUntil, type CloudRunHarness } from './cloudrun-harness.js';

const INTERVAL_MS = 200;
const COUNTED: readonly FakeMethod[] = ['ListExecutions', 'GetExecution', 'ListTasks'];
type PlanArgs = Parameters<CloudRunHarness['plan']>;

/** The waits of one adapter share one poller: one paged ListExecutions per tick, whatever their number. */
describe('CloudRunExecutorAdapter polling', { timeout: 180_000 }, () => {
  let h: CloudRunHarness;
  before(async () => {
    h = await startCloudRun({ pollIntervalMs: INTERVAL_MS });
  });
  after(async () => {
    await h?.close();
    assert.deepEqual(await h.fake.containers(), [], 'no fake container is left once the fake is closed');
  });

  const callsFrom = () => callsSince(h.fake, COUNTED);
  const ticksFrom = () => ticksSince(h.logger);
  const launchAll = (jobs: PlanArgs[]) => launchAllOf(h, jobs);

  it('waits for 6 concurrent executions with one ListExecutions per tick, not one GetExecution each', async (t) => {
    const specs = await launchAll([...SIX_CONCURRENT_JOBS]);
    const calls = callsFrom();
    const ticks = ticksFrom();
    const statuses = await Promise.all(specs.map((spec) => h.adapter.wait(spec.executionId)));
    t.diagnostic(`6 waits over ${ticks()} ticks: ${COUNTED.map((m) => `${m} ${calls(m)}`).join(', ')}`);
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT']);
    assert.deepEqual(statuses.map((s) => s.executionId), specs.map((s) => s.executionId));
    assert.equal(statuses[4]?.exitCode, 3, 'the exit code of a failed execution still comes from ListTasks');
    assert.match(statuses[5]?.message ?? '', /timeout of 1s reached/);
    assert.ok(calls('GetExecution') <= 1, `every execution was in the listing (${calls('GetExecution')} GetExecution)`);
    assert.ok(ticks() >= 1);
    assert.equal(calls('ListExecutions'), ticks(), 'one ListExecutions per tick for all six waits, not one per wait');
    assert.equal(calls('ListTasks'), 1, 'only the failed execution reads its task');
  });

  it('keeps every wait going through a RESOURCE_EXHAUSTED burst on ListExecutions, backing off', async () => {
    // the poller's own backoff, without the per-call retry under it
    const adapter = h.newAdapter({ pollIntervalMs: 100, maxPollBackoffMs: 400, callRetry: { maxAttempts: 1 } });
    const specs = await Promise.all([1, 2, 3].map(() => h.plan(shellJob('throttled', 'sleep 1'))));
    for (const spec of specs) await adapter.launch(spec);
    const calls = callsFrom();
    h.fake.failNext({ method: 'ListExecutions', count: 5, code: grpc.status.RESOURCE_EXHAUSTED });
    h.fake.failNext({ method: 'ListExecutions', count: 1, code: grpc.status.UNAVAILABLE });
    const statuses = await Promise.all(specs.map((spec) => adapter.wait(spec.executionId)));
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    assert.ok(calls('ListExecutions') >= 7, 'the faulted listings happened and were survived');
    assert.equal(calls('GetExecution'), 0, 'a failed listing does not fall back to one GetExecution per execution');
    assert.ok(h.logger.lines.some((line) => /transient error while polling .* \(code 8\); next poll in 400 ms/.test(line)), 'backed off up to maxPollBackoffMs');
  });

  it('rejects only the aborted wait, with the signal reason, and stops polling once no wait is left', async () => {
    const specs = await launchAll([[shellJob('kept', 'sleep 1')], [shellJob('abandoned', 'sleep 30')], [shellJob('kept', 'sleep 2')]]);
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waits = specs.map((spec, i) => h.adapter.wait(spec.executionId, i === 1 ? { signal: controller.signal } : undefined));
    await sleep(300);
    let settled = false;
    waits[1]!.catch(() => (settled = true));
    controller.abort(reason);
    await new Promise(setImmediate); // after every pending microtask, before or at most with the next timer
    assert.ok(settled, 'rejected at once, not at the next tick');
    await assert.rejects(waits[1] as Promise<unknown>, (error) => error === reason);
    assert.deepEqual((await Promise.all([waits[0], waits[2]])).map((s) => s?.state), ['SUCCEEDED', 'SUCCEEDED']);
    const abandoned = specs[1]!.executionId;
    assert.equal((await h.adapter.getStatus(abandoned))?.state, 'RUNNING', 'aborting a wait does not cancel the execution');
    await assert.rejects(h.adapter.wait(abandoned, { signal: AbortSignal.abort(reason) }), (error) => error === reason);

    const calls = callsFrom();
    await sleep(INTERVAL_MS * 4);
    assert.equal(calls('ListExecutions'), 0, 'no wait pending: no poll');
    await h.adapter.cancel(abandoned);
    assert.equal((await h.adapter.wait(abandoned)).state, 'CANCELLED', 'a new wait starts the poller again');
  });

  it('looks an execution missing from the listing up with GetExecution, through its transient errors', async () => {
    const [listed, lagging] = await launchAll([[shellJob('listed', 'sleep 1')], [shellJob('lagging', 'sleep 1')]]);
    h.fake.state.unlisted.add(fakeRecordOf(h, lagging!.executionId).name);
    try {
      const calls = callsFrom();
      h.fake.failNext({ method: 'GetExecution', count: 2, code: grpc.status.UNAVAILABLE });
      const statuses = await Promise.all([listed, lagging].map((spec) => h.adapter.wait(spec!.executionId)));
      assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED']);
      assert.ok(calls('GetExecution') >= 3, 'the missing one was read by name, the faulted reads survived');
      assert.ok(calls('ListExecutions') >= 1);
    } finally {
      h.fake.state.unlisted.clear();
    }
  });

  it('pages through the listing only until every awaited execution is seen', async () => {
    h.fake.state.maxPageSize = 2;
    try {
      await waitUntil(async () => h.fake.state.executions.size > 8);
      const specs = await launchAll([[shellJob('paged', 'sleep 1')], [shellJob('paged', 'sleep 1')], [shellJob('paged', 'sleep 1')]]);
      const firstToken = h.fake.state.locationListingTokens.length;
      const statuses = await Promise.all(specs.map((spec) => h.adapter.wait(spec.executionId)));
      assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      // Newest first: the three awaited executions fill the first two pages (offsets 0 and 2); the older ones are never read.
      const tokens = h.fake.state.locationListingTokens.slice(firstToken);
      assert.ok(tokens.filter((token) => token === '').length >= 1, 'the waits listed');
      assert.deepEqual([...new Set(tokens)].sort(), ['', '2'], `every listing stopped after its second page (page tokens read: ${tokens.join(',')})`);

      const other = h.newAdapter();
      const before = h.fake.callCount('ListExecutions');
      await assert.rejects(other.wait('0123456789abcdef'), NotFoundError);
      const pages = Math.ceil(h.fake.state.executions.size / 2);
      assert.ok(pages > SEARCH_MAX_PAGES, `the region holds more pages (${pages}) than a search reads`);
      assert.equal(h.fake.callCount('ListExecutions') - before, SEARCH_MAX_PAGES, 'an unknown id: the search cap, not every page (cloudrun-lookup.test.ts)');
    } finally {
      h.fake.state.maxPageSize = undefined;
    }
  });

  it('lists each location an awaited execution lives in', async () => {
    const [here, there] = await launchAll([[shellJob('here', 'exit 0')], [shellJob('there', 'exit 0'), { region: 'us-central1' }]]);
    const statuses = await Promise.all([here, there].map((spec) => h.adapter.wait(spec!.executionId)));
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED']);
    assert.match(statuses[1]?.logUrl ?? '', /details\/us-central1\//);
  });
});

describe('CloudRunExecutorAdapter poller lifetime', () => {
  it('leaves nothing keeping the process alive once its last wait is aborted (no close needed)', async () => {
    // Port 1 refuses connections: every poll meets UNAVAILABLE, so the poller would tick forever if it outlived the wait.
    const script = `
      const { grpc, googleAuthLibrary } = await import('google-gax');
      const { CloudRunExecutorAdapter } = await import('./src/infra/gcp/cloudrun/cloudrun-executor.adapter.ts');
      const { resolveGcpOptions } = await import('./src/infra/gcp/shared/gcp-options.ts');
      const options = resolveGcpOptions('cloudrun', {
        project: 'lifetime-test', region: 'europe-west1', stagingBucket: 'gs://staging-bucket', pollIntervalMs: 50, maxPollBackoffMs: 100,
        clientOptions: { apiEndpoint: '127.0.0.1', port: 1, sslCreds: grpc.credentials.createInsecure(), authClient: new googleAuthLibrary.PassThroughClient() },
      });
      const adapter = new CloudRunExecutorAdapter({ ...options, logger: { debug() {}, info() {}, warn() {} } });
      const waited = adapter.wait('0123456789abcdef', { signal: AbortSignal.timeout(500) });
      console.log(await waited.then(() => 'resolved', (error) => error.name));
    `;
    const started = Date.now();
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), timeout: 30_000 });
    assert.equal(stdout.trim(), 'TimeoutError', 'the wait rejected with the signal reason, not with the UNAVAILABLE polls');
    assert.ok(Date.now() - started < 25_000, 'the process ended by itself');
  });
});
