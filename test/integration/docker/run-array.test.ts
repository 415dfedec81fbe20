import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { containersOf } from '../../support/docker.js';
import { dockerFixture, job, type DockerFixture } from './fixture.js';

describe('Docker backend: runArray (N executions)', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('one entry per task with its index, exit code and its own output directory; never more than `parallelism` running; nothing left', async () => {
    const script = 'sleep 1; echo "{\\"task\\": $SMARTJOB_TASK_INDEX, \\"count\\": $SMARTJOB_TASK_COUNT}" > "$OUTPUT_PATH/smartjob.json"; [ "$SMARTJOB_TASK_INDEX" != 3 ] || exit 5';
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, (await containersOf(fx.docker)).filter((c) => c.State === 'running').length);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await fx.service.runArray(job('arr', script), { count: 5, parallelism: 2 }).finally(() => (sampling = false));
    await sampler;
    assert.equal(peak, 2, `parallelism 2 (the service allows 4): at most 2 containers running, and 2 reached (peak ${peak})`);
    assert.equal(result.native, false);
    assert.equal(result.success, false);
    assert.deepEqual(result.tasks.map((t) => t.index), [0, 1, 2, 3, 4]);
    assert.deepEqual(result.tasks.map((t) => t.state), ['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'FAILED', 'SUCCEEDED']);
    assert.equal(result.tasks[3]!.exitCode, 5);
    for (const task of result.tasks) {
      assert.deepEqual(task.jsonOutput, { task: task.index, count: 5 });
      const written = await readFile(fileURLToPath(`${task.outputPath!}/smartjob.json`), 'utf8');
      assert.deepEqual(JSON.parse(written), { task: task.index, count: 5 }, `task ${task.index} wrote into its own directory`);
    }
    assert.equal(new Set(result.tasks.map((t) => t.outputPath)).size, 5);
    assert.equal((await containersOf(fx.docker)).length, 0);
  });
});
