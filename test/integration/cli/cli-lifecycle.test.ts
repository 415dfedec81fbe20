import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BUSYBOX_IMAGE, containersOf, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

/** Each step is a new CLI process that knows nothing but the execution id. */
describe('CLI: schedule → status → logs → attach → cleanup, across processes', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const json = async (args: string[], expectedCode = 0) => {
    const outcome = await fx.cli(['--json', ...args]);
    assert.equal(outcome.code, expectedCode, outcome.stderr);
    return JSON.parse(outcome.stdout); // throws when stdout holds anything but one document
  };

  it('follows one execution by id from process to process, human and --json', async () => {
    const script = 'echo starting; echo warn >&2; until [ -e $INPUT_PATH/go ]; do sleep 0.1; done; echo "{\\"done\\":true}" > $OUTPUT_PATH/smartjob.json; echo finished';
    const scheduled = await fx.cli(['schedule', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'lifecycle', '--', 'sh', '-c', script]);
    assert.equal(scheduled.code, 0);
    const id = scheduled.stdout.trim();
    assert.match(id, /^[0-9a-f]{16}$/, 'schedule prints the id alone on stdout');
    assert.match(scheduled.stderr, new RegExp(`smartjob attach ${id}`));
    assert.match(scheduled.stderr, /its timeout is enforced by the next `smartjob status`, `list` or `attach` after its deadline/, 'says nothing watches it');

    const status = await json(['status', id]);
    assert.equal(status.executionId, id);
    assert.ok(['PENDING', 'RUNNING'].includes(status.state), status.state);
    assert.match((await fx.cli(['status', id])).stdout, new RegExp(`^execution\\s+${id}\\njob\\s+${TEST_NAMESPACE}/lifecycle\\nstate\\s+`));
    // The job waits for this file, so the checks above saw it unfinished however loaded the machine is.
    await writeFile(join(fx.stagingDir, status.baseDir, 'input', 'go'), '');

    const followed = await fx.cli(['logs', '--follow', id]);
    assert.equal(followed.code, 0);
    assert.equal(followed.stdout, 'starting\nfinished\n', 'stdout lines on stdout, until the end');
    assert.equal(followed.stderr, 'warn\n', 'stderr lines on stderr');
    const lines = (await json(['logs', id])) as { stream: string; line: string }[];
    // the order between the two streams is Docker's to choose; within one stream it is kept
    assert.deepEqual(lines.filter((l) => l.stream === 'stdout').map((l) => l.line), ['starting', 'finished']);
    assert.deepEqual(lines.filter((l) => l.stream === 'stderr').map((l) => l.line), ['warn']);

    const attached = await json(['attach', id]);
    assert.equal(attached.state, 'SUCCEEDED');
    assert.deepEqual(attached.jsonOutput, { done: true });
    const human = await fx.cli(['attach', id]);
    assert.match(human.stdout, /^SUCCEEDED in .*execution [0-9a-f]{16}\n/);
    assert.match(human.stdout, /"done": true/);

    const listed = await json(['list', '--namespace', TEST_NAMESPACE]);
    assert.deepEqual(listed.map((s: { executionId: string }) => s.executionId), [id]);
    const table = await fx.cli(['list', '--namespace', TEST_NAMESPACE]);
    assert.match(table.stdout, /^ID\s+NAMESPACE\s+NAME\s+STATE\s+CREATED\s+DURATION\n/);
    assert.match(table.stdout, new RegExp(`^${id}\\s+${TEST_NAMESPACE}\\s+lifecycle\\s+SUCCEEDED\\s`, 'm'));

    assert.deepEqual(await json(['cleanup', '--namespace', TEST_NAMESPACE]), { removed: [id] });
    assert.deepEqual(await containersOf(fx.docker), []);
    const gone = await fx.cli(['status', id]);
    assert.equal(gone.code, 70);
    assert.match(gone.stderr, /was not found/);
    assert.deepEqual(await json(['list', '--namespace', TEST_NAMESPACE]), []);
  });

  it("run, then logs in a new process: the job's output, kept after its container was removed (issue 14.3)", async () => {
    const ran = await json(['run', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'kept', '--', 'sh', '-c', 'echo kept-out; echo kept-err >&2']);
    assert.equal(ran.state, 'SUCCEEDED');
    assert.deepEqual(await containersOf(fx.docker), [], 'run removed its container');
    const logs = await fx.cli(['logs', ran.executionId]);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'kept-out\n');
    assert.equal(logs.stderr, 'kept-err\n');
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });

  it("schedule --wait waits as run does: the result document, the job's exit code, --follow streams its logs", async () => {
    const job = (name: string, script: string) => ['--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', name, '--', 'sh', '-c', script];
    const waited = await fx.cli(['schedule', '--wait', '--follow', '--json', ...job('waited', 'echo waited-line; echo "{\\"w\\":1}" > $OUTPUT_PATH/smartjob.json')]);
    assert.equal(waited.code, 0, waited.stderr);
    const result = JSON.parse(waited.stdout);
    assert.deepEqual([result.state, result.jsonOutput], ['SUCCEEDED', { w: 1 }]);
    assert.match(waited.stderr, /^waited-line$/m, 'with --json the logs go to stderr');
    const failed = await fx.cli(['schedule', '--wait', '--quiet', ...job('waitfail', 'exit 3')]);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stdout, /^FAILED in .*job exit code 3/);
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });

  it('attach --follow streams the logs of an execution another process scheduled, then prints its result', async () => {
    const script = 'echo first; until [ -e $INPUT_PATH/go ]; do sleep 0.1; done; echo second';
    const id = (await fx.cli(['schedule', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'attached', '--', 'sh', '-c', script])).stdout.trim();
    const { baseDir } = await json(['status', id]);
    const attaching = fx.start(['attach', '--follow', id]);
    await attaching.waitForStderr(new RegExp(`execution ${id} RUNNING`));
    await writeFile(join(fx.stagingDir, baseDir, 'input', 'go'), '');
    const outcome = await attaching.outcome;
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.match(outcome.stdout, new RegExp(`^first\\nsecond\\nSUCCEEDED in .*execution ${id}\\n`));
    await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE]);
  });
});
