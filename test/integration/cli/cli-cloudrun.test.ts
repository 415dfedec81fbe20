import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { FakeCloudRun } from '../../fakes/cloudrun/fake-cloud-run.js';
import { startGcsFake, type GcsFake } from '../../fakes/gcs/gcs-fake.js';
import { BUSYBOX_IMAGE, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

const BUCKET = 'cli-staging';

/** The built CLI against the Cloud Run gRPC fake and the GCS fake, through the official clients. */
describe('CLI on Cloud Run: the cloud flags reach the backend', { timeout: 180_000 }, () => {
  let fx: CliFixture;
  let gcs: GcsFake;
  let fake: FakeCloudRun;
  let cloud: string[];
  before(async () => {
    fx = await cliFixture();
    gcs = await startGcsFake();
    await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
    fake = await FakeCloudRun.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker: await requireDocker() });
    cloud = ['--backend', 'cloudrun', '--api-endpoint', `http://127.0.0.1:${fake.port}`, '--gcs-endpoint', gcs.endpoint,
      '--project', 'smartjob-tests', '--region', 'europe-west1', '--staging-bucket', `gs://${BUCKET}/cli`];
  });
  after(async () => {
    await fake?.close();
    await gcs?.close();
    await fx?.close();
  });

  it('one run with every Cloud Run setting as a flag: the fake records each of them', async () => {
    const ran = await fx.cli([
      'run', '--json', ...cloud, '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'cloudy',
      '--service-account', 'runner@smartjob-tests.iam.gserviceaccount.com', '--cpu', '2', '--memory', '1536m', '--label', 'team=data',
      '--timeout', '120', '--attempts', '3', '--vpc-network', 'projects/smartjob-tests/global/networks/default', '--vpc-subnetwork', 'default',
      '--env', 'WHO=cloud', '--json-input', 'params.json={"lr":0.1}',
      '--', 'sh', '-c', 'echo "{\\"who\\":\\"$WHO\\",\\"params\\":$(cat $INPUT_PATH/params.json)}" > $OUTPUT_PATH/smartjob.json',
    ]);
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { executionId: string; jsonOutput: unknown; logUrl: string };
    assert.deepEqual(result.jsonOutput, { who: 'cloud', params: { lr: 0.1 } });
    assert.match(result.logUrl, /^https:\/\/console\.cloud\.google\.com\//);

    const job = [...fake.state.jobs.values()].find((j) => j.labels?.[RECORD_KEYS.name] === 'cloudy');
    assert.ok(job, 'a Cloud Run job was created');
    assert.ok(job.name?.startsWith('projects/smartjob-tests/locations/europe-west1/jobs/'), job.name ?? '');
    assert.equal(job.labels?.team, 'data');
    const task = job.template?.template;
    assert.equal(task?.serviceAccount, 'runner@smartjob-tests.iam.gserviceaccount.com');
    assert.equal(task?.maxRetries, 2, '--attempts 3');
    assert.deepEqual(task?.containers?.[0]?.resources?.limits, { cpu: '2', memory: '1536Mi' });
    assert.deepEqual(task?.vpcAccess?.networkInterfaces, [{ network: 'projects/smartjob-tests/global/networks/default', subnetwork: 'default' }]);
    assert.deepEqual(task?.volumes?.find((v) => v.name === 'staging')?.gcs?.mountOptions, ['only-dir=cli']);
    const [record] = [...fake.state.executions.values()].filter((r) => r.jobName === job.name);
    assert.equal(Number(record?.execution.template?.timeout?.seconds), 40, '--timeout 120 over 3 attempts: each attempt gets a third');

    const status = await fx.cli(['status', '--json', ...cloud, result.executionId]);
    assert.equal(JSON.parse(status.stdout).state, 'SUCCEEDED', status.stderr);
    const logs = await fx.cli(['logs', ...cloud, result.executionId]);
    assert.equal(logs.code, 70);
    assert.match(logs.stderr, /not supported on the cloudrun backend; see https:\/\/console\.cloud\.google\.com\//);
  });

  it('run --follow on Cloud Run prints the log URL (no log streaming there) and still waits for the result', async () => {
    const ran = await fx.cli(['run', '--json', '--follow', ...cloud, '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'cloudfollow', '--', 'sh', '-c', 'echo hi']);
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { state: string; logUrl: string };
    assert.equal(result.state, 'SUCCEEDED');
    assert.match(ran.stderr, /^smartjob: .*not supported on the cloudrun backend; see https:\/\/console\.cloud\.google\.com\/\S+/m);
    assert.ok(ran.stderr.includes(result.logUrl), 'the URL printed is the execution\'s');
  });

  it('refuses --secret-env on Cloud Run before anything is created, naming the variable', async () => {
    const executions = fake.state.executions.size;
    const ran = await fx.cli(['run', ...cloud, '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'nosecret', '--secret-env', 'TOKEN=hush-hush-hush', '--', 'true']);
    assert.equal(ran.code, 70);
    assert.match(ran.stderr, /cloudrun backend cannot pass `--secret-env` \(TOKEN\) .*pass `--secret-ref` instead/);
    assert.ok(!ran.stderr.includes('hush-hush-hush'));
    assert.equal(fake.state.executions.size, executions);
  });
});
