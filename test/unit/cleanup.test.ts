import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExecutorService } from '../../src/domain/services/executor.service.js';
import { NodeLocalFilesAdapter } from '../../src/infra/local/node-local-files.adapter.js';
import { InMemoryExecutor } from '../fakes/in-memory-executor.js';
import { InMemoryStorage } from '../fakes/in-memory-storage.js';
import { RecordingLogger } from '../support/recording-logger.js';

/** A backend whose release deletes its record, as Docker removes the container of a finished run(). */
class ForgetfulExecutor extends InMemoryExecutor {
  readonly releaseDeletesRecord = true;
  override async release(executionId: string): Promise<void> {
    this.executions.delete(executionId);
  }
}

function forgetfulHarness() {
  const executor = new ForgetfulExecutor();
  executor.autoFinish = () => ({ exitCode: 0 });
  const storage = new InMemoryStorage();
  const service = new ExecutorService({ executor, storage, localFiles: new NodeLocalFilesAdapter(), logger: new RecordingLogger() });
  return { executor, storage, service };
}

const job = (namespace: string, name: string) => ({ name, namespace, dockerImage: 'example/image:1' });

describe('ExecutorService on a backend that forgets finished runs', () => {
  it('keeps status and logs in the staging directory: getStatus, logs and attach work after run()', async () => {
    const { service, storage } = forgetfulHarness();
    const result = await service.run(job('ns', 'kept'));
    assert.equal(result.logUrl, `mem://${result.outputPath.slice('mem://'.length, -'/output'.length)}/logs.jsonl`);
    assert.equal((await service.getStatus(result.executionId)).state, 'SUCCEEDED');
    const lines = [];
    for await (const line of service.logs(result.executionId)) lines.push(line);
    assert.deepEqual(lines, [{ stream: 'stdout', line: `log of ${result.executionId}` }]);
    assert.deepEqual(await service.attach(result.executionId), result);
    assert.ok([...storage.objects.keys()].some((k) => k.endsWith(`${result.executionId}/status.json`)));
  });

  it('cleanup with a namespace tells `a`+`b-c` from `a-b`+`c` by the kept status, not by the directory name', async () => {
    const { service } = forgetfulHarness();
    const mine = await service.run(job('a', 'b-c'));
    const theirs = await service.run(job('a-b', 'c'));
    assert.deepEqual((await service.cleanup({ namespace: 'a' })).removed, [mine.executionId]);
    assert.equal((await service.getStatus(theirs.executionId)).jobNamespace, 'a-b');
  });

  it('removes an unrecorded staging directory only without a namespace filter and an hour after its creation', async () => {
    const { service, storage } = forgetfulHarness();
    const old = 'x-y/2020-01-01/0000/0123456789abcdef';
    const recent = `x-y/${new Date().toISOString().slice(0, 10)}/${new Date().toISOString().slice(11, 16).replace(':', '')}/fedcba9876543210`;
    for (const dir of [old, recent]) {
      await storage.createDirectory(`${dir}/input`);
      storage.modified.set(`${dir}/input`, new Date('2020-01-01T00:00:00Z'));
    }
    assert.deepEqual((await service.cleanup({ namespace: 'x' })).removed, [], 'its namespace is unknown');
    assert.deepEqual((await service.cleanup()).removed, ['0123456789abcdef'], 'the recent one may be launching right now');
  });

  it('never removes the directory of an execution the backend still knows, running or not', async () => {
    const { service, executor, storage } = forgetfulHarness();
    executor.autoFinish = () => undefined;
    const { details } = await service.schedule(job('ns', 'running'), { forget: true });
    try {
      for (const key of storage.modified.keys()) storage.modified.set(key, new Date('2020-01-01T00:00:00Z'));
      assert.deepEqual((await service.cleanup()).removed, []);
      assert.ok(storage.directories.has(`${executor.executions.get(details.executionId)!.spec.baseDir}/input`));
    } finally {
      executor.finish(details.executionId, 0);
    }
  });
});
