import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NotSupportedError } from '../../../src/domain/errors.js';
import { CloudRunExecutorAdapter } from '../../../src/infra/gcp/cloudrun/cloudrun-executor.adapter.js';
import { resolveGcpOptions } from '../../../src/infra/gcp/shared/gcp-options.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { ExecutorService } from '../../../src/domain/services/executor.service.js';
import { NodeLocalFilesAdapter } from '../../../src/infra/local/node-local-files.adapter.js';
import { InMemoryStorage } from '../../fakes/in-memory-storage.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { filesUnder, dockerFixture, job, type DockerFixture } from './fixture.js';

const SECRET = 'pa55-w0rd-NEVER-SHOWN';

describe('secretEnvs on Docker: passed to the job, never recorded or printed', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('the job sees the value; nothing the SDK returned, logged, labelled or kept contains it', async () => {
    // the job proves it got the value without printing it
    const script = 'echo "plain is $PLAIN"; echo "{\\"length\\": ${#TOKEN}}" > "$OUTPUT_PATH/smartjob.json"';
    const seen: unknown[] = [];
    const { details, result } = await fx.service.schedule({ ...job('secret', script), secretEnvs: { TOKEN: SECRET } }, { addEnvs: { PLAIN: 'visible' } });
    seen.push(details);
    const outcome = await result;
    seen.push(outcome, await fx.service.getStatus(outcome.executionId), await fx.service.list({}));
    for await (const line of fx.service.logs(outcome.executionId)) seen.push(line);
    assert.deepEqual(outcome.jsonOutput, { length: SECRET.length });

    const forgotten = await fx.service.schedule({ ...job('secret2', 'sleep 5'), secretEnvs: { TOKEN: SECRET } }, { forget: true });
    const [container] = await fx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${forgotten.details.executionId}`] } });
    seen.push(container!.Labels, (await fx.docker.getContainer(container!.Id).inspect()).Config.Labels);
    await fx.service.cancel(forgotten.details.executionId);
    seen.push(await fx.service.attach(forgotten.details.executionId));
    await fx.service.cleanup({ namespace: job('x', '').namespace, olderThanSeconds: 0 });

    const errors: string[] = [];
    for (const bad of [{ TOKEN: 42 }, { 'BAD NAME': SECRET }, { INPUT_PATH: SECRET }]) {
      await fx.service.run({ ...job('badsecret', 'true'), secretEnvs: bad as never }).catch((e: Error) => errors.push(`${e.name}: ${e.message} ${String(e.stack)}`));
    }
    await fx.service.run(job('clash', 'true'), { addEnvs: { TOKEN: 'x' }, secretEnvs: { TOKEN: SECRET } }).catch((e: Error) => errors.push(`${e.name}: ${e.message}`));
    assert.equal(errors.length, 4);
    assert.ok(errors.every((e) => e.startsWith('ValidationError')), errors.join('\n'));

    const kept = await Promise.all((await filesUnder(fx.stagingDir)).filter((f) => /\.(json|jsonl)$/.test(f)).map((f) => readFile(join(fx.stagingDir, f), 'utf8')));
    const everything = JSON.stringify([seen, errors, fx.logger.lines, kept]);
    assert.ok(everything.includes('plain is visible'), 'the check does see what the job printed');
    assert.ok(!everything.includes(SECRET), 'the secret leaked');
  });

  it('a backend that would record them refuses secretEnvs before anything is staged', async () => {
    const storage = new InMemoryStorage();
    const options = resolveGcpOptions('cloudrun', { project: 'my-project', region: 'europe-west1', stagingBucket: 'gs://bucket' });
    const executor = new CloudRunExecutorAdapter({ ...options, logger: new RecordingLogger() });
    const service = new ExecutorService({ executor, storage, localFiles: new NodeLocalFilesAdapter(), logger: new RecordingLogger() });
    await assert.rejects(service.run({ ...job('cr', 'true'), secretEnvs: { TOKEN: SECRET } }), (e: unknown) =>
      e instanceof NotSupportedError && /cloudrun backend cannot pass `secretEnvs` \(TOKEN\)/.test(e.message) && !e.message.includes(SECRET));
    assert.equal(storage.objects.size + storage.directories.size, 0);
  });
});
