import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import type { RunExecution, RunTask } from '../../../src/infra/gcp/cloudrun/cloudrun-api.js';
import { buildJob, runJobRequest, statusOf } from '../../../src/infra/gcp/cloudrun/cloudrun-mapper.js';
import { ARRAY_MARKER, TASK_WRAPPER } from '../../../src/infra/gcp/cloudrun/cloudrun-options.js';
import { arrayStatusOf, isArrayExecution, taskStateOf, taskStatusesOf } from '../../../src/infra/gcp/cloudrun/cloudrun-tasks.js';
import { jobDefinitionOf, jobIdOf } from '../../../src/infra/gcp/cloudrun/job-definition.js';
import { parseStagingBucket, type GcpSettings } from '../../../src/infra/gcp/shared/gcp-settings.js';
import { launchSpec } from '../../support/launch-spec.js';

const SETTINGS: GcpSettings = { project: 'p', region: 'europe-west1', stagingBucket: parseStagingBucket('gs://bucket'), serviceAccount: undefined };
const NAME = 'projects/p/locations/europe-west1/jobs/ns-train-0123abcd/executions/ns-train-0123abcd-x7k2p';
const at = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });
const T0 = at('2026-01-02T03:04:10Z');
const T1 = at('2026-01-02T03:04:20Z');
const completed = (state: string | number, extra: object = {}) => ({ conditions: [{ type: 'Started', state: 'CONDITION_SUCCEEDED' }, { type: 'Completed', state, ...extra }] }) as RunTask;
const task = (index: number, extra: Partial<RunTask> = {}): RunTask => ({ index, startTime: T0, completionTime: T1, ...extra });
const arrayStatus = (state: ExecutionStatus['state']): ExecutionStatus => ({
  executionId: 'id', jobName: 'train', jobNamespace: 'ns', state, created: new Date(0), started: undefined, stopped: new Date(1),
  exitCode: state === 'SUCCEEDED' ? 0 : undefined, message: state === 'SUCCEEDED' ? undefined : 'Cloud Run said why', logUrl: '', baseDir: 'b', timeoutSeconds: 30,
});

describe('Cloud Run mapper: native arrays', () => {
  const spec = launchSpec();
  const single = jobDefinitionOf({ namespace: 'ns', name: 'train', image: spec.image }, SETTINGS, spec.config);
  const array = (parallelism: number) => jobDefinitionOf({ namespace: 'ns', name: 'train', image: spec.image }, SETTINGS, spec.config, { count: 10, parallelism });

  it("puts the parallelism and the task wrapper into an array's Job (RunJob cannot override them), so into its id", () => {
    const job = buildJob(array(3), SETTINGS.stagingBucket, 60);
    assert.deepEqual([job.template?.parallelism, job.template?.taskCount], [3, 3], 'parallelism ≤ the template task count');
    assert.deepEqual(job.template?.template?.containers?.[0]?.command, [...TASK_WRAPPER]);
    const plain = buildJob(single, SETTINGS.stagingBucket, 60);
    assert.deepEqual([plain.template?.parallelism, plain.template?.taskCount], [1, 1]);
    assert.equal(plain.template?.template?.containers?.[0]?.command, undefined, "a single run keeps the image's ENTRYPOINT");
    assert.equal(new Set([jobIdOf(single), jobIdOf(array(3)), jobIdOf(array(4))]).size, 3, 'one Job per parallelism');
    assert.equal(jobIdOf(array(3)), jobIdOf(array(3)));
    const { array: _absent, ...withoutKey } = single;
    assert.equal(jobIdOf(withoutKey), jobIdOf(single), "a single run's Job id does not change with the optional field");
  });

  it('runs the array as one execution: RunJob task count N, the args as given, the env marked', () => {
    const request = runJobRequest('projects/p/locations/r/jobs/j', { ...spec, array: { count: 7, parallelism: 2 } });
    assert.equal(request.overrides?.taskCount, 7);
    const [override] = request.overrides?.containerOverrides ?? [];
    assert.deepEqual(override?.args, ['sh', '-c', 'exit 0']);
    const env = Object.fromEntries((override?.env ?? []).map((e) => [e.name, e.value]));
    assert.equal(env[ARRAY_MARKER], 'true');
    const execution = (r: typeof request): RunExecution => ({ template: { containers: r.overrides?.containerOverrides?.map((c) => ({ name: c.name, env: c.env })) } });
    assert.equal(isArrayExecution(execution(request)), true);
    assert.equal(isArrayExecution(execution(runJobRequest('projects/p/locations/r/jobs/j', spec))), false);
    assert.equal(runJobRequest('projects/p/locations/r/jobs/j', spec).overrides?.taskCount, 1);
  });

  it("the wrapper gives each task its index and output directory, then runs the args exactly (real sh)", async () => {
    const env = { PATH: process.env.PATH, CLOUD_RUN_TASK_INDEX: '2', OUTPUT_PATH: '/staging/x/output' };
    const [shell, ...wrapperArgs] = TASK_WRAPPER;
    const { stdout } = await promisify(execFile)(shell!, [...wrapperArgs, 'sh', '-c', 'printf "%s|%s|%s|%s" "$SMARTJOB_TASK_INDEX" "$OUTPUT_PATH" "$1" "$#"', 'ignored', 'a b "c"'], { env });
    assert.equal(stdout, '2|/staging/x/output/tasks/2|a b "c"|1');
  });

  it("reads a task's state from its Completed condition, enums as names or numbers", () => {
    assert.equal(taskStateOf({ index: 0 }), 'PENDING');
    assert.equal(taskStateOf({ index: 0, startTime: T0, conditions: [{ type: 'Completed', state: 'CONDITION_RECONCILING' }] }), 'RUNNING');
    assert.equal(taskStateOf(completed('CONDITION_SUCCEEDED')), 'SUCCEEDED');
    assert.equal(taskStateOf(completed(4)), 'SUCCEEDED');
    assert.equal(taskStateOf(completed('CONDITION_FAILED', { executionReason: 'NON_ZERO_EXIT_CODE' })), 'FAILED');
    assert.equal(taskStateOf(completed('CONDITION_FAILED', { message: 'The configured timeout was reached.' })), 'TIMED_OUT');
    assert.equal(taskStateOf(completed('CONDITION_FAILED', { executionReason: 'CANCELLED' })), 'CANCELLED');
    assert.equal(taskStateOf(completed(3, { executionReason: 3 })), 'CANCELLED');
    assert.equal(taskStateOf(task(0, { lastAttemptResult: { exitCode: 0, status: { code: 0 } } })), 'SUCCEEDED', 'completed, no condition, its attempt OK');
    assert.equal(taskStateOf(task(0, { lastAttemptResult: { exitCode: 3 } })), 'FAILED');
    assert.equal(taskStateOf(task(0)), 'FAILED', 'completed with nothing saying it succeeded is no success');
  });

  it('gives one final status per index: a task missing or still pending never ran (CANCELLED)', () => {
    const listed = [
      { ...task(0), ...completed('CONDITION_SUCCEEDED'), startTime: T0, completionTime: T1 },
      { ...task(1, { lastAttemptResult: { exitCode: 4 } }), ...completed('CONDITION_FAILED', { message: 'Task x-task1 failed' }) },
      { index: 3, conditions: [{ type: 'Completed', state: 'CONDITION_PENDING' }] } as RunTask,
      { ...task(4), ...completed('CONDITION_FAILED', { message: 'The configured timeout was reached.' }) },
    ];
    const statuses = taskStatusesOf(5, listed, arrayStatus('FAILED'));
    assert.deepEqual(statuses.map((t) => [t.index, t.state, t.exitCode]), [[0, 'SUCCEEDED', 0], [1, 'FAILED', 4], [2, 'CANCELLED', undefined], [3, 'CANCELLED', undefined], [4, 'TIMED_OUT', undefined]]);
    assert.deepEqual([statuses[0]?.started, statuses[0]?.stopped], [new Date('2026-01-02T03:04:10Z'), new Date('2026-01-02T03:04:20Z')]);
    assert.deepEqual(statuses.map((t) => t.message), [undefined, 'Task x-task1 failed', 'the task never ran', 'the task never ran', 'timeout of 30s reached (The configured timeout was reached.)']);
    const stillRunning = taskStatusesOf(1, [{ index: 0, startTime: T0 }], arrayStatus('SUCCEEDED'));
    assert.equal(stillRunning[0]?.state, 'FAILED', 'a task still running in an ended execution is never a success');
  });

  it('an array succeeds only if every task did; its exit code is the first failed task\'s', () => {
    const execution = { name: NAME, taskCount: 3 } as RunExecution;
    const ok = (i: number) => ({ ...task(i), ...completed('CONDITION_SUCCEEDED') });
    const all = arrayStatusOf(arrayStatus('SUCCEEDED'), execution, [ok(0), ok(1), ok(2)]);
    assert.deepEqual([all.state, all.exitCode, all.tasks?.length], ['SUCCEEDED', 0, 3]);
    const missing = arrayStatusOf(arrayStatus('SUCCEEDED'), execution, [ok(0), ok(1)]);
    assert.deepEqual([missing.state, missing.message, missing.exitCode], ['FAILED', 'task 2 ended CANCELLED', undefined]);
    const failed = arrayStatusOf(arrayStatus('FAILED'), execution, [ok(0), { ...task(1, { lastAttemptResult: { exitCode: 9 } }), ...completed('CONDITION_FAILED') }, ok(2)]);
    assert.deepEqual([failed.state, failed.exitCode, failed.message], ['FAILED', 9, 'Cloud Run said why']);
    assert.equal(statusOf(execution, undefined), undefined, 'not launched by smartjob: no record, no status');
  });
});
