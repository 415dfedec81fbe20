import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionEventType } from '../../../src/domain/services/execution-events.js';
import { shellJob } from '../../conformance/executor.conformance.js';
import { callsFrom, fakeExecutionOf, useCloudRunService } from './cloudrun-service.js';

describe('Cloud Run service: events', { timeout: 120_000 }, () => {
  const s = useCloudRunService();

  it("emits 'started' while the task runs, learnt from the poll's own listing (no extra call), then 'finished'", async () => {
    const calls = callsFrom(s.fake);
    const events: string[] = [];
    const offs = (['scheduled', 'started', 'finished'] as const satisfies readonly ExecutionEventType[]).map((type) =>
      s.service.on(type, (event) => {
        if (event.type !== 'started') return events.push(`${event.type} ${event.state}`);
        // Read the fake's own state at the moment the event fires: its container must be running then.
        const { execution } = fakeExecutionOf(s.fake, event.executionId);
        events.push(`started ${event.state}, fake running ${String(execution.runningCount)}, completed ${Boolean(execution.completionTime)}`);
      }));
    const result = await s.service.run(shellJob('started-on-time', 'sleep 2'));
    offs.forEach((off) => off());
    assert.equal(result.state, 'SUCCEEDED', result.message);
    assert.deepEqual(events, ['scheduled PENDING', 'started RUNNING, fake running 1, completed false', 'finished SUCCEEDED']);
    assert.equal(calls('GetExecution'), 0, 'the running state came from the ListExecutions the poller makes anyway');
    assert.equal(calls('ListTasks') + calls('GetTask'), 0);
    assert.equal(calls('RunJob'), 1);
  });
});
