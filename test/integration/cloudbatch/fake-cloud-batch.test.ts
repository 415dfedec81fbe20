import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { v1, type protos } from '@google-cloud/batch';
import { grpc } from 'google-gax';
import { FakeCloudBatch } from '../../fakes/cloudbatch/fake-cloud-batch.js';
import { BUSYBOX_IMAGE } from '../../support/docker.js';
import { pollUntil, useFakeBackend } from '../../support/fake-backend-suite.js';

type IJob = protos.google.cloud.batch.v1.IJob;
const PARENT = 'projects/fake-tests/locations/europe-west1';
const BUCKET = 'batch-staging';
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
const rpcCode = (code: grpc.status) => (error: { code?: number }) => error.code === code;
/** int64 map values decode as strings. */
const counts = (job: IJob) => Object.fromEntries(Object.entries(job.status?.taskGroups?.group0?.counts ?? {}).map(([k, v]) => [k, Number(v)]));
/** Task events carry a task state; job events decode with the default, STATE_UNSPECIFIED. */
const taskEvents = (job: IJob) => (job.status?.statusEvents ?? []).filter((e) => e.taskState && e.taskState !== 'STATE_UNSPECIFIED');

interface ShellJobOptions {
  readonly labels?: Record<string, string>;
  readonly maxRunDurationSeconds?: number;
  readonly maxRetryCount?: number;
  readonly taskCount?: number;
  readonly parallelism?: number;
  readonly sidecarScript?: string;
}

/** A busybox `sh -c script` job with the staging bucket at /mnt/disks/staging, given to the container as /staging. */
function shellJob(script: string, options: ShellJobOptions = {}): IJob {
  const container = { imageUri: BUSYBOX_IMAGE, commands: ['sh', '-c', script], volumes: ['/mnt/disks/staging:/staging'] };
  const sidecar = options.sidecarScript
    ? [{ background: true, container: { imageUri: BUSYBOX_IMAGE, commands: ['sh', '-c', options.sidecarScript] } }]
    : [];
  return {
    labels: options.labels,
    logsPolicy: { destination: 'CLOUD_LOGGING' },
    taskGroups: [{
      taskCount: options.taskCount,
      parallelism: options.parallelism,
      taskSpec: {
        runnables: [...sidecar, { container, environment: { variables: { GREETING: 'hello' } } }],
        volumes: [{ gcs: { remotePath: BUCKET }, mountPath: '/mnt/disks/staging' }],
        maxRunDuration: options.maxRunDurationSeconds ? { seconds: options.maxRunDurationSeconds } : undefined,
        maxRetryCount: options.maxRetryCount,
      },
    }],
  };
}

/** The fake itself, through the official client over gRPC: what a Batch adapter relies on must hold here. */
describe('FakeCloudBatch', { timeout: 240_000 }, () => {
  const s = useFakeBackend((options) => FakeCloudBatch.start(options), (options) => new v1.BatchServiceClient(options));
  const create = async (jobId: string, job: IJob) => (await s.client.createJob({ parent: PARENT, jobId, job }))[0];
  const get = async (name: string) => (await s.client.getJob({ name }))[0];
  const until = (name: string, done: (job: IJob) => boolean, timeoutMs?: number) => pollUntil(() => get(name), done, `${name} reaching the state`, timeoutMs);
  const ended = (name: string, timeoutMs?: number) => until(name, (job) => TERMINAL.includes(String(job.status?.state)), timeoutMs);
  const descriptions = (job: IJob) => (job.status?.statusEvents ?? []).map((e) => e.description ?? '');
  const output = (file: string) => readFile(join(s.gcs.bucketDir(BUCKET), file), 'utf8');

  it('runs a job to SUCCEEDED with the bucket mounted, and lists it by label and state', async () => {
    const created = await create('writes-output', shellJob('mkdir -p /staging/out && echo "$GREETING $BATCH_TASK_INDEX/$BATCH_TASK_COUNT" > /staging/out/hello.txt', {
      labels: { 'smartjob-execution-id': 'e1', team: 'data' },
    }));
    assert.equal(created.name, `${PARENT}/jobs/writes-output`);
    assert.equal(created.status?.state, 'QUEUED');
    assert.match(created.uid ?? '', /^j-/);
    assert.ok(Number(created.createTime?.seconds) > 0, 'timestamps decode (as Long) and convert with Number()');
    const job = await ended(created.name!);
    assert.equal(job.status?.state, 'SUCCEEDED');
    assert.equal(await output('out/hello.txt'), 'hello 0/1\n');
    const events = descriptions(job);
    for (const [from, to] of [['QUEUED', 'SCHEDULED'], ['SCHEDULED', 'RUNNING'], ['RUNNING', 'SUCCEEDED']]) {
      assert.ok(events.includes(`Job state is set from ${from} to ${to} for job ${created.name}.`), events.join('\n'));
    }
    const taskEvent = job.status?.statusEvents?.find((e) => e.taskState === 'SUCCEEDED');
    assert.match(taskEvent?.description ?? '', /^Task state is updated from RUNNING to SUCCEEDED on zones\/europe-west1-b\/instances\/\d+\.$/);
    assert.equal(taskEvent?.taskExecution?.exitCode, 0);
    assert.deepEqual(counts(job), { SUCCEEDED: 1 });
    assert.ok(Number(job.status?.runDuration?.seconds ?? 0) >= 0 && job.status?.runDuration);

    const list = async (filter: string) => (await s.client.listJobs({ parent: PARENT, filter }, { autoPaginate: false }))[0].map((j) => j.name);
    assert.deepEqual(await list('labels.smartjob-execution-id="e1" AND status.state="SUCCEEDED"'), [created.name]);
    assert.deepEqual(await list('labels.team=data labels.smartjob-execution-id=e1'), [created.name], 'bare values, implicit AND');
    assert.deepEqual(await list('labels.smartjob-execution-id="e1" AND status.state="RUNNING"'), []);
    assert.deepEqual(await list('labels.smartjob-execution-id="other"'), []);
    assert.deepEqual(await list('(status.state="RUNNING" OR status.state="SUCCEEDED") AND labels.team:*'), [created.name]);
  });

  it('reports a non-zero exit as FAILED with the exit code in the status events', async () => {
    const { name } = await create('exits-3', shellJob('exit 3'));
    const job = await ended(name!);
    assert.equal(job.status?.state, 'FAILED');
    const taskEvent = job.status?.statusEvents?.find((e) => e.taskState === 'FAILED');
    assert.match(taskEvent?.description ?? '', /^Task state is updated from RUNNING to FAILED on zones\/[^ ]+ with exit code 3\.$/);
    assert.equal(taskEvent?.taskExecution?.exitCode, 3);
    const jobEvent = descriptions(job).find((d) => d.includes('to FAILED for job'));
    assert.equal(jobEvent, `Job state is set from RUNNING to FAILED for job ${name}.Job failed due to task failure. `
      + `Specifically, task with index 0 failed due to the following task event: "${taskEvent?.description}"`);
    assert.deepEqual(counts(job), { FAILED: 1 });
  });

  it('ends a task that outlives max_run_duration with exit code 50005', async () => {
    const { name } = await create('too-slow', shellJob('sleep 30', { maxRunDurationSeconds: 1 }));
    const started = Date.now();
    const job = await ended(name!, 20_000);
    assert.ok(Date.now() - started < 15_000, 'killed at its deadline, not waited for');
    assert.equal(job.status?.state, 'FAILED');
    const taskEvent = job.status?.statusEvents?.find((e) => e.taskState === 'FAILED');
    assert.match(taskEvent?.description ?? '', /due to task runs over the maximum runtime with exit code 50005\.$/);
    assert.equal(taskEvent?.taskExecution?.exitCode, 50005);
  });

  it('retries a failed task up to max_retry_count, one container per attempt', async () => {
    // The first attempt leaves a marker and fails; the second finds it and succeeds.
    const script = 'mkdir -p /staging/retry && if [ -e /staging/retry/seen ]; then echo "$BATCH_TASK_RETRY_ATTEMPT" > /staging/retry/done; else touch /staging/retry/seen; exit 7; fi';
    const { name } = await create('fails-once', shellJob(script, { maxRetryCount: 2 }));
    const job = await ended(name!);
    assert.equal(job.status?.state, 'SUCCEEDED');
    assert.equal(await output('retry/done'), '1\n');
    assert.deepEqual(taskEvents(job).map((e) => [e.taskState, e.taskExecution?.exitCode]), [
      ['FAILED', 7], ['SUCCEEDED', 0],
    ]);
    assert.equal((await s.fake.containers(name!)).length, 2);

    const { name: always } = await create('always-fails', shellJob('exit 1', { maxRetryCount: 1 }));
    const failed = await ended(always!);
    assert.equal(failed.status?.state, 'FAILED');
    assert.equal((await s.fake.containers(always!)).length, 2, 'one try and one retry');
    const [task] = await s.client.getTask({ name: `${always}/taskGroups/group0/tasks/0` });
    assert.deepEqual(task.status?.statusEvents?.map((e) => e.taskState), ['ASSIGNED', 'RUNNING', 'FAILED', 'ASSIGNED', 'RUNNING', 'FAILED']);
  });

  it('runs task_count tasks, parallelism at a time, each with its BATCH_TASK_INDEX', async () => {
    const { name } = await create('three-tasks', shellJob('mkdir -p /staging/array && echo "$BATCH_TASK_COUNT" > /staging/array/task-$BATCH_TASK_INDEX', {
      taskCount: 3, parallelism: 2,
    }));
    const job = await ended(name!);
    assert.equal(job.status?.state, 'SUCCEEDED');
    assert.deepEqual(counts(job), { SUCCEEDED: 3 });
    assert.deepEqual(await Promise.all([0, 1, 2].map((i) => output(`array/task-${i}`))), ['3\n', '3\n', '3\n']);
    const [tasks] = await s.client.listTasks({ parent: `${name}/taskGroups/group0`, filter: 'State=SUCCEEDED' }, { autoPaginate: false });
    assert.deepEqual(tasks.map((t) => t.name), [0, 1, 2].map((i) => `${name}/taskGroups/group0/tasks/${i}`));
  });

  it('runs a background runnable beside the task, reachable on its loopback, and stops it after', async () => {
    const sidecarScript = 'mkdir -p /www && echo pong > /www/ping && exec httpd -f -p 8080 -h /www';
    const main = 'mkdir -p /staging/sidecar && for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O /staging/sidecar/answer http://127.0.0.1:8080/ping && exit 0; sleep 0.3; done; exit 1';
    const { name } = await create('with-sidecar', shellJob(main, { sidecarScript }));
    const job = await ended(name!);
    assert.equal(job.status?.state, 'SUCCEEDED', descriptions(job).join('\n'));
    assert.equal(await output('sidecar/answer'), 'pong\n');
    assert.deepEqual((await s.fake.containers(name!)).filter((c) => c.State === 'running'), [], 'the sidecar was stopped');
  });

  it('gives the runnables of one attempt the same VM directory for a volume outside the GCS mounts', async () => {
    const shared = (commands: string[], background = false) => ({ background, container: { imageUri: BUSYBOX_IMAGE, commands, volumes: ['/mnt/disks/staging:/staging', '/mnt/disks/shared:/shared'] } });
    const job = shellJob('unused');
    job.taskGroups![0]!.taskSpec!.runnables = [
      shared(['sh', '-c', 'echo from-sidecar > /shared/note && sleep 300'], true),
      shared(['sh', '-c', 'mkdir -p /staging/vm && for i in 1 2 3 4 5 6 7 8 9 10; do cat /shared/note > /staging/vm/note 2>/dev/null && exit 0; sleep 0.3; done; exit 1']),
    ];
    const { name } = await create('vm-dir', job);
    const finished = await ended(name!);
    assert.equal(finished.status?.state, 'SUCCEEDED', descriptions(finished).join('\n'));
    assert.equal(await output('vm/note'), 'from-sidecar\n');
  });

  it('cancels a running job: CANCELLATION_IN_PROGRESS, then CANCELLED with its container stopped', async () => {
    const { name } = await create('cancelled', shellJob('sleep 300'));
    await until(name!, (job) => job.status?.state === 'RUNNING');
    const [operation] = await s.client.cancelJob({ name });
    assert.equal(operation.done, false);
    await operation.promise();
    const job = await get(name!);
    assert.equal(job.status?.state, 'CANCELLED');
    assert.ok(descriptions(job).includes(`Job state is set from RUNNING to CANCELLATION_IN_PROGRESS for job ${name}.`));
    assert.ok(descriptions(job).includes(`Job state is set from CANCELLATION_IN_PROGRESS to CANCELLED for job ${name}.`));
    const containers = await s.fake.containers(name!);
    assert.equal(containers.length, 1);
    assert.notEqual(containers[0]?.State, 'running');
    await assert.rejects(s.client.cancelJob({ name }), rpcCode(grpc.status.FAILED_PRECONDITION), 'a finished job cannot be cancelled');
  });

  it('deletes a running job: DELETION_IN_PROGRESS, then gone with its containers', async () => {
    const { name } = await create('deleted', shellJob('sleep 300'));
    await until(name!, (job) => job.status?.state === 'RUNNING');
    const [operation] = await s.client.deleteJob({ name });
    const metadata = operation.metadata as protos.google.cloud.batch.v1.IOperationMetadata;
    assert.deepEqual([metadata.verb, metadata.target, metadata.apiVersion], ['delete', name, 'v1']);
    const during = await get(name!).then((job) => String(job.status?.state), () => 'gone');
    assert.ok(['DELETION_IN_PROGRESS', 'gone'].includes(during), `while deleting: ${during}`);
    await operation.promise();
    await assert.rejects(get(name!), rpcCode(grpc.status.NOT_FOUND));
    assert.deepEqual(await s.fake.containers(name!), []);
    assert.ok((await s.fake.containers()).length > 0, 'other jobs keep theirs until deleted or close()');
  });

  it('refuses what Batch refuses, with its error codes', async () => {
    const ok = shellJob('exit 0');
    await assert.rejects(create('Bad_Id', ok), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('ends-with-dash-', ok), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('x'.repeat(64), ok), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('upper-label', { ...ok, labels: { team: 'Data' } }), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('long-label', { ...ok, labels: { team: 'a'.repeat(64) } }), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('reserved-label', { ...ok, labels: { 'goog-thing': 'x' } }), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('many-retries', shellJob('exit 0', { maxRetryCount: 11 })), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('no-runnable', { taskGroups: [{ taskSpec: { runnables: [] } }] }), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(create('script', { taskGroups: [{ taskSpec: { runnables: [{ script: { text: 'echo' } }] } }] }), rpcCode(grpc.status.UNIMPLEMENTED));
    await create('twice', ok);
    await assert.rejects(create('twice', ok), rpcCode(grpc.status.ALREADY_EXISTS));
    await assert.rejects(get(`${PARENT}/jobs/absent`), rpcCode(grpc.status.NOT_FOUND));
    const list = (filter: string) => s.client.listJobs({ parent: PARENT, filter }, { autoPaginate: false });
    await assert.rejects(list('labels.a=b OR'), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(list('status.state="RUNNIN"'), rpcCode(grpc.status.INVALID_ARGUMENT), 'not a job state');
    await assert.rejects(list('priority>3'), rpcCode(grpc.status.INVALID_ARGUMENT), 'a field the fake does not know is refused, not ignored');
    await assert.rejects(list('hello'), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(s.client.listJobs({ parent: 'projects/fake-tests' }, { autoPaginate: false }), rpcCode(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(s.client.listJobs({ parent: PARENT, orderBy: 'priority' }, { autoPaginate: false }), rpcCode(grpc.status.INVALID_ARGUMENT));
  });

  it('pages ListJobs with page_size and page_token', async () => {
    const labels = { suite: 'paging' };
    for (const id of ['page-a', 'page-b', 'page-c']) await create(id, shellJob('exit 0', { labels }));
    const request = { parent: PARENT, filter: 'labels.suite=paging', pageSize: 2, orderBy: 'name' };
    const [first, , firstPage] = await s.client.listJobs(request, { autoPaginate: false });
    assert.deepEqual(first.map((j) => j.name?.split('/').pop()), ['page-a', 'page-b']);
    assert.ok(firstPage?.nextPageToken);
    const [second, , secondPage] = await s.client.listJobs({ ...request, pageToken: firstPage.nextPageToken }, { autoPaginate: false });
    assert.deepEqual(second.map((j) => j.name?.split('/').pop()), ['page-c']);
    assert.equal(secondPage?.nextPageToken ?? '', '');
    const all = [];
    for await (const job of s.client.listJobsAsync({ ...request, orderBy: 'name desc' }, { autoPaginate: false })) all.push(job.name?.split('/').pop());
    assert.deepEqual(all, ['page-c', 'page-b', 'page-a']);
  });

  it('fails planned calls, then answers; a lost CreateJob answer still leaves exactly one job', async () => {
    const before = s.fake.callCount('CreateJob');
    s.fake.failNext({ method: 'CreateJob', count: 2, code: grpc.status.UNAVAILABLE });
    await assert.rejects(create('burst', shellJob('exit 0')), rpcCode(grpc.status.UNAVAILABLE), 'CreateJob is not retried by the client');
    await assert.rejects(create('burst', shellJob('exit 0')), rpcCode(grpc.status.UNAVAILABLE));
    await create('burst', shellJob('exit 0'));
    assert.equal(s.fake.callCount('CreateJob') - before, 3);

    s.fake.failNext({ method: 'CreateJob', code: grpc.status.RESOURCE_EXHAUSTED, message: 'Quota exceeded' });
    await assert.rejects(create('quota', shellJob('exit 0')), rpcCode(grpc.status.RESOURCE_EXHAUSTED));
    s.fake.failNext({ method: 'GetJob', code: grpc.status.PERMISSION_DENIED });
    await assert.rejects(get(`${PARENT}/jobs/burst`), rpcCode(grpc.status.PERMISSION_DENIED));

    const lists = s.fake.callCount('ListJobs');
    s.fake.failNext({ method: 'ListJobs', count: 2, code: grpc.status.UNAVAILABLE });
    const [listed] = await s.client.listJobs({ parent: PARENT, filter: 'name="' + `${PARENT}/jobs/burst"` }, { autoPaginate: false });
    assert.deepEqual(listed.map((j) => j.name), [`${PARENT}/jobs/burst`], 'the client retries ListJobs on UNAVAILABLE');
    assert.equal(s.fake.callCount('ListJobs') - lists, 3);

    for (const code of [grpc.status.UNAVAILABLE, grpc.status.DEADLINE_EXCEEDED]) {
      const jobId = `lost-${code}`;
      s.fake.loseNextAnswer('CreateJob', code);
      await assert.rejects(create(jobId, shellJob('exit 0')), rpcCode(code));
      await assert.rejects(create(jobId, shellJob('exit 0')), rpcCode(grpc.status.ALREADY_EXISTS), 'the retry learns it was created');
      assert.equal([...s.fake.state.jobs.keys()].filter((n) => n.endsWith(`/${jobId}`)).length, 1);
      assert.equal((await ended(`${PARENT}/jobs/${jobId}`)).status?.state, 'SUCCEEDED');
    }
    s.fake.loseNextAnswer('CreateJob');
    const request = { parent: PARENT, jobId: 'lost-with-request-id', job: shellJob('exit 0'), requestId: 'b9d9d1f0-7c6f-4a52-9f7e-2f3b1d4c5e6a' };
    await assert.rejects(s.client.createJob(request), rpcCode(grpc.status.UNAVAILABLE));
    const [again] = await s.client.createJob(request);
    assert.equal(again.name, `${PARENT}/jobs/lost-with-request-id`, 'the same request_id gets the job it created');
  });
});
