import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/domain/errors.js';
import { BytesInput, GcsInput, JsonInput, LocalPathInput } from '../../src/domain/inputs.js';
import type { RunOptions } from '../../src/domain/services/plan.js';
import { harness, job } from './service-harness.js';

type Case = [field: string, job: unknown, options?: unknown];

const cases: Case[] = [
  ['job.name', { ...job, name: 'Hello World' }],
  ['job.name', { ...job, name: 'x'.repeat(41) }],
  ['job.namespace', { ...job, namespace: 'UPPER' }],
  ['job.dockerImage', { ...job, dockerImage: '' }],
  ['job.overriddenArgs', { ...job, overriddenArgs: 'echo hi' }],
  ['job.overriddenArgs[1]', { ...job, overriddenArgs: ['echo', 3] }],
  ['job.addEnvs.1BAD', { ...job, addEnvs: { '1BAD': 'x' } }],
  ['job.addEnvs.INPUT_PATH', { ...job, addEnvs: { INPUT_PATH: '/elsewhere' } }],
  ['job.pythonScriptPath', { ...job, pythonScriptPath: '/no/such/script.py' }],
  ['addEnvs.K', job, { addEnvs: { K: 1 } }],
  ['inputs', job, { inputs: 'file' }],
  ['inputs[0]', job, { inputs: [{ filename: 'x' }] }],
  ['inputs[0].filename', job, { inputs: [new BytesInput('a/b', 'x')] }],
  ['inputs[0].filename', job, { inputs: [new BytesInput('..', 'x')] }],
  ['inputs[1].filename', job, { inputs: [new BytesInput('same', 'x'), new JsonInput('same', 1)] }],
  ['inputs[0].localPath', job, { inputs: [new LocalPathInput('f', '/no/such/file')] }],
  ['inputs[0].gcsUri', job, { inputs: [new GcsInput('f', 'http://bucket/x')] }],
  ['inputs[0].value', job, { inputs: [new JsonInput('f', undefined)] }],
  ['executionConfig.timeout.timeoutSeconds', job, { executionConfig: { timeout: { timeoutSeconds: -1 } } }],
  ['executionConfig.retry.maxAttemptsSchedule', job, { executionConfig: { retry: { maxAttemptsSchedule: 1.5 } } }],
  ['executionConfig.stagingBucket', job, { executionConfig: { stagingBucket: 'bucket' } }],
  ['executionConfig.labels.Team', job, { executionConfig: { labels: { Team: 'x' } } }],
  ['executionConfig.timeoutSeconds', job, { executionConfig: { timeoutSeconds: 5 } }],
  ['executionConfig.retry.timeoutSeconds', job, { executionConfig: { retry: { timeoutSeconds: 5 } } }],
  ['executionConfig.timeout.maxAttempts', job, { executionConfig: { timeout: { maxAttempts: 2 } } }],
  ['executionConfig.machineTyp', job, { executionConfig: { machineTyp: 'n2-standard-4' } }],
  ['executionConfig.timeout', job, { executionConfig: { timeout: 600 } }],
  ['signal', job, { signal: 'stop' }],
  ['forget', job, { forget: 'yes' }],
];

describe('bad input', () => {
  for (const [field, badJob, options] of cases) {
    it(`names \`${field}\` and leaves nothing behind`, async () => {
      const { service, executor, storage } = harness();
      await assert.rejects(service.schedule(badJob as never, options as RunOptions), (error: unknown) => {
        assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
        assert.equal(error.field, field);
        assert.ok(error.message.startsWith(`\`${field}\` `), error.message);
        return true;
      });
      assert.equal(executor.launchCalls, 0);
      assert.equal(storage.objects.size + storage.directories.size, 0);
    });
  }

  it('states the rule and the value it got', async () => {
    const { service } = harness();
    await assert.rejects(service.run({ ...job, name: 'Hello World' }), {
      message: "`job.name` must be 1-40 lowercase letters, digits or hyphens, starting and ending with a letter or digit, got 'Hello World'",
    });
  });

  it('calls an unknown executionConfig key an unknown setting, and says where a misplaced known one belongs', async () => {
    const { service, logger } = harness();
    await assert.rejects(service.run(job, { executionConfig: { timeoutSeconds: 5 } as never }), {
      message: '`executionConfig.timeoutSeconds` is an unknown setting; did you mean `executionConfig.timeout.timeoutSeconds`?',
    });
    await assert.rejects(service.run(job, { executionConfig: { retry: { cpu: 2 } } as never }), {
      message: '`executionConfig.retry.cpu` is an unknown setting; did you mean `executionConfig.cpu`?',
    });
    await assert.rejects(service.run(job, { executionConfig: { machineTyp: 'x' } as never }), { message: '`executionConfig.machineTyp` is an unknown setting' });
    assert.deepEqual(logger.warnings, [], 'not a warning about an ignored setting');
    assert.equal((await service.run(job, { executionConfig: { cpu: undefined, timeout: undefined } })).success, true, 'an undefined value is no setting');
  });

  it('rejects a maxWorkers that is not a positive integer, naming it', () => {
    assert.throws(() => harness(0), { name: 'ValidationError', field: 'maxWorkers' } as object);
  });
});
