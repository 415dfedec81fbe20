import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { getExecutorService } from '../../src/app/executor-factory.js';
import { StorageError } from '../../src/domain/errors.js';
import { BytesInput, LocalPathInput } from '../../src/domain/inputs.js';
import type { ExecutorService } from '../../src/domain/services/executor.service.js';
import { filesUnder, job } from '../integration/docker/fixture.js';
import { containersOf, requireDocker } from '../support/docker.js';
import { RecordingLogger } from '../support/recording-logger.js';

const exec = promisify(execFile);
const MIB = 1024 * 1024;

// Fault table: the staging area fills up while inputs are staged (a 4 MiB tmpfs as the staging directory).
describe('faults: the staging disk is full', () => {
  let stagingDir: string;
  let sourceDir: string;
  let service: ExecutorService;

  before(async () => {
    await requireDocker();
    stagingDir = await mkdtemp(join(tmpdir(), 'sj-full-'));
    sourceDir = await mkdtemp(join(tmpdir(), 'sj-full-src-'));
    await exec('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', stagingDir]);
    await writeFile(join(sourceDir, 'big.bin'), Buffer.alloc(8 * MIB, 1));
    service = getExecutorService('docker', {
      useCache: false, logger: new RecordingLogger(),
      docker: { networkMode: 'none', staging: { mode: 'bind', hostDir: stagingDir } },
    });
  });
  after(async () => {
    if (stagingDir) await exec('umount', [stagingDir]).catch(() => undefined);
    await rm(stagingDir, { recursive: true, force: true });
    await rm(sourceDir, { recursive: true, force: true });
  });

  const inputs = [
    ['a large local file (kernel copy)', () => new LocalPathInput('big.bin', join(sourceDir, 'big.bin'))],
    ['large bytes (streamed)', () => new BytesInput('big.bin', new Uint8Array(8 * MIB))],
  ] as const;
  for (const [what, input] of inputs) {
    it(`${what}: StorageError saying the staging area is full; nothing started, partial files removed`, async () => {
      const docker = await requireDocker();
      await assert.rejects(service.run(job('full', 'true'), { inputs: [new BytesInput('small.txt', 'fits'), input()] }), (e: unknown) =>
        e instanceof StorageError && e.code === 'STORAGE' && /the staging area is full \(ENOSPC\)/.test(e.message) && e.message.includes('big.bin'));
      assert.deepEqual(await containersOf(docker), [], 'nothing started');
      assert.deepEqual(await filesUnder(stagingDir), [], 'the partial file and the execution directory are gone');
    });
  }

  it('once there is room again, the same service runs', async () => {
    const result = await service.run(job('fits', 'cat "$INPUT_PATH/small.txt" > /dev/null'), { inputs: [new BytesInput('small.txt', 'fits')] });
    assert.equal(result.state, 'SUCCEEDED', result.message);
  });
});
