import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import type { RunCondition, RunExecution, RunTask } from '../../../src/infra/gcp/cloudrun/cloudrun-api.js';
import { runJobRequest, stateOf } from '../../../src/infra/gcp/cloudrun/cloudrun-mapper.js';
import { arrayStatusOf, taskStateOf } from '../../../src/infra/gcp/cloudrun/cloudrun-tasks.js';
import { singleStatusOf, taskTimedOut } from '../../../src/infra/gcp/cloudrun/cloudrun-timeout.js';
import { launchSpec } from '../../support/launch-spec.js';

const NAME = 'projects/p/locations/europe-west1/jobs/ns-train-0123abcd/executions/ns-train-0123abcd-x7k2p';
const at = (ms: number) => ({ seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
const T0 = Date.parse('2026-01-02T03:04:10Z');
const REWORDED = 'Task ns-train-0123abcd-x7k2p-task0 failed: it ran longer than allowed.';
const failedCondition = (message: string, extra: object = {}): RunCondition[] => [{ type: 'Completed', state: 'CONDITION_FAILED', message, ...extra }];
/** A failed task that ran `ranMs` with a per-attempt timeout of `timeoutSeconds`. */
const failedTask = (ranMs: number, timeoutSeconds: number, extra: Partial<RunTask> = {}): RunTask => ({
  index: 0, startTime: at(T0), completionTime: at(T0 + ranMs), timeout: { seconds: timeoutSeconds }, retried: 0,
  conditions: failedCondition(REWORDED), ...extra,
});

describe('Cloud Run timeouts, worded any way', () => {
  it('tells a timed-out task by its structured facts first, the English text last', () => {
    assert.equal(taskTimedOut(failedTask(60_000, 60)), true, 'ran its whole timeout, no known wording');
    assert.equal(taskTimedOut(failedTask(59_700, 60)), true, 'timestamps a little short of the kill still count');
    assert.equal(taskTimedOut(failedTask(3_000, 60, { lastAttemptResult: { exitCode: 3 } })), false, 'exited on its own, early');
    assert.equal(taskTimedOut(failedTask(3_000, 60)), false, 'failed early without exit code (e.g. the image did not start)');
    assert.equal(taskTimedOut(failedTask(3_000, 60, { lastAttemptResult: { status: { code: 4, message: 'deadline' } } })), true, 'DEADLINE_EXCEEDED');
    assert.equal(taskTimedOut(failedTask(3_000, 60, { conditions: failedCondition('The configured timeout was reached.') })), true, 'the text, last');
    assert.equal(taskTimedOut(failedTask(61_000, 0 as never, { timeout: undefined })), false, 'no timeout known, no fact');
    assert.equal(taskTimedOut(failedTask(61_000, 0 as never, { timeout: undefined }), { seconds: 60 }), true, "the execution's template timeout");
  });

  it("does not read a retried task's run time as one attempt's when its last attempt exited by itself", () => {
    const retried = (extra: Partial<RunTask>) => failedTask(90_000, 60, { retried: 1, ...extra });
    assert.equal(taskTimedOut(retried({ lastAttemptResult: { exitCode: 7 } })), false, 'attempts summed past the timeout, the last exited 7');
    assert.equal(taskTimedOut(retried({})), true, 'the last attempt left no exit code: killed at its timeout');
  });

  it('reports TIMED_OUT for a single execution whose message is reworded, FAILED for a real failure', () => {
    const spec = launchSpec({}, { timeout: { timeoutSeconds: 60 } });
    const env = runJobRequest('projects/p/locations/r/jobs/j', spec).overrides?.containerOverrides?.[0]?.env;
    const execution: RunExecution = {
      name: NAME, taskCount: 1, template: { containers: [{ name: 'job', env }], timeout: { seconds: 60 } },
      startTime: at(T0), completionTime: at(T0 + 61_000), conditions: failedCondition(REWORDED), failedCount: 1,
    };
    assert.equal(stateOf(execution), 'FAILED', 'the listing alone cannot tell');
    const timedOut = singleStatusOf(execution, failedTask(60_000, 60));
    assert.deepEqual([timedOut?.state, timedOut?.exitCode, timedOut?.message], ['TIMED_OUT', undefined, `timeout of 60s reached (${REWORDED})`]);
    const failed = singleStatusOf(execution, failedTask(2_000, 60, { lastAttemptResult: { exitCode: 3 } }));
    assert.deepEqual([failed?.state, failed?.exitCode], ['FAILED', 3]);
    assert.equal(taskStateOf(failedTask(60_000, 60)), 'TIMED_OUT', "an array's task too");
  });

  it('reports TIMED_OUT for an array whose tasks timed out and none failed, whatever the wording', () => {
    const status: ExecutionStatus = {
      executionId: 'id', jobName: 'train', jobNamespace: 'ns', state: 'FAILED', created: new Date(0), started: undefined, stopped: new Date(1),
      exitCode: undefined, message: REWORDED, logUrl: '', baseDir: 'b', timeoutSeconds: 60,
    };
    const execution = { name: NAME, taskCount: 2 } as RunExecution;
    const ok: RunTask = { index: 1, startTime: at(T0), completionTime: at(T0 + 1000), conditions: [{ type: 'Completed', state: 'CONDITION_SUCCEEDED' as const }] };
    const timedOut = arrayStatusOf(status, execution, [failedTask(60_000, 60), ok]);
    assert.deepEqual([timedOut.state, timedOut.message, timedOut.tasks?.map((t) => t.state)], ['TIMED_OUT', `timeout of 60s reached (${REWORDED})`, ['TIMED_OUT', 'SUCCEEDED']]);
    const mixed = arrayStatusOf(status, execution, [failedTask(60_000, 60), { ...ok, ...failedTask(1000, 60, { index: 1, lastAttemptResult: { exitCode: 2 } }) }]);
    assert.equal(mixed.state, 'FAILED', 'a task that failed by itself keeps the array FAILED');
  });
});
