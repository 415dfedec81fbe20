import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { BUSYBOX_IMAGE } from '../../support/docker.js';
import { shellJob, useCloudBatch, type CloudBatchHarness } from './cloudbatch-harness.js';

/** What the adapter asks Batch for, as the fake received it over gRPC, and what the fake ran from it. */
describe('Cloud Batch jobs as created', { timeout: 180_000 }, () => {
  let h: CloudBatchHarness;
  useCloudBatch((started) => (h = started));

  it('creates the job: labels, service account, machine type, boot disk, Ops agent, network, resources, logs policy', async () => {
    const adapter = h.newAdapter({ noExternalIpAddress: true });
    const spec = await h.plan(shellJob('shaped', 'exit 0'), {
      machineType: 'e2-standard-2', bootDiskSizeGb: 60, installOpsAgent: true, serviceAccount: 'runner@smartjob-tests.iam.gserviceaccount.com',
      vpcConnectorNetwork: 'default', vpcConnectorSubnetwork: 'jobs', labels: { team: 'data' },
    });
    await adapter.launch(spec);
    const { job, requestId } = h.jobOf(spec.executionId);
    assert.match(requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.deepEqual(Object.keys(job.labels ?? {}).sort(), ['team', ...Object.values(RECORD_KEYS)].sort(), 'the user\'s labels and the record');
    assert.equal(job.labels?.team, 'data');
    assert.equal(job.labels?.[RECORD_KEYS.executionId], spec.executionId);
    const policy = job.allocationPolicy;
    assert.equal(policy?.serviceAccount?.email, 'runner@smartjob-tests.iam.gserviceaccount.com');
    assert.equal(policy?.instances?.[0]?.policy?.machineType, 'e2-standard-2');
    assert.equal(Number(policy?.instances?.[0]?.policy?.bootDisk?.sizeGb), 60);
    assert.equal(policy?.instances?.[0]?.installOpsAgent, true);
    assert.deepEqual(policy?.network?.networkInterfaces?.map((n) => [n.network, n.subnetwork, n.noExternalIpAddress]), [[
      'projects/smartjob-tests/global/networks/default', 'projects/smartjob-tests/regions/europe-west1/subnetworks/jobs', true,
    ]]);
    const task = job.taskGroups?.[0]?.taskSpec;
    assert.deepEqual([Number(task?.computeResource?.cpuMilli), Number(task?.computeResource?.memoryMib)], [2000, 8192], 'the VM shape, from the machine type');
    assert.equal(job.logsPolicy?.destination, 'CLOUD_LOGGING');
    assert.equal((await adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('keeps job ids DNS labels of at most 63 characters for long names', async () => {
    const spec = await h.plan({ ...shellJob('a-very-long-job-name-that-fills-forty-ch', 'exit 0'), namespace: 'namespace-of-twenty1' });
    await h.adapter.launch(spec);
    const id = h.jobOf(spec.executionId).name.split('/').pop() as string;
    assert.ok(id.length <= 63, id);
    assert.match(id, new RegExp(`^namespace-of-twenty1-a-very-long[a-z0-9-]*-${spec.executionId}$`));
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('runs sidecars beside the job: same loopback, /staging and /shared; stopped when it ends', async () => {
    const sidecar = { name: 'web', dockerImage: BUSYBOX_IMAGE, args: ['sh', '-c', 'mkdir -p /www && echo pong > /www/ping && echo note > /shared/note && exec httpd -f -p 8080 -h /www'] };
    const main = 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O - http://127.0.0.1:8080/ping > "$OUTPUT_PATH/ping" && cp /shared/note "$OUTPUT_PATH/note" && exit 0; sleep 0.3; done; exit 1';
    const spec = await h.plan(shellJob('with-sidecar', main), { sidecarsContainers: [sidecar] });
    await h.adapter.launch(spec);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
    const output = (file: string) => readFile(join(h.bucketDir, spec.baseDir, 'output', file), 'utf8');
    assert.deepEqual([await output('ping'), await output('note')], ['pong\n', 'note\n']);
    const record = h.jobOf(spec.executionId);
    assert.deepEqual((await h.fake.containers(record.name)).filter((c) => c.State === 'running'), [], 'the sidecar was stopped');
  });

  it('mounts only the prefix of a gs://bucket/prefix staging area at /staging', async () => {
    const prefixed = h.newAdapter({ stagingBucket: 'gs://staging-bucket/team/area' });
    const spec = await h.plan(shellJob('prefixed', 'echo \'{"ok":true}\' > "$OUTPUT_PATH/smartjob.json"'));
    await h.storage.createDirectory(`team/area/${spec.baseDir}/output`);
    await prefixed.launch(spec);
    assert.equal((await prefixed.wait(spec.executionId)).state, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(await readFile(join(h.bucketDir, 'team/area', spec.baseDir, 'output', 'smartjob.json'), 'utf8')), { ok: true });
    assert.equal(h.jobOf(spec.executionId).job.taskGroups?.[0]?.taskSpec?.volumes?.[0]?.gcs?.remotePath, 'staging-bucket/team/area/');
  });

  it('warns about the settings Batch cannot honour, and runs the job anyway', async () => {
    const result = await h.service().run({ name: 'warned', dockerImage: BUSYBOX_IMAGE, namespace: 'warned', overriddenArgs: ['true'] }, {
      executionConfig: { acceleratorType: 'nvidia-tesla-t4', acceleratorCount: 1 },
    });
    assert.equal(result.state, 'SUCCEEDED');
    assert.ok(h.logger.warnings.includes('the cloudbatch backend ignores these settings: acceleratorType, acceleratorCount'), h.logger.warnings.join('\n'));
  });
});
