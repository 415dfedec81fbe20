import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StorageError } from '../../src/domain/errors.js';
import { BytesInput } from '../../src/domain/inputs.js';
import type { WriteOptions } from '../../src/domain/ports/storage.port.js';
import { ExecutorService } from '../../src/domain/services/executor.service.js';
import { NodeLocalFilesAdapter } from '../../src/infra/local/node-local-files.adapter.js';
import { InMemoryExecutor } from '../fakes/in-memory-executor.js';
import { InMemoryStorage } from '../fakes/in-memory-storage.js';
import { RecordingLogger } from '../support/recording-logger.js';

/** One upload fails at once; the others finish later, as a slow upload to GCS would. */
class OneFailingUpload extends InMemoryStorage {
  readonly failure = new StorageError('injected: upload refused');
  lateWritesDone = 0;

  override async writeBytes(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    if (path.endsWith('/bad.txt')) throw this.failure;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await super.writeBytes(path, data, options);
    this.lateWritesDone++;
  }
}

/** Creating one task's directory fails at once; the others finish later. */
class OneFailingTaskDirectory extends InMemoryStorage {
  readonly failure = new StorageError('injected: directory refused');

  override async createDirectory(path: string): Promise<void> {
    if (path.endsWith('/tasks/0')) throw this.failure;
    if (path.includes('/tasks/')) await new Promise((resolve) => setTimeout(resolve, 50));
    await super.createDirectory(path);
  }
}

describe('staging when one write fails', () => {
  it('waits for the other uploads, then removes everything, then rethrows the original error', async () => {
    const storage = new OneFailingUpload();
    const executor = new InMemoryExecutor();
    const service = new ExecutorService({ executor, storage, localFiles: new NodeLocalFilesAdapter(), logger: new RecordingLogger() });
    const inputs = [new BytesInput('slow-1.txt', 'a'), new BytesInput('bad.txt', 'b'), new BytesInput('slow-2.txt', 'c')];
    await assert.rejects(service.run({ name: 'stage', dockerImage: 'example/image:1' }, { inputs }), (e) => e === storage.failure);
    assert.equal(storage.lateWritesDone, 2, 'the slow uploads had finished before run rejected');
    assert.deepEqual([...storage.objects.keys()], [], 'no object left behind');
    assert.deepEqual([...storage.directories], [], 'no directory left behind');
    assert.equal(executor.executions.size, 0, 'nothing launched');
  });

  it("waits for a native array's other task directories too before removing them", async () => {
    const storage = new OneFailingTaskDirectory();
    const executor = new InMemoryExecutor();
    executor.nativeArrays = true;
    const service = new ExecutorService({ executor, storage, localFiles: new NodeLocalFilesAdapter(), logger: new RecordingLogger() });
    await assert.rejects(service.runArray({ name: 'stage', dockerImage: 'example/image:1' }, { count: 40 }), (e) => e === storage.failure);
    await new Promise((resolve) => setTimeout(resolve, 200)); // anything still running would land now
    assert.deepEqual([...storage.directories], [], 'no task directory left behind');
    assert.equal(executor.executions.size, 0, 'nothing launched');
  });
});
