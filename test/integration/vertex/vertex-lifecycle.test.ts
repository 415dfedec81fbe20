import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { NotFoundError, NotSupportedError } from '../../../src/domain/errors.js';
import { FINAL_STATES } from '../../../src/domain/execution.js';
import type { ExecutionStatus } from '../../../src/domain/result.js';
import { LocalDirectoryStorageAdapter } from '../../../src/infra/local/local-directory-storage.adapter.js';
import { recordOf } from '../../../src/infra/shared/execution-record.js';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../../support/docker.js';
import { pollUntil } from '../../support/fake-backend-suite.js';
import { BUCKET, PROJECT_NUMBER, REGION, shellJob, useVertex, type VertexHarness } from './vertex-harness.js';

const LOG_URL = new RegExp(`^https://console\\.cloud\\.google\\.com/logs/query;query=resource\\.type%3D%22ml_job%22%0Aresource\\.labels\\.job_id%3D%22\\d{19}%22\\?project=${PROJECT_NUMBER}$`);

describe('VertexExecutorAdapter against the fake Vertex AI', { timeout: 240_000 }, () => {
  let h: VertexHarness;
  useVertex((started) => (h = started));

  it('runs a CustomJob to SUCCEEDED with the staging bucket at /gcs/<bucket>, built as the issue says', async () => {
    const spec = await h.plan(shellJob('writes-output', 'echo "{\\"answer\\": 42, \\"out\\": \\"$OUTPUT_PATH\\"}" > "$OUTPUT_PATH/smartjob.json"'), { timeout: { timeoutSeconds: 300 } });
    assert.equal(spec.env.OUTPUT_PATH, `/gcs/${BUCKET}/${spec.baseDir}/output`);
    const { logUrl } = await h.adapter.launch(spec);
    assert.match(logUrl, LOG_URL);
    const status = await h.adapter.wait(spec.executionId);
    assert.deepEqual([status.state, status.exitCode, status.message], ['SUCCEEDED', 0, undefined]);
    assert.deepEqual([status.executionId, status.jobName, status.baseDir, status.timeoutSeconds, status.logUrl], [spec.executionId, 'writes-output', spec.baseDir, 300, logUrl]);
    assert.equal(status.created.getTime(), spec.created.getTime());
    assert.ok(status.started && status.stopped && status.stopped >= status.started);
    const written = JSON.parse(await readFile(join(h.bucketDir, spec.baseDir, 'output', 'smartjob.json'), 'utf8'));
    assert.deepEqual(written, { answer: 42, out: spec.env.OUTPUT_PATH });

    const { job, name } = h.jobOf(spec.executionId);
    assert.match(name, new RegExp(`^projects/${PROJECT_NUMBER}/locations/${REGION}/customJobs/\\d{19}$`));
    assert.equal(job.displayName, `${spec.jobNamespace}-writes-output-${spec.executionId}`);
    assert.deepEqual(job.labels, recordOf(spec));
    const pools = job.jobSpec?.workerPoolSpecs ?? [];
    assert.deepEqual(pools.map((p) => [Number(p.replicaCount), p.machineSpec?.machineType]), [[1, 'n1-standard-4']]);
    assert.deepEqual(job.jobSpec?.scheduling?.timeout && Number(job.jobSpec.scheduling.timeout.seconds), 300);
    const env = Object.fromEntries((pools[0]?.containerSpec?.env ?? []).map((e) => [e.name, e.value]));
    assert.deepEqual([env.INPUT_PATH, env.EXECUTION_ID], [`/gcs/${BUCKET}/${spec.baseDir}/input`, spec.executionId]);
  });

  it('sends the machine, accelerator, disk, service account and network settings as given', async () => {
    const spec = await h.plan(shellJob('gpu', 'exit 0'), {
      machineType: 'a2-highgpu-2g', acceleratorType: 'nvidia-tesla-a100', acceleratorCount: 2, bootDiskType: 'pd-standard', bootDiskSizeGb: 250,
      serviceAccount: 'trainer@smartjob-tests.iam.gserviceaccount.com', vpcConnectorNetwork: `projects/${PROJECT_NUMBER}/global/networks/ml-vpc`,
    });
    await h.adapter.launch(spec);
    const [read] = (await h.adapter.list({ namespace: spec.jobNamespace, name: 'gpu' })).map((s) => s.executionId);
    assert.equal(read, spec.executionId);
    const { job } = h.jobOf(spec.executionId); // what CreateCustomJob received, as GetCustomJob answers it
    const pool = job.jobSpec?.workerPoolSpecs?.[0];
    assert.deepEqual([pool?.machineSpec?.machineType, pool?.machineSpec?.acceleratorType, pool?.machineSpec?.acceleratorCount], ['a2-highgpu-2g', 'NVIDIA_TESLA_A100', 2]);
    assert.deepEqual([pool?.diskSpec?.bootDiskType, pool?.diskSpec?.bootDiskSizeGb], ['pd-standard', 250]);
    assert.equal(job.jobSpec?.serviceAccount, 'trainer@smartjob-tests.iam.gserviceaccount.com');
    assert.equal(job.jobSpec?.network, `projects/${PROJECT_NUMBER}/global/networks/ml-vpc`);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('reports a non-zero exit as FAILED with the exit code read from the error, the message kept', async () => {
    const spec = await h.plan(shellJob('exits-three', 'echo failing >&2; exit 3'));
    await h.adapter.launch(spec);
    const status = await h.adapter.wait(spec.executionId);
    assert.deepEqual([status.state, status.exitCode], ['FAILED', 3]);
    assert.match(status.message ?? '', /^The replica workerpool0-0 exited with a non-zero status of 3\./);
  });

  it('reports a job stopped by its scheduling.timeout as TIMED_OUT', async () => {
    const spec = await h.plan(shellJob('too-slow', 'sleep 30'), { timeout: { timeoutSeconds: 1 } });
    const started = Date.now();
    await h.adapter.launch(spec);
    const status = await h.adapter.wait(spec.executionId);
    assert.equal(status.state, 'TIMED_OUT');
    assert.match(status.message ?? '', /^timeout of 1s reached \(/);
    assert.ok(Date.now() - started < 15_000, 'stopped at the deadline, not at the end of the sleep');
  });

  it('tells a wait once when its execution runs, from the polls it makes anyway', async () => {
    const spec = await h.plan(shellJob('watched', 'sleep 2'));
    await h.adapter.launch(spec);
    const seen: ExecutionStatus[] = [];
    const [lists, gets] = [h.fake.callCount('ListCustomJobs'), h.fake.callCount('GetCustomJob')];
    const status = await h.adapter.wait(spec.executionId, { onRunning: (running) => seen.push(running) });
    assert.equal(status.state, 'SUCCEEDED');
    assert.deepEqual(seen.map((s) => [s.executionId, s.state]), [[spec.executionId, 'RUNNING']]);
    assert.ok(seen[0]?.started, 'with its start time');
    assert.ok(h.fake.callCount('ListCustomJobs') - lists >= 2, 'seen running, then ended, in two listings at least');
    assert.equal(h.fake.callCount('GetCustomJob') - gets, 0, 'learnt from the listings alone');
  });

  it('cancels a running job: CANCELLED; cancelling again, or a finished job, changes nothing', async () => {
    const spec = await h.plan(shellJob('cancelled', 'sleep 60'));
    await h.adapter.launch(spec);
    await pollUntil(() => h.adapter.getStatus(spec.executionId), (s) => s?.state === 'RUNNING', 'running');
    await h.adapter.cancel(spec.executionId);
    const cancels = h.fake.callCount('CancelCustomJob');
    await h.adapter.cancel(spec.executionId); // CANCELLING (or already CANCELLED): nothing more to ask
    assert.equal(h.fake.callCount('CancelCustomJob'), cancels);
    const status = await h.adapter.wait(spec.executionId);
    assert.deepEqual([status.state, status.message], ['CANCELLED', 'the execution was cancelled']);
    assert.deepEqual(h.jobOf(spec.executionId).states.slice(-2), ['JOB_STATE_CANCELLING', 'JOB_STATE_CANCELLED']);
    await h.newAdapter().cancel(spec.executionId);
    await assert.rejects(h.adapter.cancel('0123456789abcdef'), NotFoundError);
  });

  it('finds an execution by its label from another adapter (another process)', async () => {
    const spec = await h.plan(shellJob('found-later', 'exit 0'));
    await h.adapter.launch(spec);
    const other = h.newAdapter();
    const lists = h.fake.callCount('ListCustomJobs');
    assert.ok(['PENDING', 'RUNNING', 'SUCCEEDED'].includes((await other.getStatus(spec.executionId))?.state ?? ''));
    assert.equal(h.fake.callCount('ListCustomJobs') - lists, 1, 'one ListCustomJobs with a label filter');
    const status = await other.wait(spec.executionId);
    assert.deepEqual([status.state, status.baseDir, status.jobNamespace], ['SUCCEEDED', spec.baseDir, spec.jobNamespace]);
    assert.equal(await other.getStatus('0123456789abcdef'), undefined);
  });

  it('answers logs with NotSupportedError pointing at Cloud Logging', async () => {
    const spec = await h.plan(shellJob('no-logs', 'exit 0'));
    const { logUrl } = await h.adapter.launch(spec);
    const service = h.service();
    await assert.rejects(service.logs(spec.executionId)[Symbol.asyncIterator]().next(), (e) => e instanceof NotSupportedError && e.message.includes(logUrl) && e.message.includes('vertex'));
    assert.equal((await service.getStatus(spec.executionId)).logUrl, logUrl);
    await h.adapter.wait(spec.executionId);
  });

  it('refuses secretEnvs and secretRefs before anything is staged or created: a CustomJob\'s env is readable by whoever reads the job', async () => {
    const creates = h.fake.callCount('CreateCustomJob');
    const staged = await readdir(h.bucketDir, { recursive: true });
    const job = { ...shellJob('secret', 'exit 0'), namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE };
    await assert.rejects(h.service().run(job, { secretEnvs: { API_TOKEN: 's3cr3t' } }), (e) =>
      e instanceof NotSupportedError && e.message.includes('vertex') && e.message.includes('API_TOKEN') && !e.message.includes('s3cr3t'));
    await assert.rejects(h.service().run(job, { secretRefs: { API_TOKEN: 'projects/my-project/secrets/token/versions/1' } }), (e) =>
      e instanceof NotSupportedError && /vertex backend cannot read Secret Manager references \(`secretRefs`: API_TOKEN\); the cloudrun and cloudbatch backends can/.test(e.message));
    assert.equal(h.fake.callCount('CreateCustomJob'), creates);
    assert.deepEqual(await readdir(h.bucketDir, { recursive: true }), staged);
  });

  it('lists by namespace, name and state server-side, and removes finished jobs', async () => {
    const [a, b] = [await h.plan(shellJob('listed', 'exit 0')), await h.plan(shellJob('listed', 'exit 1'))];
    await h.adapter.launch(a);
    await h.adapter.launch(b);
    await Promise.all([a, b].map((spec) => h.adapter.wait(spec.executionId)));
    const ids = async (states?: ExecutionStatus['state'][]) => (await h.newAdapter().list({ namespace: a.jobNamespace, name: 'listed', states })).map((s) => s.executionId).sort();
    assert.deepEqual(await ids(), [a.executionId, b.executionId].sort());
    assert.deepEqual(await ids([...FINAL_STATES]), [a.executionId, b.executionId].sort());
    assert.deepEqual(await ids(['FAILED']), [b.executionId]);
    assert.deepEqual(await ids(['RUNNING']), []);
    assert.deepEqual(await h.adapter.list({ namespace: 'nobody-here' }), []);

    const deletes = h.fake.callCount('DeleteCustomJob');
    await h.adapter.remove(a.executionId);
    assert.equal(await h.adapter.getStatus(a.executionId), undefined);
    assert.equal(h.jobsOf(a.executionId).length, 0, 'the CustomJob is gone');
    await h.newAdapter().remove(b.executionId);
    await h.adapter.remove(b.executionId); // idempotent
    assert.equal(h.fake.callCount('DeleteCustomJob') - deletes, 2);
    assert.deepEqual(await ids(), []);
  });

  it('keeps the record when a user label would replace it, and says so', async () => {
    const spec = await h.plan(shellJob('labelled', 'exit 0'), { labels: { team: 'ml', smartjob_name: 'someone-else' } });
    const before = h.logger.warnings.length;
    await h.adapter.launch(spec);
    assert.deepEqual(h.jobOf(spec.executionId).job.labels, { team: 'ml', ...recordOf(spec) });
    assert.deepEqual(h.logger.warnings.slice(before), [
      `labels of ${spec.executionId} changed to fit Vertex AI's label rules: smartjob_name dropped: smartjob records the execution under that key`,
    ]);
    assert.equal((await h.adapter.wait(spec.executionId)).jobName, 'labelled');
  });

  it('rewrites a label Vertex would refuse to fit its rules, and the fake (which checks them) takes it', async () => {
    // The service refuses such labels before this point (executionConfig validation): this is the adapter's own net.
    const planned = await h.plan(shellJob('rewritten', 'exit 0'));
    const spec = { ...planned, config: { ...planned.config, labels: { Team: 'ML Ops' } } };
    const before = h.logger.warnings.length;
    await h.adapter.launch(spec);
    assert.deepEqual(h.jobOf(spec.executionId).job.labels, { team: 'ml_ops', ...recordOf(spec) });
    assert.deepEqual(h.logger.warnings.slice(before), [`labels of ${spec.executionId} changed to fit Vertex AI's label rules: Team=ML Ops became team=ml_ops`]);
    assert.equal((await h.adapter.wait(spec.executionId)).state, 'SUCCEEDED');
  });

  it('runs an array as one CustomJob per task (Vertex has no native arrays)', async () => {
    const array = await h.service().runArray(
      { ...shellJob('array', 'echo "{\\"i\\": $SMARTJOB_TASK_INDEX}" > "$OUTPUT_PATH/smartjob.json"'), namespace: 'arrays', dockerImage: BUSYBOX_IMAGE },
      { count: 2 },
    );
    assert.deepEqual([array.success, array.native], [true, false]);
    assert.deepEqual(array.tasks.map((t) => t.jsonOutput), [{ i: 0 }, { i: 1 }]);
    assert.deepEqual(array.tasks.map((t) => h.jobsOf(t.executionId!).length), [1, 1]);
    await h.service().cleanup({ namespace: 'arrays' });
    assert.deepEqual(array.tasks.map((t) => h.jobsOf(t.executionId!).length), [0, 0], 'cleanup deleted them');
  });

  it('stages under a gs://bucket/prefix, seen at /gcs/<bucket>/<prefix>', async () => {
    const prefixed = h.newAdapter({ stagingBucket: `gs://${BUCKET}/team/area` });
    const service = h.service(prefixed, new LocalDirectoryStorageAdapter(join(h.bucketDir, 'team/area')));
    const result = await service.run({ ...shellJob('prefixed', 'echo "{\\"out\\": \\"$OUTPUT_PATH\\"}" > "$OUTPUT_PATH/smartjob.json"'), namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE });
    assert.equal(result.state, 'SUCCEEDED', result.message);
    const baseDir = result.outputPath.slice(result.outputPath.indexOf('team/area/') + 'team/area/'.length, -'/output'.length);
    assert.deepEqual(result.jsonOutput, { out: `/gcs/${BUCKET}/team/area/${baseDir}/output` });
    assert.ok(JSON.parse(await readFile(join(h.bucketDir, 'team/area', baseDir, 'output', 'smartjob.json'), 'utf8')));
  });
});
