import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../../../src/domain/errors.js';
import { TEST_NAMESPACE } from '../../support/docker.js';
import { dockerFixture, job, type DockerFixture } from './fixture.js';

describe('Docker backend: what a run() keeps once its container is gone', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => { await fx.close(); });

  it('logs, status and attach by id still work after run(), from the staging directory', async () => {
    const result = await fx.service.run(job('kept', 'echo one; echo oops >&2; echo two; exit 3'));
    assert.equal(result.state, 'FAILED');
    assert.match(result.logUrl, /^file:\/\/.+\/logs\.jsonl$/);
    assert.ok((await stat(fileURLToPath(result.logUrl))).isFile(), 'logUrl points at the kept logs');
    const lines = [];
    for await (const line of fx.service.logs(result.executionId)) lines.push(line);
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.line), ['one', 'two']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.line), ['oops']);
    const status = await fx.service.getStatus(result.executionId);
    assert.equal(status.state, 'FAILED');
    assert.equal(status.exitCode, 3);
    const attached = await fx.service.attach(result.executionId);
    assert.deepEqual(attached, result);
    await fx.service.cancel(result.executionId); // finished: nothing to do, and no error
  });

  it('keeps a large log by streaming it, line for line', async () => {
    const result = await fx.service.run(job('chatty', 'i=0; while [ $i -lt 100000 ]; do echo "line $i of a rather long log"; i=$((i+1)); done'));
    assert.equal(result.state, 'SUCCEEDED');
    let count = 0;
    let last = '';
    for await (const { line } of fx.service.logs(result.executionId)) {
      count += 1;
      last = line;
    }
    assert.equal(count, 100_000);
    assert.equal(last, 'line 99999 of a rather long log');
  });

  it('list shows finished run() executions from their kept status, with the filters, until cleanup removes them', async () => {
    const ns = `${TEST_NAMESPACE}l`;
    const ok = await fx.service.run({ ...job('listed', 'true'), namespace: ns });
    const failed = await fx.service.run({ ...job('listed', 'exit 4'), namespace: ns });
    const other = await fx.service.run({ ...job('listed-too', 'true'), namespace: ns });
    const lookalike = await fx.service.run({ ...job('too', 'true'), namespace: `${ns}-listed` }); // same directory prefix
    const ids = (statuses: readonly { executionId: string }[]) => statuses.map((s) => s.executionId);
    assert.deepEqual(ids(await fx.service.list({ namespace: ns })), [other.executionId, failed.executionId, ok.executionId], 'newest first');
    assert.deepEqual(ids(await fx.service.list({ namespace: ns, name: 'listed' })), [failed.executionId, ok.executionId]);
    const failedOnly = await fx.service.list({ namespace: ns, states: ['FAILED'] });
    assert.deepEqual(failedOnly.map((s) => [s.executionId, s.state, s.exitCode]), [[failed.executionId, 'FAILED', 4]]);
    assert.ok(ids(await fx.service.list()).includes(lookalike.executionId), 'no filter: every namespace');
    await fx.service.cleanup({ namespace: ns });
    await fx.service.cleanup({ namespace: `${ns}-listed` });
    assert.deepEqual(await fx.service.list({ namespace: ns }), []);
  });

  it('cleanup removes the staging directories of run() executions and the date and time directories left empty', async () => {
    const ns = `${TEST_NAMESPACE}c`;
    const done = await fx.service.run({ ...job('gone', 'echo bye'), namespace: ns });
    const other = await fx.service.run({ ...job('keep', 'true'), namespace: `${ns}-x` });
    assert.deepEqual((await fx.service.cleanup({ namespace: ns, olderThanSeconds: 3600 })).removed, [], 'too recent');
    assert.deepEqual((await fx.service.cleanup({ namespace: ns })).removed, [done.executionId]);
    await assert.rejects(fx.service.getStatus(done.executionId), NotFoundError);
    const left = (await readdir(fx.stagingDir, { recursive: true })).map(String);
    assert.ok(!left.some((p) => p.includes(done.executionId)), 'its staging directory is gone');
    assert.deepEqual(left.filter((p) => p.startsWith(`${ns}-gone`)), [], 'and so are its empty date and time directories');
    assert.equal((await fx.service.getStatus(other.executionId)).state, 'SUCCEEDED', 'another namespace is left alone');
    assert.deepEqual((await fx.service.cleanup({ namespace: `${ns}-x` })).removed, [other.executionId]);
    assert.ok(!(await readdir(fx.stagingDir)).some((name) => name.startsWith(ns)), join(fx.stagingDir, ns));
  });
});
