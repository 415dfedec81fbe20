import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ImageUnavailableError, ValidationError } from '../../../src/domain/errors.js';
import { BytesInput, JsonInput, LocalPathInput } from '../../../src/domain/inputs.js';
import { containersOf } from '../../support/docker.js';
import { dockerFixture, filesUnder, job, type DockerFixture } from './fixture.js';

describe('Docker backend: run', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('runs a job and returns its smartjob.json', async () => {
    const result = await fx.service.run(job('ok', 'echo "{\\"answer\\": 42, \\"id\\": \\"$EXECUTION_ID\\"}" > "$OUTPUT_PATH/smartjob.json"'));
    assert.equal(result.state, 'SUCCEEDED');
    assert.equal(result.success, true);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.jsonOutput, { answer: 42, id: result.executionId });
    assert.ok(result.started && result.stopped >= result.started, `started ${result.started?.toISOString()} stopped ${result.stopped.toISOString()}`);
    assert.match(result.outputPath, /^file:\/\//);
    assert.equal((await containersOf(fx.docker)).length, 0, 'run() leaves no container');
  });

  it('makes every input kind visible at INPUT_PATH', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sj-in-'));
    await writeFile(join(dir, 'local.txt'), 'from disk');
    const inputs = [new BytesInput('bytes.txt', 'raw bytes'), new JsonInput('data.json', { n: 1 }), new LocalPathInput('file with space.txt', join(dir, 'local.txt'))];
    const script = 'cd "$INPUT_PATH" && printf "{\\"bytes\\":\\"%s\\",\\"json\\":%s,\\"local\\":\\"%s\\"}" "$(cat bytes.txt)" "$(cat data.json)" "$(cat "file with space.txt")" > "$OUTPUT_PATH/smartjob.json"';
    const result = await fx.service.run(job('inputs', script), { inputs });
    assert.deepEqual(result.jsonOutput, { bytes: 'raw bytes', json: { n: 1 }, local: 'from disk' });
  });

  it('stages a python script and replaces {{INPUT}} in its args', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sj-py-'));
    const script = join(dir, 'job.py');
    await writeFile(script, 'import json, os, sys\njson.dump({"argv": sys.argv[1:], "files": sorted(os.listdir(os.environ["INPUT_PATH"]))}, open(os.environ["OUTPUT_PATH"] + "/smartjob.json", "w"))\n');
    const result = await fx.service.run(
      { name: 'py', namespace: job('x', '').namespace, dockerImage: 'smartjob-test/python:local', pythonScriptPath: script, overriddenArgs: ['--in', '{{INPUT}}/a.txt'] },
      { inputs: [new BytesInput('a.txt', 'a')] },
    );
    assert.equal(result.state, 'SUCCEEDED', result.message);
    const out = result.jsonOutput as { argv: string[]; files: string[] };
    assert.match(out.argv[1]!, /^\/staging\/.+\/input\/a\.txt$/);
    assert.deepEqual(out.files, ['a.txt', 'job.py']);
  });

  it('reports a non-zero exit as FAILED with the exit code', async () => {
    const result = await fx.service.run(job('fails', 'echo boom >&2; exit 7'));
    assert.equal(result.state, 'FAILED');
    assert.equal(result.success, false);
    assert.equal(result.exitCode, 7);
    assert.match(result.message!, /exited with code 7/);
  });

  it('stops the container at the deadline: TIMED_OUT within a few seconds, nothing left', async () => {
    const started = Date.now();
    const result = await fx.service.run(job('slow', 'sleep 30'), { executionConfig: { timeout: { timeoutSeconds: 2 } } });
    const elapsed = (Date.now() - started) / 1000;
    assert.equal(result.state, 'TIMED_OUT');
    assert.equal(result.success, false);
    assert.ok(elapsed >= 2 && elapsed < 6, `took ${elapsed}s for a 2 s timeout`);
    assert.equal((await containersOf(fx.docker)).length, 0);
  });

  it('an abort stops the container: CANCELLED, nothing left', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 1000);
    const started = Date.now();
    const result = await fx.service.run(job('aborted', 'sleep 30'), { signal: controller.signal });
    assert.equal(result.state, 'CANCELLED');
    assert.ok(Date.now() - started < 5000);
    assert.equal((await containersOf(fx.docker)).length, 0);
  });

  it('reports an out-of-memory kill as a failure that says so', async () => {
    const result = await fx.service.run(
      { ...job('oom', ''), dockerImage: 'smartjob-test/node:local', overriddenArgs: ['node', '-e', 'const a=[];for(;;)a.push(Buffer.alloc(1e6,1))'] },
      { executionConfig: { memoryGb: 0.0625 } },
    );
    assert.equal(result.state, 'FAILED');
    assert.match(result.message!, /out of memory/);
  });

  it('forget returns before the job ends; the job still runs to completion', async () => {
    const started = Date.now();
    const { details, result } = await fx.service.schedule(job('forgotten', 'sleep 2; echo "{\\"done\\":true}" > "$OUTPUT_PATH/smartjob.json"'), { forget: true });
    assert.equal(result, undefined);
    assert.ok(Date.now() - started < 1500, 'schedule waited for the job');
    assert.equal((await fx.service.getStatus(details.executionId)).state, 'RUNNING');
    const attached = await fx.service.attach(details.executionId);
    assert.deepEqual(attached.jsonOutput, { done: true });
    await fx.service.cleanup({ namespace: job('x', '').namespace });
  });

  it('runs 8 jobs with maxWorkers 2 and never more than 2 containers at once', async () => {
    const service = fx.serviceWith({ maxWorkers: 2 });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const running = await fx.docker.listContainers({ filters: { label: [`smartjob.namespace=${job('x', '').namespace}`], status: ['running'] } });
        peak = Math.max(peak, running.length);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => service.run(job(`c${i}`, 'sleep 0.4'))));
    sampling = false;
    await sampler;
    assert.equal(results.filter((r) => r.success).length, 8);
    assert.ok(peak >= 1 && peak <= 2, `peak of ${peak} running containers`);
  });

  it('a missing image is a typed error naming it, and leaves nothing', async () => {
    const image = '127.0.0.1:9/smartjob-missing:nope'; // loopback registry that refuses at once: no outside traffic
    await assert.rejects(fx.service.run({ ...job('noimage', 'true'), dockerImage: image }), (e: unknown) => e instanceof ImageUnavailableError && e.image === image && e.message.includes(image));
    assert.equal((await containersOf(fx.docker)).length, 0);
    assert.ok(!(await filesUnder(fx.stagingDir)).some((f) => f.includes('noimage')));
  });

  it('bad input is a ValidationError naming the field, and leaves nothing', async () => {
    await assert.rejects(fx.service.run(job('Bad Name', 'true')), (e: unknown) => e instanceof ValidationError && e.field === 'job.name');
    await assert.rejects(fx.service.run(job('badinput', 'true'), { inputs: [new LocalPathInput('x', '/nope')] }), (e: unknown) => e instanceof ValidationError && e.field === 'inputs[0].localPath');
    assert.equal((await containersOf(fx.docker)).length, 0);
    assert.ok(!(await filesUnder(fx.stagingDir)).some((f) => f.includes('badinput')));
  });
});
