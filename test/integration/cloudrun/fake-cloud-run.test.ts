import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExecutionsClient, JobsClient, TasksClient, type protos } from '@google-cloud/run';
import { googleAuthLibrary, grpc } from 'google-gax';
import { FakeCloudRun } from '../../fakes/cloudrun/fake-cloud-run.js';
import { BUSYBOX_IMAGE, requireDocker } from '../../support/docker.js';

const PARENT = 'projects/fake-tests/locations/europe-west1';

/** The fake itself, through the official clients: what the adapter relies on must hold here. */
describe('FakeCloudRun', { timeout: 180_000 }, () => {
  let fake: FakeCloudRun;
  let jobs: JobsClient;
  let executions: ExecutionsClient;
  let tasks: TasksClient;
  let root: string;
  before(async () => {
    const docker = await requireDocker();
    root = await mkdtemp(join(tmpdir(), 'smartjob-fake-cloudrun-'));
    fake = await FakeCloudRun.start({ bucketDirs: (bucket) => join(root, bucket), docker });
    const options = { apiEndpoint: '127.0.0.1', port: fake.port, sslCreds: grpc.credentials.createInsecure(), authClient: new googleAuthLibrary.PassThroughClient() };
    jobs = new JobsClient(options);
    executions = new ExecutionsClient(options);
    tasks = new TasksClient(options);
  });
  after(async () => {
    await Promise.all([jobs?.close(), executions?.close(), tasks?.close()]);
    await fake?.close();
    assert.deepEqual(await fake.containers(), []);
    await rm(root, { recursive: true, force: true });
  });

  async function createJob(jobId: string, job: protos.google.cloud.run.v2.IJob = {}): Promise<string> {
    const template = { template: { maxRetries: 0, containers: [{ name: 'job', image: BUSYBOX_IMAGE }] } };
    const [operation] = await jobs.createJob({ parent: PARENT, jobId, job: { template, ...job } });
    const [created] = await operation.promise();
    return created.name as string;
  }
  const run = (name: string, script: string, timeoutSeconds = 60, taskCount?: number) =>
    jobs.runJob({ name, overrides: { containerOverrides: [{ name: 'job', args: ['sh', '-c', script] }], timeout: { seconds: timeoutSeconds }, taskCount } });
  const executionNameOf = (operation: { metadata: unknown }) => (operation.metadata as protos.google.cloud.run.v2.IExecution).name as string;
  const completedOf = (task: protos.google.cloud.run.v2.ITask) => task.conditions?.find((c) => c.type === 'Completed');

  it('answers RunJob with an operation whose metadata is the Execution, ending like Cloud Run', async () => {
    const name = await createJob('ends');
    const [succeeded] = await run(name, 'exit 0');
    const metadata = succeeded.metadata as protos.google.cloud.run.v2.IExecution;
    assert.match(metadata.name ?? '', new RegExp(`^${name}/executions/ends-[a-z0-9]{5}$`));
    assert.ok(Number(metadata.createTime?.seconds) > 0, 'timestamps decode (as Long) and convert with Number()');
    const [execution] = await succeeded.promise();
    assert.equal(execution.succeededCount, 1);
    const [failed] = await run(name, 'exit 4');
    await assert.rejects(failed.promise(), (error: { code?: number }) => error.code === grpc.status.ABORTED);
    const [timedOut] = await run(name, 'sleep 30', 1);
    await assert.rejects(timedOut.promise(), (error: Error & { code?: number }) =>
      error.code === grpc.status.DEADLINE_EXCEEDED && error.message.includes('The configured timeout was reached.'));
  });

  it('refuses what Cloud Run refuses: bad job ids, uppercase label values, unknown jobs', async () => {
    await assert.rejects(createJob('Bad_Id'), (error: { code?: number }) => error.code === grpc.status.INVALID_ARGUMENT);
    await assert.rejects(createJob('labelled', { labels: { team: 'Data' } }), (error: { code?: number }) => error.code === grpc.status.INVALID_ARGUMENT);
    await assert.rejects(jobs.getJob({ name: `${PARENT}/jobs/absent` }), (error: { code?: number }) => error.code === grpc.status.NOT_FOUND);
    await assert.rejects(run(`${PARENT}/jobs/absent`, 'exit 0'), (error: { code?: number }) => error.code === grpc.status.NOT_FOUND);
    await createJob('twice');
    await assert.rejects(createJob('twice'), (error: { code?: number }) => error.code === grpc.status.ALREADY_EXISTS);
  });

  it('stops a running execution and removes its container when it is deleted', async () => {
    const name = await createJob('deleted-while-running');
    const [operation] = await run(name, 'sleep 30');
    const executionName = (operation.metadata as protos.google.cloud.run.v2.IExecution).name as string;
    const running = async () => (await fake.containers(executionName)).filter((c) => c.State === 'running').length;
    for (let i = 0; i < 100 && (await running()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await running(), 1);
    const started = Date.now();
    const [deletion] = await executions.deleteExecution({ name: executionName });
    await deletion.promise();
    assert.ok(Date.now() - started < 5_000, 'killed, not waited for');
    assert.deepEqual(await fake.containers(executionName), []);
    assert.ok((await fake.containers()).length > 0, 'other executions keep theirs until deleted or close()');
    await assert.rejects(executions.getExecution({ name: executionName }), (error: { code?: number }) => error.code === grpc.status.NOT_FOUND);
  });

  it('runs a task count of N as N containers, `parallelism` at a time, each with its CLOUD_RUN_TASK_* variables', async () => {
    const name = await createJob('array', { template: { parallelism: 2, template: { maxRetries: 0, containers: [{ name: 'job', image: BUSYBOX_IMAGE }] } } });
    const [operation] = await run(name, 'sleep 1; [ "$CLOUD_RUN_TASK_INDEX" != 2 ] || exit 3', 60, 4);
    const executionName = executionNameOf(operation);
    await assert.rejects(operation.promise(), (error: { code?: number }) => error.code === grpc.status.ABORTED, 'one failed task fails the execution');
    const [execution] = await executions.getExecution({ name: executionName });
    assert.deepEqual(
      [execution.taskCount, execution.parallelism, execution.succeededCount, execution.failedCount, execution.cancelledCount, execution.runningCount],
      [4, 2, 3, 1, 0, 0],
    );
    assert.equal(fake.state.executions.get(executionName)?.peakRunning, 2, 'never more than `parallelism` tasks at once');
    const envs = await fake.containerEnvs(executionName);
    assert.deepEqual(envs.map((e) => e.CLOUD_RUN_TASK_INDEX).sort(), ['0', '1', '2', '3'], 'one container per task');
    assert.ok(envs.every((e) => e.CLOUD_RUN_TASK_COUNT === '4' && e.CLOUD_RUN_TASK_ATTEMPT === '0'));
    const [listed] = await tasks.listTasks({ parent: executionName }, { autoPaginate: false });
    assert.deepEqual(listed.map((t) => t.index), [0, 1, 2, 3]);
    assert.deepEqual(listed.map((t) => completedOf(t)?.state), ['CONDITION_SUCCEEDED', 'CONDITION_SUCCEEDED', 'CONDITION_FAILED', 'CONDITION_SUCCEEDED']);
    assert.deepEqual(listed.map((t) => t.lastAttemptResult?.exitCode), [0, 0, 3, 0]);
    assert.equal(completedOf(listed[2]!)?.executionReason, 'NON_ZERO_EXIT_CODE');
    assert.ok(listed.every((t) => Number(t.startTime?.seconds) > 0 && Number(t.completionTime?.seconds) > 0));
    const [task] = await tasks.getTask({ name: listed[2]!.name as string });
    assert.equal(task.index, 2);
    const [firstPage, , response] = await tasks.listTasks({ parent: executionName, pageSize: 3 }, { autoPaginate: false });
    assert.deepEqual([firstPage.length, response?.nextPageToken], [3, '3'], 'ListTasks pages');
  });

  it('cancels every task of an execution: the running one is killed, those not started never run', async () => {
    const name = await createJob('array-cancelled', { template: { parallelism: 1, template: { maxRetries: 0, containers: [{ name: 'job', image: BUSYBOX_IMAGE }] } } });
    const [operation] = await run(name, 'sleep 30', 60, 3);
    const executionName = executionNameOf(operation);
    const running = async () => (await fake.containers(executionName)).filter((c) => c.State === 'running').length;
    for (let i = 0; i < 100 && (await running()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(Number((await executions.getExecution({ name: executionName }))[0].runningCount), 1);
    await executions.cancelExecution({ name: executionName });
    await assert.rejects(operation.promise(), (error: { code?: number }) => error.code === grpc.status.CANCELLED);
    const [execution] = await executions.getExecution({ name: executionName });
    assert.deepEqual([execution.cancelledCount, execution.succeededCount, execution.failedCount, execution.runningCount], [3, 0, 0, 0]);
    const [listed] = await tasks.listTasks({ parent: executionName }, { autoPaginate: false });
    assert.deepEqual(listed.map((t) => completedOf(t)?.executionReason), ['CANCELLED', 'CANCELLED', 'CANCELLED']);
    assert.deepEqual(listed.map((t) => Boolean(t.startTime)), [true, false, false]);
    assert.equal((await fake.containers(executionName)).length, 1, 'the tasks not started got no container');
    assert.equal(await running(), 0);
  });
});
