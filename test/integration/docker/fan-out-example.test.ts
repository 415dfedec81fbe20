import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { BUSYBOX_IMAGE, containersOf, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/fan-out.ts', import.meta.url));
const PROGRESS = /^(\d+)\/20 finished \((\d+) failed\), (-?\d+) running, (-?\d+) scheduled$/;

// The README's fan-out example, run as a user runs it (tsx, no terminal), on the real Docker engine.
describe('examples/fan-out.ts on Docker', () => {
  let docker: Docker;
  let stagingDir: string;
  before(async () => {
    docker = await requireDocker();
    stagingDir = await mkdtemp(join(tmpdir(), 'sj-example-'));
  });
  after(async () => {
    const left = await containersOf(docker);
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true })));
    await rm(stagingDir, { recursive: true, force: true });
    assert.deepEqual(left.map((c) => c.Names[0]), [], 'containers left behind by the example');
  });

  it('exits 0 with the 20 squares and a final progress line 20/20, never more than 4 running', async () => {
    const env = { ...process.env, SMARTJOB_DOCKER_STAGING_DIR: stagingDir, SMARTJOB_DOCKER_NETWORK: 'none', SMARTJOB_EXAMPLE_IMAGE: BUSYBOX_IMAGE, SMARTJOB_EXAMPLE_NAMESPACE: TEST_NAMESPACE };
    // execFile rejects on a non-zero exit: resolving is the exit 0
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', EXAMPLE], { env, timeout: 120_000 });
    assert.deepEqual(JSON.parse(stdout), { squares: Array.from({ length: 20 }, (_, i) => (i + 1) ** 2), failures: 0 });
    const lines = stderr.trim().split('\n');
    const progress = lines.map((line) => PROGRESS.exec(line));
    assert.ok(progress.every(Boolean), `only progress lines on stderr:\n${stderr}`);
    assert.equal(lines.at(-1), '20/20 finished (0 failed), 0 running, 0 scheduled');
    const counts = progress.map((m) => m!.slice(1).map(Number));
    assert.ok(counts.every(([, , running, scheduled]) => running! >= 0 && running! <= 4 && scheduled! >= 0), 'running within 0..4');
    assert.ok(counts.some(([, , running]) => running! >= 2), 'items ran side by side');
    assert.equal(lines.length, 60, 'one line per scheduled, started and finished event of each of the 20');
  });
});
