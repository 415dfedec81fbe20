import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LaunchSpec } from '../../../src/domain/ports/executor.port.js';
import { parseStagingBucket } from '../../../src/infra/gcp/shared/gcp-settings.js';
import { RECORD_KEYS, recordOf } from '../../../src/infra/shared/execution-record.js';
import type { CustomJob } from '../../../src/infra/gcp/vertex/vertex-api.js';
import { jobLabelsOf } from '../../../src/infra/gcp/vertex/vertex-labels.js';
import { customJobOf, exitCodeOf, fuseRootOf, hasEnded, logUrlOf, stateOf, statusOf } from '../../../src/infra/gcp/vertex/vertex-mapper.js';
import { launchSpec } from '../../support/launch-spec.js';

const NAME = 'projects/424242424242/locations/europe-west4/customJobs/1234567890123456789';
const at = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });
const NON_ZERO = 'The replica workerpool0-0 exited with a non-zero status of 7. Termination reason: Error. To find out more about why your job exited please check the logs: https://console.cloud.google.com/logs/viewer?project=1';

/** A CustomJob as Vertex answers it, launched from `spec` (its record is in its labels). */
function jobOf(extra: Partial<CustomJob> = {}, spec: LaunchSpec = launchSpec({}, { timeout: { timeoutSeconds: 60 } })): CustomJob {
  return { name: NAME, labels: jobLabelsOf(spec).labels, state: 'JOB_STATE_QUEUED', createTime: at('2026-01-02T03:04:06Z'), ...extra };
}
const ran = (state: string, seconds: number, error?: { code: number; message: string }) =>
  jobOf({ state: state as never, startTime: at('2026-01-02T03:05:00Z'), endTime: { seconds: String(Date.parse('2026-01-02T03:05:00Z') / 1000 + seconds) }, error });

describe('Vertex mapper: the CustomJob of a launch', () => {
  it('has one worker pool of one replica: machine, accelerator, disk, container, service account, network, timeout', () => {
    const spec = launchSpec({ addEnvs: { LEVEL: 'debug' } }, {
      machineType: 'a2-highgpu-1g', acceleratorType: 'nvidia-tesla-a100', acceleratorCount: 2, bootDiskType: 'pd-standard', bootDiskSizeGb: 200,
      vpcConnectorNetwork: 'projects/424242424242/global/networks/vpc', timeout: { timeoutSeconds: 90.5 }, labels: { team: 'ml' },
    });
    const job = customJobOf(spec, { serviceAccount: 'jobs@my-project.iam.gserviceaccount.com' }, jobLabelsOf(spec).labels);
    assert.equal(job.displayName, `ns-train-${spec.executionId}`);
    assert.deepEqual(job.labels, { team: 'ml', ...recordOf(spec) });
    const [pool, ...others] = job.jobSpec?.workerPoolSpecs ?? [];
    assert.equal(others.length, 0);
    assert.equal(pool?.replicaCount, 1);
    assert.deepEqual(pool?.machineSpec, { machineType: 'a2-highgpu-1g', acceleratorType: 'NVIDIA_TESLA_A100', acceleratorCount: 2 });
    assert.deepEqual(pool?.diskSpec, { bootDiskType: 'pd-standard', bootDiskSizeGb: 200 });
    assert.equal(pool?.containerSpec?.imageUri, 'example/image:1');
    assert.equal(pool?.containerSpec?.command, undefined, 'the image entrypoint stays');
    assert.deepEqual(pool?.containerSpec?.args, ['sh', '-c', 'exit 0']);
    assert.deepEqual(Object.fromEntries((pool?.containerSpec?.env ?? []).map((e) => [e.name, e.value])), spec.env);
    assert.equal(spec.env.LEVEL, 'debug');
    assert.deepEqual(job.jobSpec?.scheduling, { timeout: { seconds: 91 } }, 'whole seconds, rounded up');
    assert.equal(job.jobSpec?.serviceAccount, 'jobs@my-project.iam.gserviceaccount.com');
    assert.equal(job.jobSpec?.network, 'projects/424242424242/global/networks/vpc');
  });

  it('defaults to n1-standard-4, one accelerator when only the type is set, and Vertex\'s own disk', () => {
    const plain = customJobOf(launchSpec(), { serviceAccount: undefined }, {}).jobSpec?.workerPoolSpecs?.[0];
    assert.deepEqual(plain?.machineSpec, { machineType: 'n1-standard-4' });
    assert.equal(plain?.diskSpec, undefined);
    const gpu = customJobOf(launchSpec({}, { acceleratorType: 'NVIDIA_L4', bootDiskSizeGb: 50 }), { serviceAccount: undefined }, {}).jobSpec?.workerPoolSpecs?.[0];
    assert.deepEqual(gpu?.machineSpec, { machineType: 'n1-standard-4', acceleratorType: 'NVIDIA_L4', acceleratorCount: 1 });
    assert.deepEqual(gpu?.diskSpec, { bootDiskType: undefined, bootDiskSizeGb: 50 });
  });

  it('sees the staging bucket (and prefix) through Cloud Storage FUSE at /gcs', () => {
    assert.equal(fuseRootOf(parseStagingBucket('gs://bucket')), '/gcs/bucket');
    assert.equal(fuseRootOf(parseStagingBucket('gs://bucket/team/area/')), '/gcs/bucket/team/area');
  });
});

describe('Vertex mapper: labels', () => {
  const withLabels = (labels: Record<string, string>) => {
    const spec = launchSpec();
    return { spec, ...jobLabelsOf({ ...spec, config: { ...spec.config, labels } }) };
  };

  it('takes valid user labels as given, beside the record', () => {
    const { spec, labels, changes } = withLabels({ team: 'ml', 'cost-center': 'r_and_d' });
    assert.deepEqual(labels, { team: 'ml', 'cost-center': 'r_and_d', ...recordOf(spec) });
    assert.deepEqual(changes, []);
  });

  it('makes keys and values lowercase [a-z0-9_-] of at most 63 characters, and says what changed', () => {
    const { labels, changes } = withLabels({ Team: 'ML Ops', '9lives': 'x', owner: 'a.b@example.com', long: 'v'.repeat(70) });
    assert.equal(labels.team, 'ml_ops');
    assert.equal(labels.l9lives, 'x', 'a key starts with a letter');
    assert.equal(labels.owner, 'a_b_example_com');
    assert.equal(labels.long, 'v'.repeat(63));
    assert.deepEqual(changes, ['Team=ML Ops became team=ml_ops', '9lives=x became l9lives=x', 'owner=a.b@example.com became owner=a_b_example_com', `long=${'v'.repeat(70)} became long=${'v'.repeat(63)}`]);
  });

  it('never lets a user label replace the record, nor exceed 64 labels', () => {
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v']));
    const { spec, labels, changes } = withLabels({ [RECORD_KEYS.name]: 'other', ...many, K0: 'twice' });
    assert.equal(labels[RECORD_KEYS.name], spec.jobName);
    assert.equal(Object.keys(labels).length, 64);
    assert.ok(changes[0]?.startsWith(`${RECORD_KEYS.name} dropped: smartjob records the execution under that key`), changes[0]);
    assert.equal(changes.filter((c) => c.includes('at most 64 labels')).length, 2, 'k58 and k59 do not fit');
    assert.ok(changes.includes('K0 dropped: another label became k0 too'));
  });
});

describe('Vertex mapper: the status of a CustomJob', () => {
  it('maps every JobState to a domain state', () => {
    const cases: [string, string, Partial<CustomJob>?][] = [
      ['JOB_STATE_QUEUED', 'PENDING'], ['JOB_STATE_PENDING', 'PENDING'], ['JOB_STATE_PAUSED', 'PENDING'], ['JOB_STATE_UNSPECIFIED', 'PENDING'],
      ['JOB_STATE_RUNNING', 'RUNNING'], ['JOB_STATE_UPDATING', 'RUNNING'],
      ['JOB_STATE_CANCELLING', 'RUNNING', { startTime: at('2026-01-02T03:05:00Z') }], ['JOB_STATE_CANCELLING', 'PENDING'],
      ['JOB_STATE_SUCCEEDED', 'SUCCEEDED'], ['JOB_STATE_FAILED', 'FAILED'], ['JOB_STATE_EXPIRED', 'FAILED'],
      ['JOB_STATE_PARTIALLY_SUCCEEDED', 'FAILED'], ['JOB_STATE_CANCELLED', 'CANCELLED'],
    ];
    for (const [state, expected, extra] of cases) assert.equal(stateOf(jobOf({ state: state as never, ...extra }), 60), expected, state);
    assert.equal(stateOf(jobOf({ state: 4 as never }), 60), 'SUCCEEDED', 'a state given as its number');
    assert.deepEqual(['JOB_STATE_CANCELLING', 'JOB_STATE_RUNNING', 'JOB_STATE_FAILED'].map((s) => hasEnded(jobOf({ state: s as never }))), [false, false, true]);
  });

  it('reports a success with exit code 0 and its times', () => {
    const status = statusOf(ran('JOB_STATE_SUCCEEDED', 30));
    const spec = launchSpec({}, { timeout: { timeoutSeconds: 60 } });
    assert.deepEqual(status && [status.state, status.exitCode, status.message], ['SUCCEEDED', 0, undefined]);
    assert.deepEqual(status && [status.executionId, status.jobName, status.jobNamespace, status.baseDir, status.timeoutSeconds], [spec.executionId, 'train', 'ns', spec.baseDir, 60]);
    assert.equal(status?.created.getTime(), spec.created.getTime());
    assert.equal(status?.started?.toISOString(), '2026-01-02T03:05:00.000Z');
    assert.equal(status?.stopped?.toISOString(), '2026-01-02T03:05:30.000Z');
    assert.equal(statusOf(jobOf({ state: 'JOB_STATE_RUNNING' }))?.stopped, undefined);
  });

  it('reads the exit code of a failure from the error message, and keeps the message', () => {
    const failed = statusOf(ran('JOB_STATE_FAILED', 5, { code: 3, message: NON_ZERO }));
    assert.deepEqual(failed && [failed.state, failed.exitCode, failed.message], ['FAILED', 7, NON_ZERO]);
    const internal = statusOf(ran('JOB_STATE_FAILED', 5, { code: 13, message: 'Internal error occurred for the current attempt.' }));
    assert.deepEqual(internal && [internal.state, internal.exitCode, internal.message], ['FAILED', undefined, 'Internal error occurred for the current attempt.']);
    assert.equal(exitCodeOf(ran('JOB_STATE_FAILED', 5)), undefined);
  });

  it('tells a scheduling.timeout stop (TIMED_OUT) by its code, then its run time, then its words', () => {
    assert.equal(stateOf(ran('JOB_STATE_FAILED', 3, { code: 4, message: 'anything' }), 60), 'TIMED_OUT', 'DEADLINE_EXCEEDED');
    assert.equal(stateOf(ran('JOB_STATE_FAILED', 61, { code: 3, message: NON_ZERO.replace('7', '143') }), 60.5), 'TIMED_OUT', 'ran for its whole timeout');
    assert.equal(stateOf(ran('JOB_STATE_FAILED', 3, { code: 9, message: 'The job exceeded its scheduling.timeout and was stopped.' }), 60), 'TIMED_OUT');
    assert.equal(stateOf(ran('JOB_STATE_FAILED', 59, { code: 3, message: NON_ZERO }), 60), 'FAILED');
    const status = statusOf(ran('JOB_STATE_FAILED', 60, { code: 4, message: 'The job exceeded its scheduling.timeout of 60s and was stopped.' }));
    assert.equal(status?.message, 'timeout of 60s reached (The job exceeded its scheduling.timeout of 60s and was stopped.)');
  });

  it('says so for an expired or cancelled job', () => {
    const expired = statusOf(jobOf({ state: 'JOB_STATE_EXPIRED', endTime: at('2026-01-03T00:00:00Z') }));
    assert.deepEqual(expired && [expired.state, expired.message, expired.exitCode], ['FAILED', 'the CustomJob expired before it could run', undefined]);
    const cancelled = statusOf(ran('JOB_STATE_CANCELLED', 2, { code: 1, message: 'CANCELED' }));
    assert.deepEqual(cancelled && [cancelled.state, cancelled.message, cancelled.exitCode], ['CANCELLED', 'the execution was cancelled', undefined]);
  });

  it('knows no status for a job smartjob did not launch, and points at the job logs in Cloud Logging', () => {
    assert.equal(statusOf({ name: NAME, labels: { team: 'ml' }, state: 'JOB_STATE_SUCCEEDED' }), undefined);
    assert.equal(
      logUrlOf(NAME),
      'https://console.cloud.google.com/logs/query;query=resource.type%3D%22ml_job%22%0Aresource.labels.job_id%3D%221234567890123456789%22?project=424242424242',
    );
    assert.equal(statusOf(jobOf())?.logUrl, logUrlOf(NAME));
  });
});
