import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { useCloudRun, shellJob, type CloudRunHarness } from './cloudrun-harness.js';

describe('Cloud Run Jobs: one per job definition, reused', { timeout: 180_000 }, () => {
  let h: CloudRunHarness;
  useCloudRun((started) => (h = started));

  const jobsNamed = (name: string) => [...h.fake.state.jobs.values()].filter((j) => j.labels?.[RECORD_KEYS.name] === name);

  it('reuses the job of an unchanged definition and creates another when the image changes', async () => {
    const creates = h.fake.callCount('CreateJob');
    const first = await h.plan(shellJob('reused', 'exit 0'));
    const second = await h.plan(shellJob('reused', 'exit 1'));
    await h.adapter.launch(first);
    await h.adapter.launch(second);
    assert.equal(jobsNamed('reused').length, 1, 'args and env are per run: same job');
    assert.equal(h.fake.callCount('CreateJob') - creates, 1);
    const otherImage = await h.plan({ ...shellJob('reused', 'exit 0'), dockerImage: 'smartjob-test/node:local' });
    await h.adapter.launch(otherImage);
    assert.equal(jobsNamed('reused').length, 2, 'a changed image is a new definition');
    for (const job of jobsNamed('reused')) {
      const id = (job.name as string).split('/').pop() as string;
      assert.match(id, /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/);
      assert.ok(id.startsWith(`${first.jobNamespace}-reused-`), id);
    }
    await Promise.all([first, second, otherImage].map((spec) => h.adapter.wait(spec.executionId)));
  });

  it('tolerates a concurrent creator of the same job (ALREADY_EXISTS)', async () => {
    const a = await h.plan(shellJob('raced', 'exit 0'));
    const b = await h.plan(shellJob('raced', 'exit 0'));
    const creates = h.fake.callCount('CreateJob');
    await h.newAdapter().launch(a);
    // The second process checked before the first one's job existed: its CreateJob meets ALREADY_EXISTS.
    h.fake.failNext({ method: 'GetJob', code: grpc.status.NOT_FOUND });
    await h.newAdapter().launch(b);
    assert.equal(h.fake.callCount('CreateJob') - creates, 2);
    assert.equal(jobsNamed('raced').length, 1);
    assert.ok(h.logger.lines.some((line) => /raced-[0-9a-f]{8} was created concurrently/.test(line)));
    assert.equal((await h.adapter.wait(a.executionId)).state, 'SUCCEEDED');
    assert.equal((await h.adapter.wait(b.executionId)).state, 'SUCCEEDED');
  });

  it('keeps job ids DNS labels of at most 57 characters for long names', async () => {
    const spec = await h.plan({ ...shellJob('a-very-long-job-name-that-fills-forty-ch', 'exit 0'), namespace: 'namespace-of-twenty1' });
    await h.adapter.launch(spec);
    const [job] = jobsNamed('a-very-long-job-name-that-fills-forty-ch');
    const id = (job?.name as string).split('/').pop() as string;
    assert.ok(id.length <= 57, id);
    assert.match(id, /^namespace-of-twenty1-a-very-long[a-z0-9-]*-[0-9a-f]{8}$/);
    await h.adapter.wait(spec.executionId);
  });

  it('builds the template: staging volume, labels, limits, retries, service account, VPC, sidecars', async () => {
    const spec = await h.plan(shellJob('templated', 'exit 0'), {
      cpu: 2,
      memoryGb: 1.5,
      serviceAccount: 'runner@smartjob-tests.iam.gserviceaccount.com',
      labels: { team: 'data' },
      vpcConnectorNetwork: 'projects/smartjob-tests/global/networks/default',
      vpcConnectorSubnetwork: 'default',
      sidecarsContainers: [{ name: 'proxy', dockerImage: 'smartjob-test/busybox:local', args: ['sleep', '1'], env: { MODE: 'x' } }],
      retry: { maxAttemptsExecute: 3 },
    });
    await h.adapter.launch(spec);
    const [job] = jobsNamed('templated');
    assert.ok(job);
    const labels = { team: 'data', smartjob: 'true', smartjob_namespace: spec.jobNamespace, smartjob_name: 'templated' };
    assert.deepEqual(job.labels, labels);
    assert.deepEqual(job.template?.labels, labels);
    const task = job.template?.template;
    assert.equal(task?.maxRetries, 2);
    assert.equal(task?.serviceAccount, 'runner@smartjob-tests.iam.gserviceaccount.com');
    assert.deepEqual(task?.vpcAccess?.networkInterfaces, [{ network: 'projects/smartjob-tests/global/networks/default', subnetwork: 'default' }]);
    const [main, sidecar] = task?.containers ?? [];
    assert.deepEqual(main?.resources?.limits, { cpu: '2', memory: '1536Mi' });
    assert.deepEqual(main?.volumeMounts?.map((m) => [m.name, m.mountPath]), [['staging', '/staging'], ['shared', '/shared']]);
    assert.equal(sidecar?.name, 'proxy');
    assert.deepEqual(sidecar?.env?.map((e) => [e.name, e.value]), [['MODE', 'x']]);
    assert.deepEqual(sidecar?.volumeMounts?.map((m) => m.name), ['staging', 'shared']);
    assert.deepEqual(task?.volumes?.find((v) => v.name === 'staging')?.gcs?.bucket, 'staging-bucket');
    assert.equal(task?.volumes?.find((v) => v.name === 'shared')?.emptyDir?.medium, 'MEMORY');
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('mounts only the prefix of a gs://bucket/prefix staging area at /staging', async () => {
    const prefixed = h.newAdapter({ stagingBucket: 'gs://staging-bucket/team/area' });
    const spec = await h.plan(shellJob('prefixed', 'echo \'{"ok":true}\' > "$OUTPUT_PATH/smartjob.json"'));
    await h.storage.createDirectory(`team/area/${spec.baseDir}/output`);
    await prefixed.launch(spec);
    assert.equal((await prefixed.wait(spec.executionId)).state, 'SUCCEEDED');
    const written = await readFile(join(h.bucketDir, 'team/area', spec.baseDir, 'output', 'smartjob.json'), 'utf8');
    assert.deepEqual(JSON.parse(written), { ok: true });
    const [job] = jobsNamed('prefixed');
    assert.deepEqual(job?.template?.template?.volumes?.[0]?.gcs?.mountOptions, ['only-dir=team/area']);
  });
});
