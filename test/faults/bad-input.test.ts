import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type Docker from 'dockerode';
import { getExecutorService } from '../../src/app/executor-factory.js';
import { ValidationError } from '../../src/domain/errors.js';
import { filesUnder, job } from '../integration/docker/fixture.js';
import { containersOf, requireDocker } from '../support/docker.js';
import { RecordingLogger } from '../support/recording-logger.js';
import { BAD_INPUT_CASES, type BadInputContext } from './bad-input-cases.js';

// Bad input, as one table, on the real Docker backend with a private staging directory: each row is a typed
// error naming the field, and nothing is left (no container, no staged file). The job of every row is otherwise
// valid and its image present, so input that slipped through would start something and fail the row.
describe('bad input: one table, on the real Docker backend', () => {
  let docker: Docker;
  let stagingDir: string;
  let localDir: string;
  let context: BadInputContext;
  const logger = new RecordingLogger();

  before(async () => {
    docker = await requireDocker();
    stagingDir = await mkdtemp(join(tmpdir(), 'sj-bad-'));
    localDir = await mkdtemp(join(tmpdir(), 'sj-bad-local-'));
    await writeFile(join(localDir, 'script.py'), 'print("never run")\n');
    const service = getExecutorService('docker', { useCache: false, logger, docker: { networkMode: 'none', staging: { mode: 'bind', hostDir: stagingDir } } });
    context = { service, job: job('valid', 'true'), directory: localDir, file: join(localDir, 'script.py') };
  });
  after(async () => {
    await rm(stagingDir, { recursive: true, force: true });
    await rm(localDir, { recursive: true, force: true });
  });

  it('has at least 30 rows', () => assert.ok(BAD_INPUT_CASES.length >= 30, `${BAD_INPUT_CASES.length} rows`));

  for (const row of BAD_INPUT_CASES) {
    const expected = row.error ?? ValidationError;
    it(`${row.what}: ${expected.name} ${row.code ?? 'VALIDATION'} naming \`${row.field}\`, nothing left`, async () => {
      const error = await Promise.resolve().then(() => row.call(context)).then(() => undefined, (e: unknown) => e);
      assert.ok(error instanceof expected, `expected ${expected.name}, got ${String(error)}`);
      assert.equal((error as { code?: string }).code, row.code ?? 'VALIDATION');
      if (error instanceof ValidationError) assert.equal(error.field, row.field);
      assert.ok(error.message.startsWith(`\`${row.field}\` `), error.message);
      if (row.message) assert.equal(error.message, row.message);
      assert.deepEqual(await containersOf(docker), [], 'no container');
      assert.deepEqual(await filesUnder(stagingDir), [], 'nothing staged');
    });
  }

  it('warns about nothing: bad input is an error, not a warning', () => assert.deepEqual(logger.warnings, []));
});
