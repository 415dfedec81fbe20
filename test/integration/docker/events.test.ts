import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ExecutionEvent } from '../../../src/domain/services/execution-events.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { dockerFixture, job, type DockerFixture } from './fixture.js';

describe('Docker backend: events', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('per execution: scheduled → started (while its container runs) → finished, also under a throwing listener', async () => {
    const service = fx.serviceWith({ maxWorkers: 2 });
    const events: ExecutionEvent[] = [];
    const containerRunningAtStart: Promise<boolean>[] = [];
    const offs = (['scheduled', 'started', 'finished', 'retrying'] as const).map((type) => service.on(type, (e) => void events.push(e)));
    offs.push(service.on('started', (e) => {
      // Asked of the engine when the event fires: the job sleeps 1 s, so its container must still be running.
      containerRunningAtStart.push(
        fx.docker.listContainers({ filters: { label: [`${RECORD_KEYS.executionId}=${e.executionId}`], status: ['running'] } }).then((l) => l.length === 1),
      );
    }));
    offs.push(service.on('finished', () => {
      throw new Error('a listener bug');
    }));
    const results = await Promise.all(Array.from({ length: 3 }, (_, i) => service.run(job(`ev${i}`, 'sleep 1'))));
    offs.forEach((off) => off());
    assert.deepEqual(results.map((r) => r.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    for (const r of results) {
      assert.deepEqual(events.filter((e) => e.executionId === r.executionId).map((e) => e.type), ['scheduled', 'started', 'finished']);
    }
    assert.deepEqual(await Promise.all(containerRunningAtStart), [true, true, true]);
    assert.equal(fx.logger.warnings.filter((w) => w.includes('threw (ignored): Error: a listener bug')).length, 3);
  });
});
