import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { TEST_NAMESPACE } from '../../support/docker.js';
import { dockerFixture, job, type DockerFixture } from './fixture.js';

// A forgotten execution is not followed (no slot, nothing keeping the process alive), yet on Docker, where the SDK
// enforces the timeout, it is stopped at its deadline while the process that launched it lives.
describe('Docker backend: the timeout of a forgotten execution', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => {
    await fx.service.cleanup({ namespace: TEST_NAMESPACE });
    await fx.close();
  });

  const containerState = async (executionId: string) =>
    (await fx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${executionId}`] } }))[0]?.State;

  it('is enforced at the deadline without anyone asking: the container stops, the status says TIMED_OUT', async () => {
    const { details } = await fx.service.schedule(job('forgot-timeout', 'sleep 60'), { forget: true, executionConfig: { timeout: { timeoutSeconds: 1 } } });
    const launched = Date.now();
    let state = await containerState(details.executionId);
    assert.equal(state, 'running');
    while (state === 'running' && Date.now() - launched < 10_000) {
      await sleep(100); // reads the engine directly: an SDK getStatus would enforce the deadline itself
      state = await containerState(details.executionId);
    }
    assert.equal(state, 'exited', 'stopped by the process that forgot it');
    assert.ok(Date.now() - launched < 5_000, `stopped ${Date.now() - launched} ms after launch (timeout 1 s, grace 1 s)`);
    const status = await fx.service.getStatus(details.executionId);
    assert.equal(status.state, 'TIMED_OUT');
    assert.match(status.message ?? '', /timeout of 1s reached/);
  });
});
