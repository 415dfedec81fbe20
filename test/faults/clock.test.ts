import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SchedulingDetails } from '../../src/domain/result.js';
import { RECORD_KEYS } from '../../src/infra/shared/execution-record.js';
import { dockerFixture, job, type DockerFixture } from '../integration/docker/fixture.js';
import { inChild } from '../support/child.js';
import { TEST_NAMESPACE } from '../support/docker.js';

// Fault table, clock row: the timeout of a forgotten execution passes while no SDK process runs. Whoever asks
// next (status, list or attach) stops it and reports TIMED_OUT.
describe('faults: a timeout passes while no SDK process is running (Docker)', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => {
    await fx.service.cleanup({ namespace: TEST_NAMESPACE });
    await fx.close();
  });

  const overdue = async (name: string) => {
    const details = await inChild<SchedulingDetails>({ type: 'docker', stagingDir: fx.stagingDir }, 'schedule-forget', {
      job: job(name, 'sleep 60'), executionConfig: { timeout: { timeoutSeconds: 1 } },
    });
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the child has exited: nobody watches the deadline
    return details.executionId;
  };
  const containerState = async (executionId: string) =>
    (await fx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${executionId}`] } }))[0]?.State;

  it('getStatus reports TIMED_OUT and stops the container', async () => {
    const id = await overdue('overdue-status');
    assert.equal(await containerState(id), 'running', 'still running before anyone asks');
    const status = await fx.service.getStatus(id);
    assert.equal(status.state, 'TIMED_OUT');
    assert.match(status.message ?? '', /timeout of 1s reached/);
    assert.equal(await containerState(id), 'exited');
  });

  it('list reports TIMED_OUT and stops it', async () => {
    const id = await overdue('overdue-list');
    const listed = (await fx.service.list({ namespace: TEST_NAMESPACE, name: 'overdue-list' })).find((s) => s.executionId === id);
    assert.equal(listed?.state, 'TIMED_OUT');
    assert.equal(await containerState(id), 'exited');
  });

  it('attach reports TIMED_OUT', async () => {
    const id = await overdue('overdue-attach');
    assert.equal((await fx.service.attach(id)).state, 'TIMED_OUT');
  });
});
