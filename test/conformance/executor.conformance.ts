import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../src/domain/errors.js';
import { BytesInput, GcsInput, JsonInput, LocalPathInput } from '../../src/domain/inputs.js';
import type { SmartJob } from '../../src/domain/job.js';
import { isFinal } from '../../src/domain/execution.js';
import type { SchedulingDetails } from '../../src/domain/result.js';
import { inChild } from '../support/child.js';
import { BUSYBOX_IMAGE, PYTHON_IMAGE, TEST_NAMESPACE } from '../support/docker.js';
import { buildService } from '../support/service-config.js';
import { within } from '../support/within.js';
import type { BackendUnderTest } from './backend-under-test.js';

export const shellJob = (name: string, script: string): SmartJob => ({
  name, namespace: TEST_NAMESPACE, dockerImage: BUSYBOX_IMAGE, overriddenArgs: ['sh', '-c', script],
});

/** The behaviour every backend must show, whatever runs the container. */
export function describeExecutorConformance(backend: string, setup: () => Promise<BackendUnderTest>): void {
  describe(`executor conformance: ${backend}`, () => {
    let b: BackendUnderTest;
    before(async () => { b = await setup(); });
    after(async () => {
      if (!b) return;
      try {
        await b.service.cleanup({ namespace: TEST_NAMESPACE }); // forgotten executions are kept until cleanup
        assert.deepEqual(await b.leftovers(), [], 'backend objects left behind');
      } finally {
        await b.close();
      }
    });

    it('runs a job and returns its smartjob.json', async () => {
      const result = await b.service.run(shellJob('ok', 'echo "{\\"answer\\": 42, \\"id\\": \\"$EXECUTION_ID\\"}" > "$OUTPUT_PATH/smartjob.json"'));
      assert.equal(result.state, 'SUCCEEDED', result.message);
      assert.equal(result.success, true);
      assert.equal(result.exitCode, 0);
      assert.deepEqual(result.jsonOutput, { answer: 42, id: result.executionId });
      assert.equal(result.jobName, 'ok');
      assert.ok(result.durationSeconds >= 0 && result.stopped >= result.created);
    });

    it('makes every input kind visible at INPUT_PATH', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sj-conf-'));
      await writeFile(join(dir, 'local.txt'), 'from disk');
      const inputs = [
        new BytesInput('bytes.txt', 'raw bytes'),
        new JsonInput('data.json', { n: 1 }),
        new LocalPathInput('file with space.txt', join(dir, 'local.txt')),
        new GcsInput('from-gcs.txt', b.gcsObject.uri),
      ];
      const script = 'cd "$INPUT_PATH" && printf "{\\"bytes\\":\\"%s\\",\\"json\\":%s,\\"local\\":\\"%s\\",\\"gcs\\":\\"%s\\"}" "$(cat bytes.txt)" "$(cat data.json)" "$(cat "file with space.txt")" "$(cat from-gcs.txt)" > "$OUTPUT_PATH/smartjob.json"';
      const result = await b.service.run(shellJob('inputs', script), { inputs });
      assert.equal(result.state, 'SUCCEEDED', result.message);
      assert.deepEqual(result.jsonOutput, { bytes: 'raw bytes', json: { n: 1 }, local: 'from disk', gcs: b.gcsObject.content });
    });

    it('stages a python script and replaces {{INPUT}} in its args', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sj-conf-'));
      const script = join(dir, 'job.py');
      await writeFile(script, 'import json, os, sys\njson.dump({"argv": sys.argv[1:], "files": sorted(os.listdir(os.environ["INPUT_PATH"]))}, open(os.environ["OUTPUT_PATH"] + "/smartjob.json", "w"))\n');
      const job: SmartJob = { name: 'py', namespace: TEST_NAMESPACE, dockerImage: PYTHON_IMAGE, pythonScriptPath: script, overriddenArgs: ['--in', '{{INPUT}}/a.txt'] };
      const result = await b.service.run(job, { inputs: [new BytesInput('a.txt', 'a')] });
      assert.equal(result.state, 'SUCCEEDED', result.message);
      const out = result.jsonOutput as { argv: string[]; files: string[] };
      assert.equal(out.argv[0], '--in');
      assert.match(out.argv[1]!, /^\/.+\/input\/a\.txt$/);
      assert.deepEqual(out.files, ['a.txt', 'job.py']);
    });

    it('reports a non-zero exit as FAILED with the exit code', async () => {
      const result = await b.service.run(shellJob('fails', 'echo boom >&2; exit 7'));
      assert.equal(result.state, 'FAILED');
      assert.equal(result.success, false);
      assert.equal(result.exitCode, 7);
    });

    it('enforces the timeout: TIMED_OUT within a few seconds of the deadline', async () => {
      const started = Date.now();
      const result = await b.service.run(shellJob('slow', 'sleep 30'), { executionConfig: { timeout: { timeoutSeconds: 2 } } });
      const elapsed = (Date.now() - started) / 1000;
      assert.equal(result.state, 'TIMED_OUT');
      assert.equal(result.success, false);
      assert.ok(elapsed >= 2 && elapsed < 8, `took ${elapsed}s for a 2 s timeout`);
    });

    it('an abort cancels the execution: CANCELLED', async () => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 1500);
      const started = Date.now();
      const result = await b.service.run(shellJob('aborted', 'sleep 30'), { signal: controller.signal });
      assert.equal(result.state, 'CANCELLED');
      assert.ok(Date.now() - started < 8000);
    });

    it('forget returns before the job ends; attach gets the result', async () => {
      const started = Date.now();
      const { details, result } = await b.service.schedule(shellJob('forgotten', 'sleep 3; echo "{\\"done\\":true}" > "$OUTPUT_PATH/smartjob.json"'), { forget: true });
      assert.equal(result, undefined);
      assert.ok(Date.now() - started < 2500, 'schedule waited for the job');
      assert.notEqual((await b.service.getStatus(details.executionId)).state, 'SUCCEEDED');
      const attached = await b.service.attach(details.executionId);
      assert.deepEqual(attached.jsonOutput, { done: true });
    });

    it('attaches from a new process to an execution another process forgot', async () => {
      const details = await inChild<SchedulingDetails>(b.config, 'schedule-forget', { job: shellJob('remote', 'sleep 1; echo "{\\"from\\":\\"child\\"}" > "$OUTPUT_PATH/smartjob.json"') });
      const result = await inChild<{ state: string; jsonOutput: unknown; jobName: string }>(b.config, 'attach', details.executionId);
      assert.equal(result.state, 'SUCCEEDED');
      assert.deepEqual(result.jsonOutput, { from: 'child' });
      assert.equal(result.jobName, 'remote');
    });

    it('forgotten executions hold no worker: with maxWorkers 1, two schedules return while the first job still runs', async () => {
      const one = buildService({ ...b.config, maxWorkers: 1 });
      try {
        const forget = (name: string) => one.schedule(shellJob(name, 'sleep 30'), { forget: true });
        const [first, second] = await within(20_000, Promise.all([forget('forgot-one'), forget('forgot-two')]), 'the second forgotten schedule waited for the first job');
        for (const { details } of [first, second]) assert.ok(!isFinal((await b.service.getStatus(details.executionId)).state), 'still running');
        for (const { details } of [first, second]) await b.service.cancel(details.executionId);
        for (const { details } of [first, second]) assert.equal((await b.service.attach(details.executionId)).state, 'CANCELLED');
      } finally {
        await one.close();
      }
    });

    it('a process that forgets an execution exits by itself (no process.exit) while the job still runs', async () => {
      const started = Date.now();
      const details = await inChild<SchedulingDetails>(b.config, 'schedule-forget', { job: shellJob('leaves', 'sleep 40') });
      assert.ok(Date.now() - started < 25_000, `the child took ${Date.now() - started} ms: something kept it alive`);
      assert.ok(!isFinal((await b.service.getStatus(details.executionId)).state), 'the job outlives the process that scheduled it');
      await b.service.cancel(details.executionId);
      assert.equal((await b.service.attach(details.executionId)).state, 'CANCELLED');
    });

    it('bad input is a ValidationError naming the field, and leaves nothing', async () => {
      const before = await b.stagedPaths();
      const objectsBefore = await b.leftovers();
      await assert.rejects(b.service.run(shellJob('Bad Name', 'true')), (e: unknown) => e instanceof ValidationError && e.field === 'job.name');
      await assert.rejects(b.service.run(shellJob('badinput', 'true'), { inputs: [new LocalPathInput('x', '/nope')] }), (e: unknown) => e instanceof ValidationError && e.field === 'inputs[0].localPath');
      await assert.rejects(b.service.run(shellJob('badcfg', 'true'), { executionConfig: { timeout: { timeoutSeconds: 0 } } }), (e: unknown) => e instanceof ValidationError && e.field === 'executionConfig.timeout.timeoutSeconds');
      assert.deepEqual(await b.stagedPaths(), before);
      assert.deepEqual(await b.leftovers(), objectsBefore);
    });
  });
}
