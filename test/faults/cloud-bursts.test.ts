import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { grpc } from 'google-gax';
import { PermissionDeniedError } from '../../src/domain/errors.js';
import type { ExecutionState } from '../../src/domain/execution.js';
import { BytesInput } from '../../src/domain/inputs.js';
import type { SmartJob } from '../../src/domain/job.js';
import type { ExecutionResult } from '../../src/domain/result.js';
import { BUSYBOX_IMAGE, TEST_NAMESPACE } from '../support/docker.js';
import { startCloudFixture, type CallKind, type CloudBackend, type CloudFixture } from './cloud-backends.js';

/**
 * The fault table's cloud rows, through the service, on each GCP backend's fake: a burst of transient answers on
 * any call is retried (exactly one execution, the right result), a permanent PERMISSION_DENIED is not (one call,
 * a PermissionDeniedError, nothing half-made). One fake per backend, shared by its rows.
 */
const BURST = 3;
const BACKENDS: readonly CloudBackend[] = ['cloudrun', 'cloudbatch', 'vertex'];
const TRANSIENT = [
  { name: 'UNAVAILABLE', code: grpc.status.UNAVAILABLE, http: 503 },
  { name: 'RESOURCE_EXHAUSTED', code: grpc.status.RESOURCE_EXHAUSTED, http: 429 },
] as const;
/** Planned as many faults: every call gets one, so a retry would show in the call count. */
const FOREVER = 50;

/** Works on fault matches and on the request log alike. */
type Request = { readonly method: string; readonly path: string };
const isUpload = (r: Request) => r.method === 'POST' && r.path.startsWith('/upload/');
const isSmartjobJsonRead = (r: Request) => r.method === 'GET' && r.path.endsWith('%2Foutput%2Fsmartjob.json');

/** Echoes its input and its id into smartjob.json: a result that proves which run it came from. */
const echoJob = (name: string): SmartJob => ({
  name, namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE,
  overriddenArgs: ['sh', '-c', 'printf \'{"got":"%s","id":"%s"}\' "$(cat "$INPUT_PATH/in.txt")" "$EXECUTION_ID" > "$OUTPUT_PATH/smartjob.json"'],
});
const sleepJob = (name: string): SmartJob => ({ name, namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE, overriddenArgs: ['sleep', '30'] });

for (const backend of BACKENDS) {
  describe(`${backend}: bursts and refusals on every cloud call, through the service`, { timeout: 600_000 }, () => {
    let f: CloudFixture;
    before(async () => { f = await startCloudFixture(backend); });
    afterEach(() => {
      f.fake.clearFaults();
      f.gcs.clearFaults();
    });
    after(async () => {
      if (!f) return;
      try {
        await f.service.cleanup({ namespace: TEST_NAMESPACE });
        assert.deepEqual(await f.service.list({ namespace: TEST_NAMESPACE }), [], 'executions left');
        assert.deepEqual(await f.fake.containers(), [], 'containers left');
      } finally {
        await f.close();
      }
    });

    const calls = (kind: CallKind) => f.fake.callCount(f.methods[kind]);
    const faulted = () => f.gcs.requests.filter((r) => r.faulted).length;

    /** Runs echoJob with one input; checks the result is this run's and the fake holds exactly one execution of it. */
    async function runEcho(name: string): Promise<ExecutionResult> {
      const marker = `${name}-${Math.random().toString(36).slice(2, 8)}`;
      const result = await f.service.run(echoJob(name), { inputs: [new BytesInput('in.txt', marker)] });
      assert.equal(result.state, 'SUCCEEDED', result.message);
      assert.deepEqual(result.jsonOutput, { got: marker, id: result.executionId });
      assert.equal(f.executionsOf(result.executionId), 1, 'exactly one execution');
      return result;
    }

    /** Schedules a long job and returns its id and result once the backend says it runs. */
    async function startSleeping(name: string) {
      const { details, result } = await f.service.schedule(sleepJob(name));
      result.catch(() => undefined); // awaited by the caller
      await until(async () => (await f.service.getStatus(details.executionId)).state === 'RUNNING');
      return { executionId: details.executionId, result };
    }

    async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error('condition not met in time');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    for (const { name, code, http } of TRANSIENT) {
      describe(`a burst of ${BURST} × ${name} (${http} on GCS)`, () => {
        const finished: string[] = [];

        it('on create/run: retried, one execution, the right result', async () => {
          const before = calls('create');
          f.fake.failNext({ method: f.methods.create, count: BURST, code });
          finished.push((await runEcho(`burst-create-${http}`)).executionId);
          assert.equal(calls('create') - before, BURST + 1);
        });

        it('on get (getStatus): retried, the right status', async () => {
          const before = calls('get');
          f.fake.failNext({ method: f.methods.get, count: BURST, code });
          const status = await f.service.getStatus(finished[0]!);
          assert.equal(status.state, 'SUCCEEDED');
          assert.equal(status.executionId, finished[0]);
          assert.equal(calls('get') - before, BURST + 1);
        });

        it('on list: retried, the execution listed once', async () => {
          const before = calls('list');
          f.fake.failNext({ method: f.methods.list, count: BURST, code });
          const listed = await f.service.list({ namespace: TEST_NAMESPACE, name: `burst-create-${http}` });
          assert.deepEqual(listed.map((s) => [s.executionId, s.state]), [[finished[0], 'SUCCEEDED']]);
          assert.ok(calls('list') - before >= BURST + 1);
        });

        it('on the GCS upload of an input: retried by the storage client, one execution, the right result', async () => {
          f.gcs.clearRequests();
          f.gcs.failNext({ status: http, count: BURST, match: isUpload });
          finished.push((await runEcho(`burst-upload-${http}`)).executionId);
          assert.equal(faulted(), BURST, 'every planned fault was answered');
        });

        it('on the GCS download of smartjob.json: retried, one execution, the right result', async () => {
          f.gcs.clearRequests();
          f.gcs.failNext({ status: http, count: BURST, match: isSmartjobJsonRead });
          finished.push((await runEcho(`burst-download-${http}`)).executionId);
          assert.equal(faulted(), BURST, 'every planned fault was answered');
        });

        it('on cancel: retried, the execution ends CANCELLED', async () => {
          const { executionId, result } = await startSleeping(`burst-cancel-${http}`);
          const before = calls('cancel');
          f.fake.failNext({ method: f.methods.cancel, count: BURST, code });
          await f.service.cancel(executionId);
          assert.equal(calls('cancel') - before, BURST + 1);
          assert.equal((await result).state, 'CANCELLED');
          assert.equal(f.executionsOf(executionId), 1);
          finished.push(executionId);
        });

        it('on cleanup (delete): retried, every finished execution and its staging directory removed', async () => {
          const before = calls('remove');
          f.fake.failNext({ method: f.methods.remove, count: BURST, code });
          const { removed } = await f.service.cleanup({ namespace: TEST_NAMESPACE });
          assert.deepEqual([...removed].sort(), [...finished].sort());
          assert.ok(calls('remove') - before >= BURST + 1);
          for (const id of finished) assert.equal(f.executionsOf(id), 0, `${id} removed from the backend`);
          assert.deepEqual((await f.stagedPaths()).filter((p) => finished.some((id) => p.includes(id))), [], 'staging directories removed');
        });
      });
    }

    describe('a permanent PERMISSION_DENIED', () => {
      let done: string; // a finished execution the read and delete rows ask about

      it('on create/run: PermissionDeniedError after one call, nothing created, nothing staged', async () => {
        const staged = await f.stagedPaths();
        const before = calls('create');
        f.fake.failNext({ method: f.methods.create, count: FOREVER, code: grpc.status.PERMISSION_DENIED });
        await assert.rejects(f.service.run(echoJob('denied-create'), { inputs: [new BytesInput('in.txt', 'x')] }), PermissionDeniedError);
        assert.equal(calls('create') - before, 1, 'not retried');
        assert.equal(f.objectsNamed('denied-create'), 0, 'no job left on the backend');
        assert.deepEqual(await f.stagedPaths(), staged, 'the staged inputs were removed');
      });

      it('on the GCS upload of an input: PermissionDeniedError, no request retried, nothing launched or staged', async () => {
        const staged = await f.stagedPaths();
        const before = calls('create');
        f.gcs.clearRequests();
        f.gcs.failNext({ status: 403, count: FOREVER, match: isUpload });
        await assert.rejects(f.service.run(echoJob('denied-upload'), { inputs: [new BytesInput('in.txt', 'x')] }), PermissionDeniedError);
        const refused = f.gcs.requests.filter((r) => r.faulted).map((r) => `${r.path}${r.query}`);
        assert.ok(refused.length >= 1);
        assert.equal(new Set(refused).size, refused.length, `no upload was sent twice: ${refused.join(', ')}`);
        assert.equal(calls('create') - before, 0, 'nothing launched');
        assert.equal(f.objectsNamed('denied-upload'), 0);
        assert.deepEqual(await f.stagedPaths(), staged);
      });

      it('on the GCS download of smartjob.json: PermissionDeniedError after one request', async () => {
        f.gcs.clearRequests();
        f.gcs.failNext({ status: 403, count: FOREVER, match: isSmartjobJsonRead });
        await assert.rejects(f.service.run(echoJob('denied-download'), { inputs: [new BytesInput('in.txt', 'x')] }), PermissionDeniedError);
        assert.equal(f.gcs.requests.filter(isSmartjobJsonRead).length, 1, 'not retried');
        const [status, ...others] = await f.service.list({ namespace: TEST_NAMESPACE, name: 'denied-download' });
        assert.equal(others.length, 0);
        assert.equal(status?.state, 'SUCCEEDED', 'the job itself ran; only reading its result was refused');
        done = status.executionId;
      });

      it('on get (getStatus): PermissionDeniedError after one call', async () => {
        const before = calls('get');
        f.fake.failNext({ method: f.methods.get, count: FOREVER, code: grpc.status.PERMISSION_DENIED });
        await assert.rejects(f.service.getStatus(done), PermissionDeniedError);
        assert.equal(calls('get') - before, 1);
      });

      it('on list: PermissionDeniedError after one call', async () => {
        const before = calls('list');
        f.fake.failNext({ method: f.methods.list, count: FOREVER, code: grpc.status.PERMISSION_DENIED });
        await assert.rejects(f.service.list({ namespace: TEST_NAMESPACE }), PermissionDeniedError);
        assert.equal(calls('list') - before, 1);
      });

      it('on cancel: PermissionDeniedError after one call, the execution untouched', async () => {
        const { executionId, result } = await startSleeping('denied-cancel');
        const before = calls('cancel');
        f.fake.failNext({ method: f.methods.cancel, count: FOREVER, code: grpc.status.PERMISSION_DENIED });
        await assert.rejects(f.service.cancel(executionId), PermissionDeniedError);
        assert.equal(calls('cancel') - before, 1);
        assert.equal((await f.service.getStatus(executionId)).state satisfies ExecutionState, 'RUNNING');
        f.fake.clearFaults();
        await f.service.cancel(executionId);
        assert.equal((await result).state, 'CANCELLED');
      });

      it('on cleanup (delete): PermissionDeniedError after one call, the execution kept', async () => {
        const before = calls('remove');
        f.fake.failNext({ method: f.methods.remove, count: FOREVER, code: grpc.status.PERMISSION_DENIED });
        await assert.rejects(f.service.cleanup({ namespace: TEST_NAMESPACE }), PermissionDeniedError);
        assert.equal(calls('remove') - before, 1);
        assert.equal(f.executionsOf(done), 1);
      });
    });
  });
}
