import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImageUnavailableError } from '../../../src/domain/errors.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { containersOf } from '../../support/docker.js';
import { dockerFixture, filesUnder, job, type DockerFixture } from './fixture.js';

// Behaviour shared by every backend is in test/conformance; these are the Docker-specific checks.
describe('Docker backend: run', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('run() returns the result and leaves no container', async () => {
    const result = await fx.service.run(job('ok', 'echo "{\\"answer\\": 42, \\"id\\": \\"$EXECUTION_ID\\"}" > "$OUTPUT_PATH/smartjob.json"'));
    assert.equal(result.state, 'SUCCEEDED');
    assert.equal(result.success, true);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(result.jsonOutput, { answer: 42, id: result.executionId });
    assert.ok(result.started && result.stopped >= result.started, `started ${result.started?.toISOString()} stopped ${result.stopped.toISOString()}`);
    assert.match(result.outputPath, /^file:\/\//);
    assert.equal((await containersOf(fx.docker)).length, 0, 'run() leaves no container');
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

  it('runs 8 jobs with maxWorkers 2 and never more than 2 containers at once', async () => {
    const service = fx.serviceWith({ maxWorkers: 2 });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const running = await fx.docker.listContainers({ filters: { label: [`${RECORD_KEYS.namespace}=${job('x', '').namespace}`], status: ['running'] } });
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

  it('a smartjob.json that is a directory is reported in the result, and leaves no container', async () => {
    const result = await fx.service.run(job('jsondir', 'mkdir "$OUTPUT_PATH/smartjob.json"'));
    assert.equal(result.state, 'SUCCEEDED');
    assert.equal(result.jsonOutput, undefined);
    assert.match(result.jsonOutputError ?? '', /smartjob\.json.*directory/);
    assert.equal((await containersOf(fx.docker)).length, 0);
  });

  it('a missing image is a typed error naming it, and leaves nothing', async () => {
    const image = '127.0.0.1:9/smartjob-missing:nope'; // loopback registry that refuses at once: no outside traffic
    await assert.rejects(fx.service.run({ ...job('noimage', 'true'), dockerImage: image }), (e: unknown) => e instanceof ImageUnavailableError && e.image === image && e.message.includes(image));
    assert.equal((await containersOf(fx.docker)).length, 0);
    assert.ok(!(await filesUnder(fx.stagingDir)).some((f) => f.includes('noimage')));
  });
});
