import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../src/domain/errors.js';
import { shellJob } from '../../conformance/executor.conformance.js';
import { TEST_NAMESPACE } from '../../support/docker.js';
import { callsFrom, fakeExecutionOf, useCloudRunService } from './cloudrun-service.js';

/**
 * Cloud Run answers `Execution.job` with the parent job's short id, not its resource name (the fake does too):
 * cleanup must find the job from the execution's own name, or its DeleteJob/ListExecutions calls are refused
 * after the first execution is gone, leaving things half cleaned.
 */
describe('Cloud Run service: cleanup', { timeout: 120_000 }, () => {
  const s = useCloudRunService();

  it('deletes every finished execution of a job, then the job left without one, though Execution.job is a short id', async () => {
    const results = await Promise.all([1, 2, 3].map((n) => s.service.run(shellJob('cleaned', `exit ${n === 2 ? 3 : 0}`))));
    assert.deepEqual(results.map((r) => r.state), ['SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    const records = results.map((r) => fakeExecutionOf(s.fake, r.executionId));
    const jobName = records[0]!.jobName;
    assert.ok(records.every((r) => r.jobName === jobName), 'one job definition: one Cloud Run job');
    const shortId = jobName.split('/').pop();
    assert.equal(records[0]!.execution.job, shortId, 'the fake answers the short id, as Cloud Run does');

    const calls = callsFrom(s.fake);
    const { removed } = await s.service.cleanup({ namespace: TEST_NAMESPACE });
    assert.deepEqual([...removed].sort(), results.map((r) => r.executionId).sort());
    assert.equal(calls('DeleteExecution'), 3);
    assert.equal(calls('DeleteJob'), 1, 'the job went with its last execution');
    assert.ok(!s.fake.state.jobs.has(jobName), 'no job left');
    assert.deepEqual([...s.fake.state.executions.values()].filter((r) => r.jobName === jobName), [], 'no execution left');
    for (const r of results) await assert.rejects(s.service.getStatus(r.executionId), NotFoundError);
    assert.deepEqual((await s.service.cleanup({ namespace: TEST_NAMESPACE })).removed, [], 'a second cleanup finds nothing');
  });
});
