import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../src/domain/errors.js';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import { ExecutionPoller } from '../../../src/infra/gcp/shared/execution-poller.js';
import type { Awaited, PollOutcome } from '../../../src/infra/gcp/shared/poll-location.js';
import { RecordingLogger } from '../../support/recording-logger.js';

const status = (executionId: string): ExecutionStatus => ({
  executionId, jobName: 'j', jobNamespace: 'ns', state: 'SUCCEEDED', created: new Date(0), started: undefined, stopped: new Date(1),
  exitCode: 0, message: undefined, logUrl: '', baseDir: 'b', timeoutSeconds: 1,
});

/** A backend in memory: each id ends after `ticksLeft` polls; every poll of a location is recorded. */
function backend(ticksLeft: Record<string, number>, locationOf: (id: string) => string = () => 'projects/p/locations/r') {
  const polls: { location: string; ids: string[] }[] = [];
  const scripted: PollOutcome[] = [];
  const logger = new RecordingLogger();
  const poller = new ExecutionPoller(
    {
      pollLocation: async (location: string, awaited: readonly Awaited[]) => {
        polls.push({ location, ids: awaited.map((a) => a.executionId) });
        const next = scripted.shift();
        return new Map(awaited.map(({ executionId }) => {
          if (next) return [executionId, next];
          ticksLeft[executionId] = (ticksLeft[executionId] ?? 1) - 1;
          return [executionId, ticksLeft[executionId]! <= 0 ? { kind: 'final', status: status(executionId) } : { kind: 'pending' }];
        }));
      },
      whereIs: (executionId: string) => ({ executionId, name: undefined, location: locationOf(executionId) }),
    },
    { pollIntervalMs: 5, maxPollBackoffMs: 20, logger },
  );
  return { poller, polls, scripted, logger };
}

describe('ExecutionPoller (the shared GCP poller)', () => {
  it('polls each location once per tick for all its waits, and settles each when it ends', async () => {
    const { poller, polls } = backend({ a: 1, b: 3, c: 2, d: 2 }, (id) => (id === 'd' ? 'projects/p/locations/other' : 'projects/p/locations/r'));
    const statuses = await Promise.all(['a', 'b', 'c', 'd', 'b'].map((id) => poller.wait(id)));
    assert.deepEqual(statuses.map((s) => s.executionId), ['a', 'b', 'c', 'd', 'b']);
    const here = polls.filter((p) => p.location === 'projects/p/locations/r');
    assert.deepEqual(here.map((p) => p.ids), [['a', 'b', 'c'], ['b', 'c'], ['b']], 'one poll per tick, ended ones no longer polled');
    assert.deepEqual(polls.filter((p) => p.location === 'projects/p/locations/other').map((p) => p.ids), [['d'], ['d']]);
  });

  it('treats a transient outcome as "still running" and backs off, doubling up to the maximum', async () => {
    const { poller, polls, scripted, logger } = backend({ a: 1 });
    scripted.push(...Array.from({ length: 4 }, () => ({ kind: 'transient', code: 8 }) as const));
    assert.equal((await poller.wait('a')).state, 'SUCCEEDED');
    assert.equal(polls.length, 5);
    const delays = logger.lines.filter((l) => l.includes('transient')).map((l) => Number(/next poll in (\d+) ms/.exec(l)?.[1]));
    assert.deepEqual(delays, [10, 20, 20, 20]);
  });

  it('tells each wait once, on the first running outcome; a callback that throws is logged and its wait goes on', async () => {
    const { poller, polls, scripted, logger } = backend({ a: 1 });
    const running = { kind: 'running', status: { ...status('a'), state: 'RUNNING', stopped: undefined } } as const;
    scripted.push({ kind: 'pending' }, running, running);
    const told: string[] = [];
    const statuses = await Promise.all([
      poller.wait('a', undefined, (s) => told.push(`first ${s.state} at poll ${polls.length}`)),
      poller.wait('a', undefined, (s) => {
        told.push(`second ${s.state} at poll ${polls.length}`);
        throw new Error('listener bug');
      }),
      poller.wait('a'),
    ]);
    assert.deepEqual(statuses.map((s) => s.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    assert.deepEqual(told, ['first RUNNING at poll 2', 'second RUNNING at poll 2'], 'once each, from the poll that saw it running');
    assert.equal(polls.length, 4, 'a running outcome is not final');
    assert.ok(logger.lines.some((l) => l.includes('the onRunning callback of a wait for a threw: Error: listener bug')));
  });

  it('rejects every wait of an execution with a failed outcome, and only those', async () => {
    const { poller, scripted } = backend({ a: 2 });
    const gone = new NotFoundError("execution 'a'");
    scripted.push({ kind: 'failed', error: gone });
    const waits = [poller.wait('a'), poller.wait('a')];
    for (const wait of waits) await assert.rejects(wait, (e) => e === gone);
  });

  it('rejects an aborted wait at once with the reason; the others go on; no poll once nothing is awaited', async () => {
    const { poller, polls } = backend({ kept: 3, dropped: 100 });
    const controller = new AbortController();
    const kept = poller.wait('kept');
    const dropped = poller.wait('dropped', controller.signal);
    let settled = false;
    dropped.catch(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort(new Error('gave up'));
    const atAbort = polls.length;
    await new Promise(setImmediate);
    assert.ok(settled, 'rejected before any further tick');
    await assert.rejects(dropped, /gave up/);
    assert.equal((await kept).executionId, 'kept');
    assert.ok(polls.slice(atAbort + 1).every((p) => !p.ids.includes('dropped')), 'the aborted execution is no longer polled');
    const after = polls.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.equal(polls.length, after, 'no wait pending: no poll');
    await assert.rejects(poller.wait('x', AbortSignal.abort(new Error('already'))), /already/);
  });

  it('rejects every wait when pollLocation throws (a bug must not hang a wait), and a wait whose location cannot be told', async () => {
    const failing = new ExecutionPoller(
      { pollLocation: async () => { throw new Error('bug'); }, whereIs: (id) => ({ executionId: id, name: undefined, location: 'l' }) },
      { pollIntervalMs: 5, maxPollBackoffMs: 5, logger: new RecordingLogger() },
    );
    await Promise.all(['a', 'b'].map((id) => assert.rejects(failing.wait(id), /bug/)));
    const nowhere = new ExecutionPoller(
      { pollLocation: async () => new Map(), whereIs: () => { throw new NotFoundError('x', 'no location for x'); } },
      { pollIntervalMs: 5, maxPollBackoffMs: 5, logger: new RecordingLogger() },
    );
    await assert.rejects(nowhere.wait('a'), /no location for x/);
  });
});
