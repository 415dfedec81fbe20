import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { NotFoundError } from '../../../src/domain/errors.js';
import type { SchedulingDetails } from '../../../src/domain/result.js';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { inChild as runInChild } from '../../support/child.js';
import { TEST_NAMESPACE } from '../../support/docker.js';
import { dockerFixture, job, type DockerFixture } from './fixture.js';


describe('Docker backend: lifecycle by execution id', () => {
  let fx: DockerFixture;
  before(async () => { fx = await dockerFixture(); });
  after(async () => {
    // Forgotten executions keep their containers until cleanup, by design: cleanup is part of the test.
    await fx.service.cleanup({ namespace: TEST_NAMESPACE });
    await fx.close();
  });

  /** Runs the SDK in a fresh process: it knows nothing but the configuration and what the arguments say. */
  const inChild = <T>(command: 'schedule-forget' | 'attach' | 'cancel', arg: unknown) => runInChild<T>({ type: 'docker', stagingDir: fx.stagingDir }, command, arg);

  it('attaches from another process to a forgotten execution and gets success and jsonOutput', async () => {
    const details = await inChild<SchedulingDetails>('schedule-forget', { job: job('remote', 'sleep 1; echo "{\\"from\\":\\"child\\"}" > "$OUTPUT_PATH/smartjob.json"') });
    const result = await fx.service.attach(details.executionId);
    assert.equal(result.state, 'SUCCEEDED');
    assert.deepEqual(result.jsonOutput, { from: 'child' });
    assert.equal(result.jobName, 'remote');
    assert.equal(result.jobNamespace, TEST_NAMESPACE);
  });

  it('attach to a running job waits for its end', async () => {
    const { details } = await fx.service.schedule(job('waits', 'sleep 2'), { forget: true });
    const started = Date.now();
    assert.equal((await fx.service.getStatus(details.executionId)).state, 'RUNNING');
    const result = await fx.service.attach(details.executionId);
    assert.equal(result.state, 'SUCCEEDED');
    assert.ok(Date.now() - started >= 1000, 'attach returned before the job ended');
  });

  it('cancels a running job from another process: CANCELLED and the container stopped', async () => {
    const { details } = await fx.service.schedule(job('cancelme', 'sleep 30'), { forget: true });
    await inChild('cancel', details.executionId);
    const status = await fx.service.getStatus(details.executionId);
    assert.equal(status.state, 'CANCELLED');
    const [container] = await fx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${details.executionId}`] } });
    assert.equal(container?.State, 'exited');
    await fx.service.cancel(details.executionId); // idempotent
    assert.equal((await fx.service.attach(details.executionId)).state, 'CANCELLED');
  });

  it('getStatus of an unknown id is a NotFoundError naming the id', async () => {
    await assert.rejects(fx.service.getStatus('0123456789abcdef'), (e: unknown) => e instanceof NotFoundError && e.message.includes("'0123456789abcdef'"));
  });

  it('logs with follow yields the first line before the job ends, tagged by stream', async () => {
    const { details } = await fx.service.schedule(job('talks', 'echo oops >&2; for i in 1 2 3 4 5; do echo "line $i"; sleep 1; done'), { forget: true });
    const lines: { stream: string; line: string }[] = [];
    let stateAtFirstLine: string | undefined;
    for await (const line of fx.service.logs(details.executionId, { follow: true })) {
      if (line.stream === 'stdout' && lines.every((l) => l.stream !== 'stdout')) stateAtFirstLine = (await fx.service.getStatus(details.executionId)).state;
      lines.push(line);
    }
    assert.equal(stateAtFirstLine, 'RUNNING');
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.line), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.line), ['oops']);
    const past = [];
    for await (const line of fx.service.logs(details.executionId)) past.push(line.line);
    assert.equal(past.length, 6, 'without follow: what exists');
  });

  it('list filters by namespace and state; cleanup removes only finished executions older than the threshold', async () => {
    const ns = `${TEST_NAMESPACE}x`;
    const finished = await fx.service.run({ ...job('done', 'true'), namespace: ns }); // run removes its container, keeps its status
    const kept = await fx.service.schedule({ ...job('kept', 'true'), namespace: ns }, { forget: true });
    const running = await fx.service.schedule({ ...job('running', 'sleep 30'), namespace: ns }, { forget: true });
    await fx.service.attach(kept.details.executionId);
    const all = await fx.service.list({ namespace: ns });
    assert.deepEqual(all.map((s) => s.executionId).sort(), [finished.executionId, kept.details.executionId, running.details.executionId].sort());
    assert.deepEqual((await fx.service.list({ namespace: ns, states: ['RUNNING'] })).map((s) => s.executionId), [running.details.executionId]);
    assert.deepEqual(await fx.service.list({ namespace: `${ns}none` }), []);

    assert.deepEqual((await fx.service.cleanup({ namespace: ns, olderThanSeconds: 3600 })).removed, []);
    const { removed } = await fx.service.cleanup({ namespace: ns, olderThanSeconds: 0 });
    assert.deepEqual(removed, [kept.details.executionId, finished.executionId], "a run()'s staging directory goes too");
    await assert.rejects(fx.service.getStatus(kept.details.executionId), NotFoundError);
    await assert.rejects(access(fileURLToPath(kept.details.outputPath)), 'staging directory removed');
    assert.equal((await fx.service.getStatus(running.details.executionId)).state, 'RUNNING');
    await fx.service.cancel(running.details.executionId);
    await fx.service.attach(running.details.executionId);
    assert.deepEqual((await fx.service.cleanup({ namespace: ns })).removed, [running.details.executionId]);
  });
});
