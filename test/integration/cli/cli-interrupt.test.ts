import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RECORD_KEYS } from '../../../src/infra/shared/execution-record.js';
import { BUSYBOX_IMAGE, containersOf, TEST_NAMESPACE } from '../../support/docker.js';
import { cliFixture, type CliFixture } from './cli-harness.js';

/** The status line's first line on a non-terminal stderr. */
const SCHEDULED = /execution ([0-9a-f]{16}) (?:PENDING|RUNNING)/;
/** The Docker backend's default stop grace (docker.stopGraceSeconds), which the CLI uses. */
const STOP_GRACE_SECONDS = 5;

describe('CLI: Ctrl-C and SIGTERM during run', () => {
  let fx: CliFixture;
  before(async () => { fx = await cliFixture(); });
  after(async () => { await fx.close(); });

  const sleeper = (name: string) => ['run', '--json', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', name, '--', 'sleep', '60'];

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} cancels the execution, says so with its id, exits ${code} and leaves no container`, async () => {
      const running = fx.start(sleeper(`int-${signal.toLowerCase()}`));
      const [, id] = await running.waitForStderr(SCHEDULED);
      running.child.kill(signal);
      const outcome = await running.outcome;
      assert.equal(outcome.code, code, outcome.stderr);
      assert.match(outcome.stderr, new RegExp(`${signal}: cancelling execution ${id}`));
      assert.equal(JSON.parse(outcome.stdout).state, 'CANCELLED');
      assert.deepEqual(await containersOf(fx.docker), []);
    });
  }

  it('a second Ctrl-C stops waiting at once and says what is true: the cancellation goes on, and after the grace it is CANCELLED', async () => {
    // a job that ignores SIGTERM: the cancellation takes the whole stop grace period, then the engine kills it
    const running = fx.start(['run', '--json', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'int-twice', '--', 'sh', '-c', "trap '' TERM; sleep 60"]);
    const [, id] = await running.waitForStderr(SCHEDULED);
    running.child.kill('SIGINT');
    const cancelAsked = Date.now();
    await running.waitForStderr(/cancelling/);
    await untilCancelRecorded(id!); // as a person's second Ctrl-C: after the first one's cancel went out
    running.child.kill('SIGINT');
    const outcome = await running.outcome;
    assert.equal(outcome.code, 130, outcome.stderr);
    assert.match(outcome.stderr, new RegExp(`stopped waiting; the cancellation of execution ${id} goes on \\(the engine stops the container after its stop grace\\): see \`smartjob status ${id}\``));
    assert.doesNotMatch(outcome.stderr, /left running/);
    assert.equal(JSON.parse(outcome.stdout).error.code, 'INTERRUPTED', '--json: one document, even then');

    // no process of ours is left: what happens now is the engine's doing alone
    await sleep(Math.max(0, cancelAsked + (STOP_GRACE_SECONDS + 1.5) * 1000 - Date.now()));
    const status = await fx.cli(['status', '--json', id!]);
    assert.equal(JSON.parse(status.stdout).state, 'CANCELLED', 'the cancellation went on without the CLI');
    const [container] = await containersOf(fx.docker);
    assert.equal((await fx.docker.getContainer(container!.Id).inspect()).State.Running, false);
    assert.equal((await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE])).code, 0);
  });

  it('Ctrl-C during attach stops waiting only, and says nothing watches the execution then (on Docker: its deadline)', async () => {
    const id = (await fx.cli(['schedule', '--image', BUSYBOX_IMAGE, '--namespace', TEST_NAMESPACE, '--name', 'int-attach', '--', 'sleep', '60'])).stdout.trim();
    const attaching = fx.start(['attach', id]);
    await attaching.waitForStderr(new RegExp(`execution ${id} RUNNING`));
    attaching.child.kill('SIGINT');
    const outcome = await attaching.outcome;
    assert.equal(outcome.code, 130);
    assert.match(outcome.stderr, new RegExp(`stopped waiting; execution ${id} goes on: follow it: smartjob attach ${id}; nothing watches it meanwhile: its timeout is enforced by the next`));
    assert.equal(JSON.parse((await fx.cli(['status', '--json', id])).stdout).state, 'RUNNING');
    assert.equal((await fx.cli(['cancel', id])).code, 0);
    assert.equal((await fx.cli(['cleanup', '--namespace', TEST_NAMESPACE])).code, 0);
  });

  /** The cancel is recorded on the container (its name) just before the stop request goes out. */
  async function untilCancelRecorded(id: string): Promise<void> {
    for (const started = Date.now(); Date.now() - started < 10_000; await sleep(20)) {
      const [container] = await fx.docker.listContainers({ all: true, filters: { label: [`${RECORD_KEYS.executionId}=${id}`] } });
      if (container?.Names[0]?.endsWith('--cancelled')) return;
    }
    assert.fail(`execution ${id} was never marked cancelled`);
  }
});
