import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, containersOf, requireDocker, TEST_NAMESPACE } from '../../support/docker.js';
import type Docker from 'dockerode';

const CLI = fileURLToPath(new URL('../../../src/app/cli/main.ts', import.meta.url));

describe('CLI on the Docker backend', () => {
  let docker: Docker;
  let stagingDir: string;
  before(async () => {
    docker = await requireDocker();
    stagingDir = await mkdtemp(join(tmpdir(), 'sj-cli-'));
  });
  after(async () => {
    await rm(stagingDir, { recursive: true, force: true });
    assert.deepEqual(await containersOf(docker), []);
  });

  function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { ...process.env, SMARTJOB_DOCKER_NETWORK: 'none', SMARTJOB_DOCKER_STAGING_DIR: stagingDir };
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', CLI, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });
  }
  const base = ['run', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE];

  it('runs a job and prints its result as JSON, exit 0', async () => {
    const { code, stdout } = await cli([...base, '--name', 'cli-ok', '--env', 'WHO=cli', '--', 'sh', '-c', 'echo "{\\"who\\":\\"$WHO\\"}" > $OUTPUT_PATH/smartjob.json']);
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.state, 'SUCCEEDED');
    assert.deepEqual(result.jsonOutput, { who: 'cli' });
  });

  it('exits 1 when the job fails', async () => {
    const { code, stdout } = await cli([...base, '--name', 'cli-fail', '--', 'sh', '-c', 'exit 4']);
    assert.equal(code, 1);
    assert.equal(JSON.parse(stdout).exitCode, 4);
  });

  it('exits 2 on bad input, naming the field', async () => {
    const { code, stderr } = await cli([...base, '--name', 'Bad Name', '--', 'true']);
    assert.equal(code, 2);
    assert.match(stderr, /ValidationError \(VALIDATION\): `job\.name` must be/);
  });
});
