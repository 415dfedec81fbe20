import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { FakeCloudBatch } from '../../fakes/cloudbatch/fake-cloud-batch.js';
import { startGcsFake, type GcsFake } from '../../fakes/gcs/gcs-fake.js';
import { FakeVertex } from '../../fakes/vertex/fake-vertex.js';
import { BUSYBOX_IMAGE, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

const BUCKET = 'cli-cloud';
const PROJECT = 'smartjob-tests';
const REGION = 'europe-west4';
const SERVICE_ACCOUNT = 'trainer@smartjob-tests.iam.gserviceaccount.com';
const WRITE_OUTPUT = 'echo "{\\"who\\":\\"$WHO\\",\\"params\\":$(cat $INPUT_PATH/params.json)}" > $OUTPUT_PATH/smartjob.json';

/** The built CLI against the Batch and Vertex gRPC fakes and the GCS fake: the cloud flags reach each backend. */
describe('CLI on Cloud Batch and Vertex AI: the cloud flags reach the backend', { timeout: 240_000 }, () => {
  let fx: CliFixture;
  let gcs: GcsFake;
  let batch: FakeCloudBatch;
  let vertex: FakeVertex;
  const cloud = (backend: string, port: number) => [
    '--backend', backend, '--api-endpoint', `http://127.0.0.1:${port}`, '--gcs-endpoint', gcs.endpoint, '--poll-interval', '0.2',
    '--project', PROJECT, '--region', REGION, '--staging-bucket', `gs://${BUCKET}/cli`, '--service-account', SERVICE_ACCOUNT,
  ];
  const job = (name: string) => [
    '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', name, '--label', 'team=data', '--timeout', '120',
    '--env', 'WHO=cloud', '--json-input', 'params.json={"lr":0.1}',
  ];
  const runJson = async (args: string[]) => {
    const ran = await fx.cli(['run', '--json', ...args, '--', 'sh', '-c', WRITE_OUTPUT]);
    assert.equal(ran.code, 0, ran.stderr);
    const result = JSON.parse(ran.stdout) as { executionId: string; jsonOutput: unknown; state: string };
    assert.deepEqual(result.jsonOutput, { who: 'cloud', params: { lr: 0.1 } });
    return result;
  };

  before(async () => {
    fx = await cliFixture();
    gcs = await startGcsFake();
    await mkdir(gcs.bucketDir(BUCKET), { recursive: true });
    const docker = await requireDocker();
    batch = await FakeCloudBatch.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker });
    vertex = await FakeVertex.start({ bucketDirs: (bucket) => gcs.bucketDir(bucket), docker, buckets: [BUCKET] });
  });
  after(async () => {
    await batch?.close();
    await vertex?.close();
    await gcs?.close();
    await fx?.close();
  });

  it('cloudbatch: placement, machine type, boot disk, attempts, cpu/memory and no external IP reach the Batch job', async () => {
    const result = await runJson([
      ...cloud('cloudbatch', batch.port), ...job('batchy'), '--machine-type', 'n2-standard-4', '--boot-disk-size', '60',
      '--attempts', '2', '--cpu', '2', '--memory', '4g', '--no-external-ip',
    ]);
    const record = [...batch.state.jobs.values()].find((r) => r.job.labels?.[RECORD_KEYS.executionId] === result.executionId);
    assert.ok(record, 'a Batch job carries the execution id');
    assert.ok(record.name.startsWith(`projects/${PROJECT}/locations/${REGION}/jobs/`), record.name);
    const { job: created } = record;
    assert.equal(created.labels?.team, 'data');
    const task = created.taskGroups?.[0]?.taskSpec;
    assert.equal(task?.maxRetryCount, 1, '--attempts 2');
    assert.equal(Number(task?.maxRunDuration?.seconds), 60, '--timeout 120 over 2 attempts: each attempt gets half');
    assert.equal(Number(task?.computeResource?.cpuMilli), 2000);
    assert.equal(Number(task?.computeResource?.memoryMib), 4096);
    const policy = created.allocationPolicy;
    assert.equal(policy?.serviceAccount?.email, SERVICE_ACCOUNT);
    assert.equal(policy?.instances?.[0]?.policy?.machineType, 'n2-standard-4');
    assert.equal(Number(policy?.instances?.[0]?.policy?.bootDisk?.sizeGb), 60);
    assert.equal(policy?.network?.networkInterfaces?.[0]?.noExternalIpAddress, true);

    const status = await fx.cli(['status', '--json', ...cloud('cloudbatch', batch.port), result.executionId]);
    assert.equal(JSON.parse(status.stdout).state, 'SUCCEEDED', status.stderr);
  });

  it('vertex: placement, machine, accelerator and boot disk reach the CustomJob', async () => {
    const result = await runJson([
      ...cloud('vertex', vertex.port), ...job('vertexy'), '--machine-type', 'g2-standard-8', '--accelerator-type', 'NVIDIA_L4',
      '--accelerator-count', '1', '--boot-disk-type', 'pd-standard', '--boot-disk-size', '200',
    ]);
    const record = [...vertex.state.jobs.values()].find((r) => r.job.labels?.[RECORD_KEYS.executionId] === result.executionId);
    assert.ok(record, 'a CustomJob carries the execution id');
    assert.ok(record.name.startsWith(`projects/${PROJECT}/locations/${REGION}/customJobs/`), record.name);
    const { job: created } = record;
    assert.equal(created.labels?.team, 'data');
    const pool = created.jobSpec?.workerPoolSpecs?.[0];
    assert.equal(pool?.machineSpec?.machineType, 'g2-standard-8');
    assert.equal(String(pool?.machineSpec?.acceleratorType), 'NVIDIA_L4');
    assert.equal(pool?.machineSpec?.acceleratorCount, 1);
    assert.equal(pool?.diskSpec?.bootDiskType, 'pd-standard');
    assert.equal(pool?.diskSpec?.bootDiskSizeGb, 200);
    assert.equal(created.jobSpec?.serviceAccount, SERVICE_ACCOUNT);
    assert.equal(Number(created.jobSpec?.scheduling?.timeout?.seconds), 120);
  });
});
