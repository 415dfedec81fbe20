import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { v1, type protos } from '@google-cloud/aiplatform';
import { grpc } from 'google-gax';
import { FakeVertex } from '../../fakes/vertex/fake-vertex.js';
import { BUSYBOX_IMAGE } from '../../support/docker.js';
import { pollUntil, useFakeBackend } from '../../support/fake-backend-suite.js';

type ICustomJob = protos.google.cloud.aiplatform.v1.ICustomJob;
const PARENT = 'projects/fake-tests/locations/europe-west4';
const PROJECT_NUMBER = '123456789012';
const NUMBERED_PARENT = `projects/${PROJECT_NUMBER}/locations/europe-west4`;
const BUCKET = 'vertex-staging';
const TERMINAL = ['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED'];
const rpcCode = (code: grpc.status) => (error: { code?: number }) => error.code === code;

interface ShellJobOptions {
  readonly labels?: Record<string, string>;
  readonly timeoutSeconds?: number;
}

/** A busybox `sh -c script` CustomJob: one worker pool, one replica, the staging bucket at /gcs/<bucket>. */
function shellJob(displayName: string, script: string, options: ShellJobOptions = {}): ICustomJob {
  return {
    displayName,
    labels: options.labels,
    jobSpec: {
      workerPoolSpecs: [{
        replicaCount: 1,
        machineSpec: { machineType: 'n1-standard-4' },
        containerSpec: { imageUri: BUSYBOX_IMAGE, command: ['sh', '-c'], args: [script], env: [{ name: 'STAGING', value: `/gcs/${BUCKET}` }] },
      }],
      scheduling: options.timeoutSeconds ? { timeout: { seconds: options.timeoutSeconds } } : undefined,
    },
  };
}

/** The fake itself, through the official client over gRPC: what a Vertex adapter relies on must hold here. */
describe('FakeVertex', { timeout: 240_000 }, () => {
  const s = useFakeBackend(
    (options) => FakeVertex.start({ ...options, buckets: [BUCKET], projectNumbers: { 'fake-tests': PROJECT_NUMBER } }),
    (options) => new v1.JobServiceClient(options),
  );
  const create = async (customJob: ICustomJob) => (await s.client.createCustomJob({ parent: PARENT, customJob }))[0];
  const get = async (name: string) => (await s.client.getCustomJob({ name }))[0];
  const list = async (filter: string, parent = PARENT) => (await s.client.listCustomJobs({ parent, filter }, { autoPaginate: false }))[0].map((j) => j.name);
  const ended = (name: string, timeoutMs?: number) => pollUntil(() => get(name), (job) => TERMINAL.includes(String(job.state)), `${name} ending`, timeoutMs);
  const output = (file: string) => readFile(join(s.gcs.bucketDir(BUCKET), file), 'utf8');

  it('runs workerpool0-0 to SUCCEEDED with the bucket at /gcs/<bucket>, under a numeric server-assigned id', async () => {
    const created = await create(shellJob('writes-output', 'mkdir -p "$STAGING/out" && echo "$CLOUD_ML_JOB_ID" > "$STAGING/out/id.txt"', {
      labels: { 'smartjob-execution-id': 'e1', team: 'ml' },
    }));
    assert.match(created.name ?? '', new RegExp(`^${NUMBERED_PARENT}/customJobs/[1-9]\\d{18}$`), 'Vertex names carry the project number');
    assert.equal(created.state, 'JOB_STATE_QUEUED');
    assert.ok(Number(created.createTime?.seconds) > 0, 'timestamps decode (as Long) and convert with Number()');
    const id = created.name!.split('/').pop()!;
    const job = await ended(created.name!);
    assert.equal(job.state, 'JOB_STATE_SUCCEEDED');
    assert.equal(job.error ?? null, null);
    assert.ok(Number(job.startTime?.seconds) > 0 && Number(job.endTime?.seconds) >= Number(job.startTime?.seconds));
    assert.equal(await output('out/id.txt'), `${id}\n`);
    const containers = await s.fake.containers(created.name!);
    assert.deepEqual(containers.map((c) => c.HostConfig.NetworkMode), ['none'], 'the job\'s container has no network');
    assert.deepEqual(s.fake.job(created.name!)?.states, ['JOB_STATE_QUEUED', 'JOB_STATE_PENDING', 'JOB_STATE_RUNNING', 'JOB_STATE_SUCCEEDED']);
    assert.equal((await get(`${PARENT}/customJobs/${id}`)).name, created.name, 'a request may name the project by id');

    assert.deepEqual(await list('labels.smartjob-execution-id="e1" AND state="JOB_STATE_SUCCEEDED"'), [created.name]);
    assert.deepEqual(await list('labels.smartjob-execution-id=e1 AND state=JOB_STATE_RUNNING'), []);
    assert.deepEqual(await list('labels.team:* AND display_name:"writes-*"', NUMBERED_PARENT), [created.name]);
    assert.deepEqual(await list('state!="JOB_STATE_FAILED" AND labels.smartjob-execution-id="e1"'), [created.name]);
  });

  it('keeps machine, accelerator, disk, service account, network and labels as sent', async () => {
    const job = shellJob('settings', 'exit 0', { labels: { team: 'ml' } });
    const pool = job.jobSpec!.workerPoolSpecs![0]!;
    pool.machineSpec = { machineType: 'a2-highgpu-1g', acceleratorType: 'NVIDIA_TESLA_A100', acceleratorCount: 1 };
    pool.diskSpec = { bootDiskType: 'pd-standard', bootDiskSizeGb: 200 };
    Object.assign(job.jobSpec!, { serviceAccount: 'runner@fake-tests.iam.gserviceaccount.com', network: `projects/${PROJECT_NUMBER}/global/networks/vpc` });
    const { name } = await create(job);
    const read = await get(name!);
    const readPool = read.jobSpec?.workerPoolSpecs?.[0];
    assert.deepEqual([readPool?.machineSpec?.machineType, readPool?.machineSpec?.acceleratorType, readPool?.machineSpec?.acceleratorCount], ['a2-highgpu-1g', 'NVIDIA_TESLA_A100', 1]);
    assert.deepEqual([readPool?.diskSpec?.bootDiskType, readPool?.diskSpec?.bootDiskSizeGb], ['pd-standard', 200]);
    assert.equal(Number(readPool?.replicaCount), 1);
    assert.equal(read.jobSpec?.serviceAccount, 'runner@fake-tests.iam.gserviceaccount.com');
    assert.equal(read.jobSpec?.network, `projects/${PROJECT_NUMBER}/global/networks/vpc`);
    assert.deepEqual(read.labels, { team: 'ml' });
    assert.equal((await ended(name!)).state, 'JOB_STATE_SUCCEEDED');
  });

  it('fails a non-zero exit with the error Vertex gives', async () => {
    const { name } = await create(shellJob('exits-4', 'exit 4'));
    const job = await ended(name!);
    assert.equal(job.state, 'JOB_STATE_FAILED');
    assert.equal(job.error?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(job.error?.message ?? '', /^The replica workerpool0-0 exited with a non-zero status of 4\. Termination reason: Error\. To find out more/);
    assert.ok(job.error?.message?.includes(`resource.labels.job_id%3D%22${name!.split('/').pop()}%22`));
  });

  it('stops a job at scheduling.timeout and fails it with DEADLINE_EXCEEDED', async () => {
    const { name } = await create(shellJob('too-slow', 'sleep 30', { timeoutSeconds: 1 }));
    const started = Date.now();
    const job = await ended(name!, 20_000);
    assert.ok(Date.now() - started < 15_000, 'killed at its deadline, not waited for');
    assert.equal(job.state, 'JOB_STATE_FAILED');
    assert.equal(job.error?.code, grpc.status.DEADLINE_EXCEEDED);
    assert.match(job.error?.message ?? '', /scheduling\.timeout of 1s/);
  });

  it('cancels a running job: CANCELLING, then CANCELLED with error code 1 and its container stopped', async () => {
    const { name } = await create(shellJob('cancelled', 'sleep 300'));
    for (let i = 0; i < 200 && (await get(name!)).state !== 'JOB_STATE_RUNNING'; i++) await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(s.client.deleteCustomJob({ name }), rpcCode(grpc.status.FAILED_PRECONDITION), 'a running job is not deleted');
    await s.client.cancelCustomJob({ name });
    const job = await ended(name!);
    assert.equal(job.state, 'JOB_STATE_CANCELLED');
    assert.deepEqual([job.error?.code, job.error?.message], [grpc.status.CANCELLED, 'CANCELED']);
    assert.deepEqual(s.fake.job(name!)?.states.slice(-3), ['JOB_STATE_RUNNING', 'JOB_STATE_CANCELLING', 'JOB_STATE_CANCELLED']);
    const containers = await s.fake.containers(name!);
    assert.equal(containers.length, 1);
    assert.notEqual(containers[0]?.State, 'running');
    await assert.rejects(s.client.cancelCustomJob({ name }), rpcCode(grpc.status.FAILED_PRECONDITION), 'an ended job cannot be cancelled');

    const [deletion] = await s.client.deleteCustomJob({ name });
    await deletion.promise();
    await assert.rejects(get(name!), rpcCode(grpc.status.NOT_FOUND));
    assert.deepEqual(await s.fake.containers(name!), [], 'deleting the job removed its container');
    await assert.rejects(s.client.deleteCustomJob({ name }), rpcCode(grpc.status.NOT_FOUND));
  });

  it('refuses what Vertex refuses, with its error codes', async () => {
    const refused = async (mutate: (job: ICustomJob) => void, code = grpc.status.INVALID_ARGUMENT) => {
      const job = shellJob('refused', 'exit 0');
      mutate(job);
      await assert.rejects(create(job), rpcCode(code), JSON.stringify(job));
    };
    const pool = (job: ICustomJob) => job.jobSpec!.workerPoolSpecs![0]!;
    await refused((job) => (job.displayName = ''));
    await refused((job) => (job.displayName = 'x'.repeat(129)));
    await refused((job) => (job.labels = { team: 'ML' }));
    await refused((job) => (job.labels = { '1team': 'ml' }));
    await refused((job) => (job.labels = { team: 'x'.repeat(64) }));
    await refused((job) => (pool(job).replicaCount = 2));
    await refused((job) => (pool(job).machineSpec = {}));
    await refused((job) => (pool(job).machineSpec = { machineType: 'n1-standard-4', acceleratorCount: 2 }));
    await refused((job) => (pool(job).diskSpec = { bootDiskType: 'ssd' }));
    await refused((job) => (pool(job).containerSpec!.env = [{ name: 'BAD-NAME', value: 'x' }]));
    await refused((job) => (job.jobSpec!.network = 'my-vpc'));
    await refused((job) => (job.jobSpec!.workerPoolSpecs = []));
    await refused((job) => job.jobSpec!.workerPoolSpecs!.push(pool(job)), grpc.status.UNIMPLEMENTED);
    await refused((job) => (job.jobSpec!.workerPoolSpecs = [{ replicaCount: 1, machineSpec: { machineType: 'n1-standard-4' },
      pythonPackageSpec: { executorImageUri: BUSYBOX_IMAGE, packageUris: ['gs://b/p.tar.gz'], pythonModule: 'trainer.task' } }]), grpc.status.UNIMPLEMENTED);
    await assert.rejects(s.client.createCustomJob({ parent: 'projects/fake-tests', customJob: shellJob('x', 'exit 0') }), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(get(`${PARENT}/customJobs/1234567890123456789`), rpcCode(grpc.status.NOT_FOUND));
    await assert.rejects(list('state=RUNNING'), rpcCode(grpc.status.INVALID_ARGUMENT), 'not a JobState name');
    await assert.rejects(list('labels.team="ml" AND'), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(list('job_spec.service_account="x"'), rpcCode(grpc.status.INVALID_ARGUMENT), 'a field the fake does not know is refused, not ignored');
    await assert.rejects(list('create_time>"yesterday"'), rpcCode(grpc.status.INVALID_ARGUMENT));
  });

  it('pages ListCustomJobs with page_size and page_token', async () => {
    const names = [];
    for (const displayName of ['page-a', 'page-b', 'page-c']) names.push((await create(shellJob(displayName, 'exit 0', { labels: { suite: 'paging' } }))).name);
    const request = { parent: PARENT, filter: 'labels.suite=paging', pageSize: 2 };
    const [first, , firstPage] = await s.client.listCustomJobs(request, { autoPaginate: false });
    assert.deepEqual(first.map((j) => j.name), names.slice(0, 2));
    const [second, , secondPage] = await s.client.listCustomJobs({ ...request, pageToken: firstPage?.nextPageToken }, { autoPaginate: false });
    assert.deepEqual(second.map((j) => j.name), names.slice(2));
    assert.equal(secondPage?.nextPageToken ?? '', '');
    const since = new Date(Date.now() - 60_000).toISOString();
    assert.deepEqual(await list(`labels.suite=paging AND create_time>"${since}"`), names);
  });

  it('fails planned calls, then answers; after a lost CreateCustomJob answer the label finds the one job', async () => {
    const before = s.fake.callCount('CreateCustomJob');
    s.fake.failNext({ method: 'CreateCustomJob', count: 2, code: grpc.status.UNAVAILABLE });
    await assert.rejects(create(shellJob('burst', 'exit 0')), rpcCode(grpc.status.UNAVAILABLE), 'CreateCustomJob is not retried by the client');
    await assert.rejects(create(shellJob('burst', 'exit 0')), rpcCode(grpc.status.UNAVAILABLE));
    await create(shellJob('burst', 'exit 0'));
    assert.equal(s.fake.callCount('CreateCustomJob') - before, 3);

    const lists = s.fake.callCount('ListCustomJobs');
    s.fake.failNext({ method: 'ListCustomJobs', count: 2, code: grpc.status.RESOURCE_EXHAUSTED, message: 'Quota exceeded for aiplatform.googleapis.com/resource_management_requests' });
    await assert.rejects(list('labels.team=ml'), rpcCode(grpc.status.RESOURCE_EXHAUSTED));
    await assert.rejects(list('labels.team=ml'), rpcCode(grpc.status.RESOURCE_EXHAUSTED));
    await list('labels.team=ml');
    assert.equal(s.fake.callCount('ListCustomJobs') - lists, 3);
    s.fake.failNext({ method: 'GetCustomJob', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(get(`${PARENT}/customJobs/1`), rpcCode(grpc.status.PERMISSION_DENIED));

    for (const code of [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]) {
      const labels = { 'smartjob-execution-id': `lost-${code}` };
      s.fake.loseNextAnswer('CreateCustomJob', code);
      await assert.rejects(create(shellJob('lost', 'exit 0', { labels })), rpcCode(code));
      const found = await list(`labels.smartjob-execution-id="lost-${code}"`);
      assert.equal(found.length, 1, 'the job was created although the client never heard of it');
      assert.equal((await ended(found[0]!)).state, 'JOB_STATE_SUCCEEDED');
    }
  });
});
