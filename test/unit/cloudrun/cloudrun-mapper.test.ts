import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunExecution } from '../../../src/infra/gcp/cloudrun/cloudrun-api.js';
import { buildJob, consoleUrlOf, exitCodeOf, runJobRequest, stateOf, statusOf } from '../../../src/infra/gcp/cloudrun/cloudrun-mapper.js';
import { jobDefinitionOf } from '../../../src/infra/gcp/cloudrun/job-definition.js';
import { parseStagingBucket, type GcpSettings } from '../../../src/infra/gcp/shared/gcp-settings.js';
import { launchSpec } from '../../support/launch-spec.js';

const SETTINGS: GcpSettings = { project: 'my-project', region: 'europe-west1', stagingBucket: parseStagingBucket('gs://bucket/area'), serviceAccount: 'jobs@my-project.iam' };
const NAME = 'projects/my-project/locations/europe-west1/jobs/ns-train-0123abcd/executions/ns-train-0123abcd-x7k2p';
const seconds = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });

/** An execution as Cloud Run answers it, launched from `spec` (its record is the env of the RunJob override). */
function executionOf(spec = launchSpec(), extra: Partial<RunExecution> = {}): RunExecution {
  const containers = runJobRequest('projects/p/locations/r/jobs/j', spec).overrides?.containerOverrides ?? [];
  return { name: NAME, taskCount: 1, template: { containers: containers.map((c) => ({ name: c.name, env: c.env })) }, ...extra };
}
const completed = (state: string, extra: object = {}) => ({ conditions: [{ type: 'Completed', state, ...extra }], completionTime: seconds('2026-01-02T03:05:00Z') }) as Partial<RunExecution>;

describe('Cloud Run mapper: requests', () => {
  it('builds the Job: staging volume on the prefix, labels, retries, limits, service account, VPC, sidecars', () => {
    const spec = launchSpec({}, {
      cpu: 2, memoryGb: 1.5, labels: { team: 'data' }, retry: { maxAttemptsExecute: 3 }, vpcConnectorNetwork: 'net', vpcConnectorSubnetwork: 'sub',
      sidecarsContainers: [{ name: 'proxy', dockerImage: 'proxy:1', args: ['run'], env: { MODE: 'x' } }],
    });
    const job = buildJob(jobDefinitionOf({ namespace: 'ns', name: 'train', image: spec.image }, SETTINGS, spec.config), SETTINGS.stagingBucket, 90.5);
    assert.equal(job.labels?.team, 'data');
    assert.equal(job.labels?.smartjob, 'true');
    assert.deepEqual(job.template?.labels, job.labels);
    const task = job.template?.template;
    assert.equal(job.template?.taskCount, 1);
    assert.equal(task?.maxRetries, 2, 'maxAttemptsExecute 3 = 2 retries, always set');
    assert.deepEqual(task?.timeout, { seconds: 91 }, 'whole seconds, rounded up');
    assert.equal(task?.serviceAccount, 'jobs@my-project.iam');
    assert.deepEqual(task?.vpcAccess, { networkInterfaces: [{ network: 'net', subnetwork: 'sub' }], egress: 'PRIVATE_RANGES_ONLY' });
    const [main, sidecar] = task?.containers ?? [];
    assert.deepEqual(main?.resources, { limits: { cpu: '2', memory: '1536Mi' } });
    assert.deepEqual(main?.volumeMounts, [{ name: 'staging', mountPath: '/staging' }, { name: 'shared', mountPath: '/shared' }]);
    assert.deepEqual(sidecar && [sidecar.name, sidecar.image, sidecar.args, sidecar.env], ['proxy', 'proxy:1', ['run'], [{ name: 'MODE', value: 'x' }]]);
    assert.deepEqual(task?.volumes?.[0], { name: 'staging', gcs: { bucket: 'bucket', readOnly: false, mountOptions: ['only-dir=area'] } });
    assert.deepEqual(task?.volumes?.[1], { name: 'shared', emptyDir: { medium: 'MEMORY' } });
  });

  it('keeps no retries and no sidecar volume by default', () => {
    const spec = launchSpec();
    const job = buildJob(jobDefinitionOf({ namespace: 'ns', name: 'train', image: spec.image }, SETTINGS, spec.config), parseStagingBucket('gs://bucket'), 60);
    assert.equal(job.template?.template?.maxRetries, 0);
    assert.deepEqual(job.template?.template?.volumes?.map((v) => v.name), ['staging']);
    assert.deepEqual(job.template?.template?.volumes?.[0]?.gcs?.mountOptions, []);
    assert.equal(job.template?.template?.containers?.[0]?.resources, undefined);
  });

  it('runs one task with the args, the env plus the record, and the timeout of this execution', () => {
    const spec = launchSpec({ addEnvs: { LEVEL: 'debug' } }, { timeout: { timeoutSeconds: 12.2 } });
    const request = runJobRequest('projects/p/locations/r/jobs/j', spec);
    assert.equal(request.name, 'projects/p/locations/r/jobs/j');
    assert.equal(request.overrides?.taskCount, 1);
    assert.deepEqual(request.overrides?.timeout, { seconds: 13 });
    const [override] = request.overrides?.containerOverrides ?? [];
    assert.equal(override?.name, 'job');
    assert.deepEqual(override?.args, ['sh', '-c', 'exit 0']);
    const env = new Map(override?.env?.map((e) => [e.name, e.value]));
    assert.equal(env.get('LEVEL'), 'debug');
    assert.equal(env.get('EXECUTION_ID'), spec.executionId);
    assert.equal(statusOf(executionOf(spec), undefined)?.executionId, spec.executionId, 'the record in the env is read back');
  });

  it('gives each task attempt its share of the timeout, so that every attempt timing out still ends within it', () => {
    const timeoutOf = (timeoutSeconds: number, maxAttemptsExecute: number) =>
      runJobRequest('projects/p/locations/r/jobs/j', launchSpec({}, { timeout: { timeoutSeconds }, retry: { maxAttemptsExecute } })).overrides?.timeout;
    assert.deepEqual(timeoutOf(12.2, 1), { seconds: 13 }, 'one attempt: the whole timeout, rounded up');
    assert.deepEqual(timeoutOf(3600, 4), { seconds: 900 });
    assert.deepEqual(timeoutOf(10, 3), { seconds: 3 }, 'rounded down: 3 × 3 s ≤ 10 s');
    assert.deepEqual(timeoutOf(2, 3), { seconds: 1 }, 'never below one second');
    for (const [total, attempts] of [[7, 2], [100, 7], [86_400, 10], [61.5, 4]] as const) {
      assert.ok(Number(timeoutOf(total, attempts)?.seconds) * attempts <= total, `${attempts} attempts of ${total} s`);
    }
  });

  it('passes secretRefs as env variables Cloud Run reads from Secret Manager: a reference, no value', () => {
    const spec = launchSpec({ secretRefs: { TOKEN: 'projects/other-project/secrets/api-token/versions/latest' } });
    const env = runJobRequest('projects/p/locations/r/jobs/j', spec).overrides?.containerOverrides?.[0]?.env ?? [];
    assert.deepEqual(env.filter((e) => e.name === 'TOKEN'), [{ name: 'TOKEN', valueSource: { secretKeyRef: { secret: 'projects/other-project/secrets/api-token', version: 'latest' } } }]);
  });
});

describe('Cloud Run mapper: statuses', () => {
  it('tells pending, running and each final state apart, enums as names or numbers', () => {
    assert.equal(stateOf(executionOf()), 'PENDING');
    assert.equal(stateOf(executionOf(undefined, { startTime: seconds('2026-01-02T03:04:10Z') })), 'RUNNING');
    assert.equal(stateOf(executionOf(undefined, { runningCount: 1 })), 'RUNNING');
    assert.equal(stateOf(executionOf(undefined, completed('CONDITION_SUCCEEDED'))), 'SUCCEEDED');
    assert.equal(stateOf(executionOf(undefined, completed(4 as never))), 'SUCCEEDED', 'operation metadata decodes enums as numbers');
    assert.equal(stateOf(executionOf(undefined, completed('CONDITION_FAILED', { message: 'Task failed' }))), 'FAILED');
    assert.equal(stateOf(executionOf(undefined, completed('CONDITION_FAILED', { message: 'The configured timeout was reached.' }))), 'TIMED_OUT');
    assert.equal(stateOf(executionOf(undefined, completed('CONDITION_FAILED', { executionReason: 'CANCELLED' }))), 'CANCELLED');
    assert.equal(stateOf(executionOf(undefined, { ...completed('CONDITION_FAILED'), cancelledCount: 1 })), 'CANCELLED');
  });

  it('maps an execution to its status: record, times, exit code, message, console URL', () => {
    const spec = launchSpec({}, { timeout: { timeoutSeconds: 30 } });
    const started = seconds('2026-01-02T03:04:10Z');
    const timedOut = statusOf(executionOf(spec, { startTime: started, ...completed('CONDITION_FAILED', { message: 'The configured timeout was reached.' }) }), 137);
    assert.deepEqual(timedOut, {
      executionId: spec.executionId, jobName: 'train', jobNamespace: 'ns', state: 'TIMED_OUT', created: spec.created,
      started: new Date('2026-01-02T03:04:10Z'), stopped: new Date('2026-01-02T03:05:00Z'), exitCode: 137,
      message: 'timeout of 30s reached (The configured timeout was reached.)',
      logUrl: 'https://console.cloud.google.com/run/jobs/executions/details/europe-west1/ns-train-0123abcd-x7k2p/tasks?project=my-project',
      baseDir: spec.baseDir, timeoutSeconds: 30,
    });
    assert.equal(statusOf(executionOf(spec, completed('CONDITION_SUCCEEDED')), undefined)?.exitCode, 0);
    assert.equal(statusOf(executionOf(spec), undefined)?.stopped, undefined, 'not stopped while pending');
    assert.equal(statusOf({ name: NAME, template: { containers: [{ name: 'job', env: [{ name: 'OTHER', value: 'x' }] }] } }, undefined), undefined, 'not launched by smartjob');
    assert.equal(consoleUrlOf(NAME), timedOut?.logUrl);
  });

  it('reads the exit code of the last attempt; 0 on a failed task means none was recorded', () => {
    assert.equal(exitCodeOf({ lastAttemptResult: { exitCode: 3 } }), 3);
    assert.equal(exitCodeOf({ lastAttemptResult: { exitCode: 0 } }), undefined);
    assert.equal(exitCodeOf(undefined), undefined);
  });
});
